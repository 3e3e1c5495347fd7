//! Messages of tickets: inbound (idempotent on the WhatsApp id) and outbound (the outbox).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::{PlatformCtx, TenantCtx};
use crate::enums::{MediaType, MessageAck, MessageStatus, SendType};
use crate::error::Result;
use crate::ids::{ContactId, MessageId, TenantId, TicketId, UserId};
use crate::store::page::{Page, PageRequest};
use crate::store::tickets::Ticket;
use crate::validate;

/// A message row (`Messages`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Internal id (UUID text).
    pub id: MessageId,
    /// Provider id (WhatsApp); `None` until sent.
    pub message_id: Option<String>,
    /// Text (or caption).
    pub body: String,
    /// Delivery state.
    pub ack: MessageAck,
    /// Read by an agent.
    pub read: bool,
    /// Sent by us (agent, bot or phone).
    pub from_me: bool,
    /// Kind or MIME major type.
    pub media_type: Option<MediaType>,
    /// Stored file name of the media.
    pub media_url: Option<String>,
    /// Ticket.
    pub ticket_id: TicketId,
    /// Sender contact.
    pub contact_id: Option<ContactId>,
    /// Internal id of the quoted message.
    pub quoted_msg_id: Option<MessageId>,
    /// Provider timestamp.
    pub timestamp: Option<i64>,
    /// Sending agent.
    pub user_id: Option<UserId>,
    /// Scheduled send time.
    pub schedule_date: Option<DateTime<Utc>>,
    /// Who produced an outbound message.
    pub send_type: Option<SendType>,
    /// Outbox state.
    pub status: Option<MessageStatus>,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Client correlation id.
    pub id_front: Option<String>,
    /// Poll data.
    pub poll_data: Option<serde_json::Value>,
    /// Protocol number of the attendance.
    pub protocol_number: Option<String>,
    /// Edited text.
    pub edited: Option<String>,
    /// Deleted for everyone.
    pub is_deleted: bool,
    /// Why sending failed for good (status `failed`, ack -1).
    pub send_error: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A message to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// Provider id; inserts are idempotent on it within the tenant.
    pub message_id: Option<String>,
    /// Ticket (must belong to the tenant).
    pub ticket_id: TicketId,
    /// Sender contact (must belong to the tenant).
    pub contact_id: Option<ContactId>,
    /// Text.
    pub body: String,
    /// Sent by us.
    pub from_me: bool,
    /// Read by an agent.
    pub read: bool,
    /// Kind.
    pub media_type: Option<MediaType>,
    /// Stored media file name.
    pub media_url: Option<String>,
    /// Quoted message (must belong to the tenant).
    pub quoted_msg_id: Option<MessageId>,
    /// Provider timestamp.
    pub timestamp: Option<i64>,
    /// Sending agent.
    pub user_id: Option<UserId>,
    /// Scheduled time.
    pub schedule_date: Option<DateTime<Utc>>,
    /// Producer.
    pub send_type: Option<SendType>,
    /// Outbox state.
    pub status: Option<MessageStatus>,
    /// Delivery state.
    pub ack: MessageAck,
    /// Client correlation id.
    pub id_front: Option<String>,
    /// Poll data.
    pub poll_data: Option<serde_json::Value>,
}

impl NewMessage {
    /// Checks lengths.
    pub fn validate(&self) -> Result<()> {
        validate::length("body", &self.body, 0, validate::TEXT_MAX)?;
        validate::opt_varchar("messageId", self.message_id.as_deref())?;
        validate::opt_varchar("mediaUrl", self.media_url.as_deref())?;
        validate::opt_varchar("idFront", self.id_front.as_deref())
    }
}

/// Changes to a message; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessagePatch {
    /// Provider id, once sent.
    pub message_id: Option<String>,
    /// Delivery state.
    pub ack: Option<MessageAck>,
    /// Outbox state.
    pub status: Option<MessageStatus>,
    /// Edited text.
    pub edited: Option<String>,
    /// Deleted for everyone.
    pub is_deleted: Option<bool>,
    /// Read flag.
    pub read: Option<bool>,
    /// Protocol number.
    pub protocol_number: Option<String>,
    /// Why sending failed for good (at most [`SEND_ERROR_MAX`] characters).
    pub send_error: Option<String>,
}

