//! Protocol events: an `ABER` row when an attendance opens, a `FECH` row when it closes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::enums::ProtocolStatus;
use crate::error::Result;
use crate::ids::{ContactId, ProtocolId, TenantId, TicketId, UserId};
use crate::validate;

/// A protocol row (`Protocols`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Protocol {
    /// Id.
    pub id: ProtocolId,
    /// Number, e.g. `(3)-57`.
    pub protocol_number: String,
    /// Opened or closed.
    pub status: ProtocolStatus,
    /// Contact of the ticket.
    pub contact_id: Option<ContactId>,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Ticket.
    pub ticket_id: Option<TicketId>,
    /// Requesting user.
    pub user_id: Option<UserId>,
    /// Requesting user's name at the time.
    pub user_name: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A protocol event to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProtocol {
    /// Number.
    pub protocol_number: String,
    /// Opened or closed.
    pub status: ProtocolStatus,
    /// Ticket (must belong to the tenant; its contact is recorded).
    pub ticket_id: TicketId,
    /// Requesting user (must belong to the tenant).
    pub user_id: Option<UserId>,
    /// Requesting user's name.
    pub user_name: Option<String>,
}

impl NewProtocol {
    /// Checks lengths.
    pub fn validate(&self) -> Result<()> {
        validate::name("protocolNumber", &self.protocol_number)?;
        validate::opt_varchar("userName", self.user_name.as_deref())
    }
}

/// Protocols of the caller's tenant.
#[async_trait]
pub trait ProtocolStore: Send + Sync {
    /// Appends an event.
    async fn append(&self, cx: &TenantCtx, new: NewProtocol) -> Result<Protocol>;
    /// A ticket's events, oldest first.
    async fn list_for_ticket(&self, cx: &TenantCtx, ticket: TicketId) -> Result<Vec<Protocol>>;
    /// A ticket's latest event.
    async fn latest_for_ticket(&self, cx: &TenantCtx, ticket: TicketId)
    -> Result<Option<Protocol>>;
}
