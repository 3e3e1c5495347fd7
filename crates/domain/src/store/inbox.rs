//! The inbound write of a channel session as one unit (architecture.md "Messages in and out":
//! upsert the contact, find or create the ticket, store the message idempotently, move the
//! ticket's counters — in one database transaction, so a message is never half-stored and a
//! replay changes nothing).

use async_trait::async_trait;

use crate::ctx::TenantCtx;
use crate::error::Result;
use crate::ids::WhatsappId;
use crate::store::contacts::{Contact, InboundContact};
use crate::store::messages::{Message, NewMessage};
use crate::store::tickets::{InboundResolution, Ticket};

/// Everything one inbound message writes.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundWrite {
    /// The channel it arrived on (checked to belong to the tenant).
    pub channel: WhatsappId,
    /// The person who wrote it (for phone-sent messages, the recipient).
    pub sender: InboundContact,
    /// The group chat, when written in a group (the ticket belongs to it).
    pub group: Option<InboundContact>,
    /// Sent from the connected phone.
    pub from_me: bool,
    /// The message row; `ticket_id`, `contact_id` and `quoted_msg_id` are filled in by the
    /// store (`quoted_msg_id` from `quoted_provider_id`).
    pub message: NewMessage,
    /// Provider id of the quoted message.
    pub quoted_provider_id: Option<String>,
    /// The ticket's new `lastMessageAt` (ms).
    pub at_ms: i64,
}

/// What the write did.
#[derive(Debug, Clone, PartialEq)]
pub enum InboundWritten {
    /// Stored.
    Stored {
        /// The message.
        message: Box<Message>,
        /// Its ticket after the counters moved.
        ticket: Box<Ticket>,
        /// The chat's contact (the group for group messages).
        chat: Box<Contact>,
        /// How the ticket was found.
        resolution: InboundResolution,
    },
    /// The provider id was already stored: nothing was written.
    Duplicate,
}

/// The inbound write.
#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Writes one inbound message and everything it implies, all or nothing.
    async fn write_inbound(&self, cx: &TenantCtx, write: InboundWrite) -> Result<InboundWritten>;
}
