//! The Redis Streams queue and Redis leases (deadpool-redis).
//!
//! Per job kind `K`, under the prefix `P`: jobs are `XADD`ed to the stream `P:K` (trimmed
//! with `MAXLEN ~`), read by the consumer group `P:K:workers` (created with `MKSTREAM` from id
//! `0`, so a group created late still sees every waiting job), acknowledged and deleted on
//! success. Scheduled jobs and retries wait in the sorted set `P:K:delayed` (score = run-at
//! in ms) until a Lua script moves the due ones into the stream atomically. Dead letters go to
//! the stream `P:K:dead`. `P:held:<dedupe key>` marks a job the queue holds, from enqueue to
//! acknowledgement or dead letter. Entries left pending by a dead consumer are taken over
//! with `XAUTOCLAIM` once idle longer than the visibility timeout; a running job's idle time
//! is reset by a heartbeat (`XCLAIM … JUSTID` by its owner).
//!
//! Multi-key scripts touch keys of one kind and its held markers: a single Redis server (or
//! a primary with replicas) is assumed, not Redis Cluster.

mod config;
mod consume;
mod keys;
mod leases;
mod queue;
mod scripts;
mod settle;
mod source;

pub use config::RedisQueueConfig;
pub use leases::{DEFAULT_LEASE_PREFIX, RedisLeases};
pub use queue::RedisJobQueue;
pub use source::{RedisLane, RedisReceipt};
