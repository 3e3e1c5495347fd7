//! Inbound ingest (architecture.md "Messages in and out"): what a channel session hands over
//! for every message it sees — from a contact, or sent from the connected phone — becomes a
//! contact, a ticket and a stored message, and the inbox hears about it. Replays of the same
//! provider id change nothing (rules C-4, T-3..T-5, M-1; behaviour.md §7.3, §7.4).

use crate::ctx::TenantCtx;
use crate::enums::{MediaType, MessageAck, MessageStatus};
use crate::error::Result;
use crate::events::DomainEvent;
use crate::ids::WhatsappId;
use crate::services::Services;
use crate::store::contacts::InboundContact;
use crate::store::inbox::{InboundWrite, InboundWritten};
use crate::store::messages::{Message, NewMessage};
use crate::store::tickets::{InboundResolution, Ticket};

/// One message seen by a channel session, already normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    /// The channel it arrived on (must belong to the tenant).
    pub channel: WhatsappId,
    /// The person who wrote it (for messages sent from the phone: the recipient).
    pub contact: InboundContact,
    /// The group chat, when it was written in a group.
    pub group: Option<InboundContact>,
    /// Sent from the connected phone rather than by the contact.
    pub from_me: bool,
    /// The provider's message id (idempotency key within the tenant).
    pub provider_id: String,
    /// Text, caption, or the maps link of a location.
    pub body: String,
    /// Kind of message.
    pub media_type: MediaType,
    /// Stored media file name, when the message carried a file.
    pub media_file: Option<String>,
    /// Provider id of the quoted message, if any.
    pub quoted_provider_id: Option<String>,
    /// Provider timestamp (epoch seconds).
    pub timestamp: i64,
}

/// What ingest did.
#[derive(Debug, Clone, PartialEq)]
pub enum Ingested {
    /// The message was stored on its ticket.
    Stored {
        /// The stored message.
        message: Box<Message>,
        /// Its ticket after the counters moved.
        ticket: Box<Ticket>,
        /// How the ticket was found.
        resolution: InboundResolution,
    },
    /// The provider id was already stored: nothing changed.
    Duplicate,
    /// A group message while the tenant ignores groups (`ignoreGroupMsg`).
    IgnoredGroup,
}

impl Services {
    /// Ingests one message for the tenant of `cx` (the session's channel tenant): one
    /// transaction writes the contact, the ticket and the message, then the inbox hears of it.
    pub async fn ingest(&self, cx: &TenantCtx, inbound: InboundMessage) -> Result<Ingested> {
        if inbound.group.is_some() && self.ignores_groups(cx).await? {
            return Ok(Ingested::IgnoredGroup);
        }
        let write = InboundWrite {
            channel: inbound.channel,
            sender: inbound.contact,
            group: inbound.group,
            from_me: inbound.from_me,
            message: NewMessage {
                message_id: Some(inbound.provider_id),
                // Filled in by the store.
                ticket_id: crate::ids::TicketId::new(0),
                contact_id: None,
                body: inbound.body,
                from_me: inbound.from_me,
                read: inbound.from_me,
                media_type: Some(inbound.media_type),
                media_url: inbound.media_file,
                quoted_msg_id: None,
                timestamp: Some(inbound.timestamp),
                user_id: None,
                schedule_date: None,
                send_type: None,
                status: Some(MessageStatus::Received),
                ack: if inbound.from_me {
                    MessageAck::Server
                } else {
                    MessageAck::Pending
                },
                id_front: None,
                poll_data: None,
            },
            quoted_provider_id: inbound.quoted_provider_id,
            at_ms: self.clock.now_ms(),
        };
        let (message, ticket, chat, resolution) =
            match self.stores.inbox.write_inbound(cx, write).await? {
                InboundWritten::Duplicate => return Ok(Ingested::Duplicate),
                InboundWritten::Stored {
                    message,
                    ticket,
                    chat,
                    resolution,
                } => (message, ticket, chat, resolution),
            };
        self.publish(DomainEvent::MessageCreated {
            message: message.clone(),
            ticket: ticket.clone(),
            contact: Some(chat.clone()),
        });
        self.publish(DomainEvent::TicketUpdated {
            ticket: ticket.clone(),
            contact: Some(chat.clone()),
        });
        if matches!(
            resolution,
            InboundResolution::Created | InboundResolution::Reopened
        ) && ticket.status == crate::enums::TicketStatus::Pending
        {
            self.publish(DomainEvent::TicketPending {
                ticket: ticket.clone(),
                contact: Some(chat),
            });
        }
        Ok(Ingested::Stored {
            message,
            ticket,
            resolution,
        })
    }

    async fn ignores_groups(&self, cx: &TenantCtx) -> Result<bool> {
        Ok(self
            .stores
            .settings
            .get(cx, "ignoreGroupMsg")
            .await?
            .is_some_and(|s| s.value == "enabled"))
    }
}
