//! The in-process twin of the Redis queue: the embedded default, for one instance.
//!
//! Jobs live in memory (tokio-synchronised): a ready queue per kind, a delayed set ordered by
//! run-at time, the jobs in flight, the "held" dedupe keys and the dead letters. The semantics
//! match [`RedisJobQueue`](crate::RedisJobQueue): enqueueing a held job is a no-op, retries
//! wait with the same [`RetryPolicy`](crate::RetryPolicy), a delivery whose worker was dropped
//! (aborted task, panic outside the handler) is requeued at once by its receipt's `Drop`.
//! Nothing survives a restart: the outbox sweeper enqueues pending messages again.

mod leases;
mod queue;
mod source;
mod state;

pub use leases::InMemoryLeases;
pub use queue::{InProcessConfig, InProcessJobQueue};
pub use source::{MemoryLane, MemoryReceipt};
