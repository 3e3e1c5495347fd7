//! Tickets: one conversation between a contact and the tenant on one channel.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::enums::{TicketChannel, TicketStatus};
use crate::error::Result;
use crate::ids::{ChatFlowId, ContactId, QueueId, TagId, TenantId, TicketId, UserId, WhatsappId};
use crate::store::page::{Page, PageRequest};
use crate::validate;

/// A ticket row (`Tickets`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// Id.
    pub id: TicketId,
    /// Status.
    pub status: TicketStatus,
    /// Preview of the latest message.
    pub last_message: Option<String>,
    /// The contact (the group contact for group chats).
    pub contact_id: Option<ContactId>,
    /// Assigned agent.
    pub user_id: Option<UserId>,
    /// Channel.
    pub whatsapp_id: Option<WhatsappId>,
    /// A group chat.
    pub is_group: bool,
    /// Department.
    pub queue_id: Option<QueueId>,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Unread inbound messages.
    pub unread_messages: Option<i32>,
    /// Whether the last message was ours.
    pub answered: Option<bool>,
    /// Kind of conversation.
    pub channel: Option<TicketChannel>,
    /// Current bot flow.
    pub chat_flow_id: Option<ChatFlowId>,
    /// Current node of the bot flow.
    pub step_chat_flow: Option<String>,
    /// Epoch milliseconds of the latest message.
    pub last_message_at: Option<i64>,
    /// Epoch milliseconds when an agent opened it.
    pub started_attendance_at: Option<i64>,
    /// Epoch milliseconds when it was closed.
    pub closed_at: Option<i64>,
    /// Created by an agent (outbound).
    pub is_active_demand: bool,
    /// Last bot interaction.
    pub last_interaction_bot: Option<DateTime<Utc>>,
    /// Invalid answers given to the bot.
    pub bot_retries: i32,
    /// External-API configuration copy.
    pub api_config: Option<serde_json::Value>,
    /// The farewell was queued.
    pub is_farewell_message: bool,
    /// Number of attendances (protocol counter).
    pub attendance_count: Option<i32>,
    /// Legacy auto-reply id.
    pub auto_reply_id: Option<i32>,
    /// Legacy auto-reply step id.
    pub step_auto_reply_id: Option<i32>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated (drives auto-close).
    pub updated_at: DateTime<Utc>,
}

/// A ticket created by an agent (rule T-11) or by a service.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTicket {
    /// Contact.
    pub contact_id: ContactId,
    /// Channel.
    pub whatsapp_id: Option<WhatsappId>,
    /// Initial status.
    pub status: TicketStatus,
    /// Assigned agent.
    pub user_id: Option<UserId>,
    /// Department.
    pub queue_id: Option<QueueId>,
    /// A group chat.
    pub is_group: bool,
    /// Kind of conversation.
    pub channel: TicketChannel,
    /// Created by an agent.
    pub is_active_demand: bool,
}

/// Changes to a ticket; `None` leaves a field as it is, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketPatch {
    /// New status.
    pub status: Option<TicketStatus>,
    /// Assigned agent (must belong to the tenant).
    pub user_id: Option<Option<UserId>>,
    /// Department (must belong to the tenant).
    pub queue_id: Option<Option<QueueId>>,
    /// Unread counter.
    pub unread_messages: Option<i32>,
    /// Answered flag.
    pub answered: Option<bool>,
    /// Latest message preview.
    pub last_message: Option<String>,
    /// Latest message time (epoch ms).
    pub last_message_at: Option<i64>,
    /// Attendance start (epoch ms).
    pub started_attendance_at: Option<Option<i64>>,
    /// Close time (epoch ms).
    pub closed_at: Option<Option<i64>>,
    /// Attendance counter.
    pub attendance_count: Option<i32>,
    /// Bot flow (must belong to the tenant).
    pub chat_flow_id: Option<Option<ChatFlowId>>,
    /// Bot node.
    pub step_chat_flow: Option<Option<String>>,
    /// Bot retries.
    pub bot_retries: Option<i32>,
    /// Last bot interaction.
    pub last_interaction_bot: Option<Option<DateTime<Utc>>>,
    /// Farewell queued.
    pub is_farewell_message: Option<bool>,
    /// Clears the legacy auto-reply ids (pending → open).
    pub clear_auto_reply: bool,
}

impl TicketPatch {
    /// Checks lengths and counters.
    pub fn validate(&self) -> Result<()> {
        validate::opt_text("lastMessage", self.last_message.as_deref())?;
        if let Some(Some(step)) = &self.step_chat_flow {
            validate::length("stepChatFlow", step, 0, validate::VARCHAR_MAX)?;
        }
        for (field, v) in [
            ("unreadMessages", self.unread_messages),
            ("attendanceCount", self.attendance_count),
            ("botRetries", self.bot_retries),
        ] {
            if let Some(v) = v {
                validate::non_negative(field, v)?;
            }
        }
        Ok(())
    }
}

