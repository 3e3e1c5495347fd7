//! Background work requested by domain services, through the [`JobQueue`] port. The jobs
//! crate implements it on Redis Streams and in process, with the same semantics: at least
//! once, retried with backoff, delayed jobs not run before their time. Handlers are
//! idempotent (a message already sent is not sent again), so redelivery is harmless.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::ids::{MessageId, TenantId};

/// A unit of background work. Jobs about tenant data carry their tenant; the worker runs
/// them under `TenantCtx::system(tenant)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    /// Send a pending outbound message through its ticket's channel.
    SendMessage {
        /// Tenant of the message.
        tenant: TenantId,
        /// The message (our id; sending is idempotent on it).
        message: MessageId,
    },
}

impl Job {
    /// The job's kind, which names its stream / consumer group.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::SendMessage { .. } => "send-message",
        }
    }

    /// A key unique to this job's subject: the same message is held by the queue once.
    pub fn dedupe_key(&self) -> String {
        match self {
            Job::SendMessage { tenant, message } => {
                format!("send-message:{}:{}", tenant.get(), message.as_str())
            }
        }
    }
}

/// Accepts jobs for later execution.
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Enqueues a job to run as soon as a worker is free. An error means the job was not
    /// accepted; data written before stays valid (the outbox sweeper re-enqueues pending
    /// messages).
    async fn enqueue(&self, job: Job) -> Result<()>;
    /// Enqueues a job that must not run before `at` (UTC).
    async fn enqueue_at(&self, job: Job, at: DateTime<Utc>) -> Result<()>;
    /// True while the queue holds the job (waiting, delayed, running or retrying): the
    /// sweeper does not enqueue it again.
    async fn holds(&self, job: &Job) -> Result<bool>;
}

/// A queue without workers: accepts every job and runs none. Outbound messages stay
/// `pending` in the outbox until a real queue and a sender are configured.
#[derive(Debug, Default, Clone, Copy)]
pub struct LeavePending;

#[async_trait]
impl JobQueue for LeavePending {
    async fn enqueue(&self, _job: Job) -> Result<()> {
        Ok(())
    }

    async fn enqueue_at(&self, _job: Job, _at: DateTime<Utc>) -> Result<()> {
        Ok(())
    }

    async fn holds(&self, _job: &Job) -> Result<bool> {
        Ok(false)
    }
}
