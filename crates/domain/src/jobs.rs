//! Background work requested by domain services, through the [`JobQueue`] port. The jobs
//! crate implements it on Redis Streams or in process; until a worker runs, a pending outbound
//! message simply stays `pending` in the database (the outbox), so nothing is lost.

use async_trait::async_trait;

use crate::error::Result;
use crate::ids::{MessageId, TenantId};

/// A unit of background work. Jobs about tenant data carry their tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Send a pending outbound message through its ticket's channel.
    SendMessage {
        /// Tenant of the message.
        tenant: TenantId,
        /// The message (our id; sending is idempotent on it).
        message: MessageId,
    },
}

/// Accepts jobs for later execution.
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Enqueues a job. An error means the job was not accepted; data written before stays
    /// valid (the outbox sweeper re-enqueues pending messages).
    async fn enqueue(&self, job: Job) -> Result<()>;
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
}
