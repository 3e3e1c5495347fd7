//! Inbound ingest (architecture.md "Messages in and out"): what a channel session hands over
//! for every message it sees — from a contact, or sent from the connected phone — becomes a
//! contact, a ticket and a stored message, and the inbox hears about it. Replays of the same
//! provider id change nothing (rules C-4, T-3..T-5, M-1; behaviour.md §7.3, §7.4).

use crate::ctx::TenantCtx;
use crate::enums::{MediaType, MessageAck, MessageStatus, TicketChannel};
use crate::error::Result;
use crate::events::DomainEvent;
use crate::ids::WhatsappId;
use crate::services::Services;
use crate::store::contacts::InboundContact;
use crate::store::messages::{Message, NewMessage};
use crate::store::tickets::{InboundResolution, InboundTicketRequest, Ticket};

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
    /// Ingests one message for the tenant of `cx` (the session's channel tenant).
    pub async fn ingest(&self, cx: &TenantCtx, inbound: InboundMessage) -> Result<Ingested> {
        self.stores.channels.get(cx, inbound.channel).await?;
        if inbound.group.is_some() && self.ignores_groups(cx).await? {
            return Ok(Ingested::IgnoredGroup);
        }
        if self
            .stores
            .messages
            .find_by_provider_id(cx, &inbound.provider_id)
            .await?
            .is_some()
        {
            return Ok(Ingested::Duplicate);
        }
        let sender = self
            .stores
            .contacts
            .upsert_inbound(cx, inbound.contact.clone())
            .await?;
        let chat = match &inbound.group {
            Some(group) => {
                self.stores
                    .contacts
                    .upsert_inbound(cx, group.clone())
                    .await?
            }
            None => sender.clone(),
        };
        let (ticket, resolution) = self
            .stores
            .tickets
            .find_or_create_for_inbound(
                cx,
                InboundTicketRequest {
                    contact_id: chat.id,
                    whatsapp_id: inbound.channel,
                    from_me: inbound.from_me,
                    is_group: inbound.group.is_some(),
                    channel: TicketChannel::Whatsapp,
                    unread_count: 0,
                },
            )
            .await?;
        let quoted = match &inbound.quoted_provider_id {
            Some(id) => self
                .stores
                .messages
                .find_by_provider_id(cx, id)
                .await?
                .map(|m| m.id),
            None => None,
        };
        let inserted = self
            .stores
            .messages
            .insert(
                cx,
                NewMessage {
                    message_id: Some(inbound.provider_id.clone()),
                    ticket_id: ticket.id,
                    contact_id: (!inbound.from_me).then_some(sender.id),
                    body: inbound.body.clone(),
                    from_me: inbound.from_me,
                    read: inbound.from_me,
                    media_type: Some(inbound.media_type),
                    media_url: inbound.media_file.clone(),
                    quoted_msg_id: quoted,
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
            )
            .await?;
        if inserted.duplicate {
            // A concurrent ingest of the same message won the insert.
            return Ok(Ingested::Duplicate);
        }
        let ticket = self
            .stores
            .tickets
            .record_message(
                cx,
                ticket.id,
                &inbound.body,
                self.clock.now_ms(),
                inbound.from_me,
            )
            .await?;
        self.publish(DomainEvent::MessageCreated {
            message: Box::new(inserted.message.clone()),
            ticket: Box::new(ticket.clone()),
            contact: Some(Box::new(chat.clone())),
        });
        self.publish(DomainEvent::TicketUpdated {
            ticket: Box::new(ticket.clone()),
            contact: Some(Box::new(chat.clone())),
        });
        if matches!(
            resolution,
            InboundResolution::Created | InboundResolution::Reopened
        ) && ticket.status == crate::enums::TicketStatus::Pending
        {
            self.publish(DomainEvent::TicketPending {
                ticket: Box::new(ticket.clone()),
                contact: Some(Box::new(chat)),
            });
        }
        Ok(Ingested::Stored {
            message: Box::new(inserted.message),
            ticket: Box::new(ticket),
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