/// Longest `sendError` stored (`varchar(1000)`).
pub const SEND_ERROR_MAX: usize = 1000;

impl MessagePatch {
    /// Checks lengths.
    pub fn validate(&self) -> Result<()> {
        validate::opt_varchar("messageId", self.message_id.as_deref())?;
        validate::opt_text("edited", self.edited.as_deref())?;
        validate::opt_varchar("protocolNumber", self.protocol_number.as_deref())?;
        match &self.send_error {
            Some(reason) => validate::length("sendError", reason, 0, SEND_ERROR_MAX),
            None => Ok(()),
        }
    }
}

/// Whether [`MessageStore::insert`] stored a new row or found the same provider id.
#[derive(Debug, Clone, PartialEq)]
pub struct Inserted {
    /// The stored message (the existing one for a duplicate).
    pub message: Message,
    /// True when the provider id was already stored: nothing was written.
    pub duplicate: bool,
}

/// Messages of the caller's tenant.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores a message. With a provider id already stored in the tenant, returns the existing
    /// row with `duplicate = true` and writes nothing (safe under concurrency).
    async fn insert(&self, cx: &TenantCtx, new: NewMessage) -> Result<Inserted>;
    /// One message.
    async fn get(&self, cx: &TenantCtx, id: &MessageId) -> Result<Message>;
    /// The message with this provider id, if stored.
    async fn find_by_provider_id(
        &self,
        cx: &TenantCtx,
        message_id: &str,
    ) -> Result<Option<Message>>;
    /// A page of a ticket's messages, oldest first within the page; page 1 is the newest.
    async fn list_for_ticket(
        &self,
        cx: &TenantCtx,
        ticket: TicketId,
        page: PageRequest,
    ) -> Result<Page<Message>>;
    /// Applies a patch.
    async fn update(&self, cx: &TenantCtx, id: &MessageId, patch: MessagePatch) -> Result<Message>;
    /// Marks every message of the ticket read; returns how many changed.
    async fn mark_ticket_read(&self, cx: &TenantCtx, ticket: TicketId) -> Result<u64>;
    /// Deletes a message row (an unsent scheduled message).
    async fn delete(&self, cx: &TenantCtx, id: &MessageId) -> Result<()>;
    /// The outbox write: stores an outbound message and updates its ticket (preview =
    /// `new.body`, `lastMessageAt = at_ms`, `answered = true`, one more unread message when
    /// `count_unread`) in one transaction. Returns both rows as committed.
    async fn insert_outbound(
        &self,
        cx: &TenantCtx,
        new: NewMessage,
        at_ms: i64,
        count_unread: bool,
    ) -> Result<(Message, Ticket)>;
    /// Scheduled messages of a ticket that are still waiting to be sent (`pending` with a
    /// `scheduleDate`), soonest first.
    async fn scheduled_for_ticket(&self, cx: &TenantCtx, ticket: TicketId) -> Result<Vec<Message>>;
    /// Stamps `protocolNumber` on the ticket's messages that have none (rule P-3); returns how
    /// many changed.
    async fn stamp_protocol(&self, cx: &TenantCtx, ticket: TicketId, number: &str) -> Result<u64>;
    /// Platform work (the outbox sweeper): outbound messages of every tenant that are still
    /// unsent (`fromMe`, no provider id, status `pending`) and overdue — created before
    /// `created_before` without a `scheduleDate`, or scheduled before `scheduled_before`.
    /// At most `limit`, oldest first, as `(tenant, message)`.
    async fn overdue_outbound(
        &self,
        p: &PlatformCtx,
        created_before: DateTime<Utc>,
        scheduled_before: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<(TenantId, MessageId)>>;
}
