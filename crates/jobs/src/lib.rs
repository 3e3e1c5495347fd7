//! Job queue (Redis Streams or in-process), workers, periodic tasks under leases.
//!
//! The domain asks for background work through its [`JobQueue`] port. This crate implements
//! that port twice, with the same semantics:
//!
//! - [`RedisJobQueue`]: Redis Streams with one consumer group per job kind (several instances
//!   share the work);
//! - [`InProcessJobQueue`]: tokio and memory, the embedded default (one instance).
//!
//! Both also implement [`JobSource`], the consumer side that [`spawn_workers`] drives with any
//! [`JobHandler`] (the application's handler calls the domain's use cases under
//! `TenantCtx::system(tenant)`, see [`job_ctx`]).
//!
//! # Delivery guarantees
//!
//! At least once. A job is acknowledged only after its handler returned `Ok`; a handler that
//! returns [`JobFailure::Retry`] runs again after an exponential backoff with jitter
//! ([`RetryPolicy`]) until `max_attempts` runs, then the job is dead-lettered with its last
//! error; [`JobFailure::Fail`] dead-letters at once. A worker that dies (crash, aborted task)
//! leaves its job unacknowledged: Redis redelivers it to a live worker once it has been idle
//! longer than the visibility timeout (`XAUTOCLAIM`; running jobs are kept fresh by a
//! heartbeat), the in-process queue requeues it as soon as its task is dropped. A job
//! delivered `max_attempts` times without ever being settled is dead-lettered too (poison
//! job). Delayed jobs never run before their time. Handlers must be idempotent.
//!
//! # Redis key layout
//!
//! With the prefix `P` (default `tiktickets:jobs`, see [`RedisQueueConfig::prefix`]) and a job
//! kind `K` (e.g. `send-message`, see [`KINDS`]):
//!
//! | key | type | content |
//! |---|---|---|
//! | `P:K` | stream | ready jobs; field `job` = JSON [`Envelope`]; `XADD … MAXLEN ~ N` |
//! | `P:K:workers` | consumer group of `P:K` | consumers `<instance>-<n>`, one per worker loop |
//! | `P:K:delayed` | sorted set | envelopes of scheduled jobs and retries, score = run-at (ms) |
//! | `P:K:dead` | stream | dead letters: fields `job`, `error`, `attempts`, `failedAt` (ms) |
//! | `P:held:<dedupe key>` | string | marker while the queue holds the job (enqueue is a no-op) |
//!
//! Leases ([`RedisLeases`]) live under their own prefix: `tiktickets:leases:<name>`.
//!
//! # Periodic work
//!
//! [`spawn_scheduler`] runs [`Periodic`] tasks; before each run it takes the task's lease
//! through the domain's [`Leases`] port, so only one instance runs a task per period.
//!
//! [`JobQueue`]: tiktickets_domain::jobs::JobQueue
//! [`Leases`]: tiktickets_domain::leases::Leases

mod clock;
pub mod envelope;
pub mod error;
pub mod handler;
pub mod memory;
pub mod periodic;
pub mod policy;
pub mod redis;
pub mod shutdown;
pub mod source;
pub mod worker;

pub use envelope::{Envelope, KINDS};
pub use error::JobsError;
pub use handler::{JobFailure, JobHandler, job_ctx};
pub use memory::{InMemoryLeases, InProcessConfig, InProcessJobQueue};
pub use periodic::{
    Periodic, PeriodicTask, SchedulerConfig, SchedulerHandle, TaskError, spawn_scheduler,
};
pub use policy::RetryPolicy;
pub use redis::{RedisJobQueue, RedisLeases, RedisQueueConfig};
pub use shutdown::{Shutdown, ShutdownTrigger};
pub use source::{DeadLetter, Delivery, JobSource, Outcome};
pub use worker::{WorkerConfig, WorkerHandle, spawn_workers};
