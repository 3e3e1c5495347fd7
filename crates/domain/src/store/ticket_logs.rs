//! The ticket audit trail (`LogTickets`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::enums::TicketLogType;
use crate::error::Result;
use crate::ids::{QueueId, TicketId, TicketLogId, UserId};

/// A log row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketLog {
    /// Id.
    pub id: TicketLogId,
    /// Ticket.
    pub ticket_id: TicketId,
    /// Acting user.
    pub user_id: Option<UserId>,
    /// Queue involved.
    pub queue_id: Option<QueueId>,
    /// What happened.
    pub r#type: TicketLogType,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A log entry to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTicketLog {
    /// Ticket (must belong to the tenant).
    pub ticket_id: TicketId,
    /// What happened.
    pub r#type: TicketLogType,
    /// Acting user (must belong to the tenant).
    pub user_id: Option<UserId>,
    /// Queue (must belong to the tenant).
    pub queue_id: Option<QueueId>,
}

/// Ticket logs of the caller's tenant.
#[async_trait]
pub trait TicketLogStore: Send + Sync {
    /// Appends an entry.
    async fn append(&self, cx: &TenantCtx, new: NewTicketLog) -> Result<TicketLog>;
    /// A ticket's entries, oldest first.
    async fn list_for_ticket(&self, cx: &TenantCtx, ticket: TicketId) -> Result<Vec<TicketLog>>;
}
