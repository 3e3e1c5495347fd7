//! Department queues ("filas").

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::error::Result;
use crate::ids::{QueueId, TenantId, UserId};
use crate::validate;

/// A queue row (`Queues`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Queue {
    /// Id.
    pub id: QueueId,
    /// Display name.
    pub queue: String,
    /// Last editor.
    pub user_id: Option<UserId>,
    /// Active flag.
    pub is_active: bool,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A queue to create, or the full new state of one.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueInput {
    /// Display name.
    pub queue: String,
    /// Active flag.
    pub is_active: bool,
}

impl QueueInput {
    /// Checks the name.
    pub fn validate(&self) -> Result<()> {
        validate::name("queue", &self.queue)
    }
}

/// Queues of the caller's tenant.
#[async_trait]
pub trait QueueStore: Send + Sync {
    /// Creates a queue; the caller becomes its editor.
    async fn create(&self, cx: &TenantCtx, input: QueueInput) -> Result<Queue>;
    /// One queue.
    async fn get(&self, cx: &TenantCtx, id: QueueId) -> Result<Queue>;
    /// All queues, by id.
    async fn list(&self, cx: &TenantCtx) -> Result<Vec<Queue>>;
    /// Replaces a queue's fields.
    async fn update(&self, cx: &TenantCtx, id: QueueId, input: QueueInput) -> Result<Queue>;
    /// Deletes a queue; refused with `ERR_QUEUE_TICKET_EXISTS` while tickets use it.
    async fn delete(&self, cx: &TenantCtx, id: QueueId) -> Result<()>;
}