/// The ticket an inbound (or phone-sent) message belongs to: rules T-3, T-4, T-5.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundTicketRequest {
    /// The contact (the group contact for group chats).
    pub contact_id: ContactId,
    /// The channel the message arrived on.
    pub whatsapp_id: WhatsappId,
    /// Sent from the connected phone rather than by the contact.
    pub from_me: bool,
    /// A group chat.
    pub is_group: bool,
    /// Kind of conversation.
    pub channel: TicketChannel,
    /// The chat's unread count reported by WhatsApp.
    pub unread_count: i32,
}

/// How [`TicketStore::find_or_create_for_inbound`] resolved the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundResolution {
    /// An open or pending ticket already existed.
    Existing,
    /// The latest closed ticket was set back to pending.
    Reopened,
    /// A phone-sent message on a closed ticket: it stays closed.
    ClosedKept,
    /// A new ticket was created.
    Created,
}

/// Filters of the ticket list.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketQuery {
    /// Statuses to include; empty means all.
    pub statuses: Vec<TicketStatus>,
    /// Only these queues.
    pub queue_ids: Vec<QueueId>,
    /// Only tickets assigned to this user.
    pub user_id: Option<UserId>,
    /// Only tickets with unread messages.
    pub only_unread: bool,
    /// Only unassigned tickets.
    pub only_unassigned: bool,
    /// Ticket id, contact name or number contains this text.
    pub search: Option<String>,
    /// Only group tickets (`Some(true)`) or only individual ones (`Some(false)`).
    pub is_group: Option<bool>,
    /// Only tickets whose contact carries at least one of these tags.
    pub tag_ids: Vec<TagId>,
    /// Only tickets this agent may see (data-model.md §7.6): group tickets, every ticket when
    /// the tenant has no queues, tickets of the agent's queues, tickets assigned to the agent,
    /// tickets of contacts in the agent's wallet. `None`: no visibility restriction (admins).
    pub visible_to: Option<UserId>,
    /// The page to read.
    pub page: PageRequest,
}

impl TicketQuery {
    /// A query with no filter for one page.
    pub fn all(page: PageRequest) -> Self {
        Self {
            statuses: Vec::new(),
            queue_ids: Vec::new(),
            user_id: None,
            only_unread: false,
            only_unassigned: false,
            search: None,
            is_group: None,
            tag_ids: Vec::new(),
            visible_to: None,
            page,
        }
    }
}

/// Tickets of the caller's tenant.
#[async_trait]
pub trait TicketStore: Send + Sync {
    /// Creates a ticket; contact, channel, user and queue must belong to the tenant. A second
    /// open or pending ticket for the same contact and channel is `ERR_OTHER_OPEN_TICKET`.
    async fn create(&self, cx: &TenantCtx, new: NewTicket) -> Result<Ticket>;
    /// One ticket.
    async fn get(&self, cx: &TenantCtx, id: TicketId) -> Result<Ticket>;
    /// Tickets matching the query: unread first, pending first, unread desc, newest update first.
    async fn list(&self, cx: &TenantCtx, query: &TicketQuery) -> Result<Page<Ticket>>;
    /// Applies a patch; referenced user, queue and flow must belong to the tenant.
    async fn update(&self, cx: &TenantCtx, id: TicketId, patch: TicketPatch) -> Result<Ticket>;
    /// The open or pending ticket of a contact on a channel, if any.
    async fn find_active(
        &self,
        cx: &TenantCtx,
        contact: ContactId,
        whatsapp: Option<WhatsappId>,
    ) -> Result<Option<Ticket>>;
    /// Finds or creates the ticket of an inbound message. Concurrent calls for one contact and
    /// channel resolve to one ticket (the database allows one open-or-pending ticket per pair).
    async fn find_or_create_for_inbound(
        &self,
        cx: &TenantCtx,
        req: InboundTicketRequest,
    ) -> Result<(Ticket, InboundResolution)>;
    /// Records a stored message on its ticket: preview, time, answered flag and, for inbound
    /// messages, one more unread message.
    async fn record_message(
        &self,
        cx: &TenantCtx,
        id: TicketId,
        preview: &str,
        at_ms: i64,
        from_me: bool,
    ) -> Result<Ticket>;
    /// Tickets created in `[from, to)`, for the dashboards (oldest first).
    async fn created_between(
        &self,
        cx: &TenantCtx,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Ticket>>;
    /// `open` and `pending` tickets of the caller's tenant last updated before `cutoff`, least
    /// recently updated first, at most `limit` (auto-close).
    async fn inactive_since(
        &self,
        cx: &TenantCtx,
        cutoff: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Ticket>>;
}
