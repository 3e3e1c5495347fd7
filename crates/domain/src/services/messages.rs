//! Message use cases: the outbox send (architecture.md "Messages in and out"), reading a
//! ticket's messages, cancelling a scheduled message, forwarding, and the farewell on close.

use chrono::{DateTime, Timelike, Utc};

use crate::ctx::TenantCtx;
use crate::enums::{MediaType, MessageAck, MessageStatus, SendType, TicketChannel, TicketStatus};
use crate::error::{DomainError, Result};
use crate::events::DomainEvent;
use crate::ids::{ContactId, MessageId, TicketId};
use crate::jobs::Job;
use crate::services::Services;
use crate::store::contacts::Contact;
use crate::store::messages::{Message, NewMessage};
use crate::store::page::{Page, PageRequest};
use crate::store::tickets::{NewTicket, Ticket, TicketPatch};
use crate::template::{TemplateValues, render};
use crate::validate;

/// A file already stored for an outbound message.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundMedia {
    /// Stored file name.
    pub file_name: String,
    /// The client's file name (the body when no text is given).
    pub original_name: String,
    /// Kind of medium.
    pub media_type: MediaType,
}

/// What an agent (or the system) sends on a ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundRequest {
    /// Text, or the caption of the first medium.
    pub body: String,
    /// Files; one message per file.
    pub media: Vec<OutboundMedia>,
    /// The replied message (must be of the same tenant).
    pub quoted: Option<MessageId>,
    /// Send later (UTC); `None` sends now.
    pub schedule_date: Option<DateTime<Utc>>,
    /// Who produced it.
    pub send_type: SendType,
    /// Client correlation id.
    pub id_front: Option<String>,
}

/// Code of the refusal to change a message that WhatsApp already has (needs a live session).
pub const ERR_WAPP_SESSIONS_NOT_AVAILABLE: &str = "ERR_WAPP_SESSIONS_NOT_AVAILABLE";

/// Most messages forwarded at once (client-contract.md §4.6).
pub const MAX_FORWARD: usize = 10;

impl Services {
    /// Renders a text template for a ticket (`{name}`, `{protocol}`, `{greeting}`).
    async fn render_for(&self, cx: &TenantCtx, ticket: &Ticket, text: &str) -> Result<String> {
        if !text.contains('{') {
            return Ok(text.to_owned());
        }
        let contact = match ticket.contact_id {
            Some(id) => Some(self.stores.contacts.get(cx, id).await?),
            None => None,
        };
        let protocol = self
            .stores
            .protocols
            .latest_for_ticket(cx, ticket.id)
            .await?
            .map(|p| p.protocol_number)
            .unwrap_or_default();
        Ok(render(
            text,
            &TemplateValues {
                name: contact.as_ref().map(|c| c.name.as_str()).unwrap_or(""),
                protocol: &protocol,
                hour: self.clock.now().hour(),
            },
        ))
    }

    /// Sends on a ticket through the outbox: each message is stored `pending` in the same
    /// transaction that updates the ticket, then handed to the job queue (a failure to
    /// enqueue leaves it pending for the sweeper: never lost). Publishes `chat:create` for
    /// each message, so the sender sees it. Returns the stored messages.
    pub async fn send_message(
        &self,
        cx: &TenantCtx,
        ticket_id: TicketId,
        req: OutboundRequest,
    ) -> Result<Vec<Message>> {
        let ticket = self.stores.tickets.get(cx, ticket_id).await?;
        if ticket.whatsapp_id.is_none() {
            return Err(DomainError::invalid(
                "ERR_NO_WAPP_FOUND",
                "this ticket has no channel to send through",
            ));
        }
        if req.body.trim().is_empty() && req.media.is_empty() {
            return Err(DomainError::invalid(
                "ERR_EMPTY_MESSAGE",
                "a message needs a body or a file",
            ));
        }
        validate::length("body", &req.body, 0, validate::TEXT_MAX)?;
        if let Some(quoted) = &req.quoted {
            self.stores.messages.get(cx, quoted).await?;
        }
        let now = self.clock.now();
        if let Some(when) = req.schedule_date
            && when < now - chrono::Duration::minutes(1)
        {
            return Err(DomainError::invalid(
                "ERR_SCHEDULE_DATE_IN_PAST",
                "scheduleDate is in the past",
            ));
        }
        let body = self.render_for(cx, &ticket, &req.body).await?;
        let base = |body: String, media: Option<&OutboundMedia>| NewMessage {
            message_id: None,
            ticket_id,
            contact_id: ticket.contact_id,
            body,
            from_me: true,
            read: true,
            media_type: Some(media.map(|m| m.media_type).unwrap_or(MediaType::Chat)),
            media_url: media.map(|m| m.file_name.clone()),
            quoted_msg_id: req.quoted.clone(),
            timestamp: Some(now.timestamp_millis()),
            user_id: cx.user_id(),
            schedule_date: req.schedule_date,
            send_type: Some(req.send_type),
            status: Some(MessageStatus::Pending),
            ack: MessageAck::Pending,
            id_front: req.id_front.clone(),
            poll_data: None,
        };
        let drafts: Vec<NewMessage> = if req.media.is_empty() {
            vec![base(body, None)]
        } else {
            req.media
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let text = if i == 0 && !body.trim().is_empty() {
                        body.clone()
                    } else {
                        m.original_name.clone()
                    };
                    base(text, Some(m))
                })
                .collect()
        };
        let contact = match ticket.contact_id {
            Some(id) => self.stores.contacts.get(cx, id).await.ok(),
            None => None,
        };
        let mut stored = Vec::with_capacity(drafts.len());
        for draft in drafts {
            let (message, ticket) = self
                .stores
                .messages
                .insert_outbound(cx, draft, now.timestamp_millis(), false)
                .await?;
            let job = Job::SendMessage {
                tenant: cx.tenant(),
                message: message.id.clone(),
            };
            // An enqueue failure is not the client's problem: the row is committed as pending
            // and the outbox sweeper will pick it up (a scheduled one once its time passed).
            let _ = match message.schedule_date {
                Some(at) if at > now => self.jobs.enqueue_at(job, at).await,
                _ => self.jobs.enqueue(job).await,
            };
            self.publish(DomainEvent::MessageCreated {
                message: Box::new(message.clone()),
                ticket: Box::new(ticket),
                contact: contact.clone().map(Box::new),
            });
            stored.push(message);
        }
        Ok(stored)
    }

    /// Queues the channel's farewell message on a ticket an agent just closed (rule T-10b)
    /// and flags the ticket; returns the ticket as it is afterwards. The flag is set first:
    /// the sender delivers on a closed ticket only when it is set, and a worker may pick the
    /// message up as soon as it is queued.
    pub(crate) async fn queue_farewell(&self, cx: &TenantCtx, ticket: &Ticket) -> Result<Ticket> {
        let Some(channel_id) = ticket.whatsapp_id else {
            return Ok(ticket.clone());
        };
        let channel = self.stores.channels.get(cx, channel_id).await?;
        let Some(text) = channel.farewell_message.filter(|t| !t.trim().is_empty()) else {
            return Ok(ticket.clone());
        };
        if !ticket.is_farewell_message {
            self.stores
                .tickets
                .update(
                    cx,
                    ticket.id,
                    TicketPatch {
                        is_farewell_message: Some(true),
                        ..TicketPatch::default()
                    },
                )
                .await?;
        }
        self.send_message(
            cx,
            ticket.id,
            OutboundRequest {
                body: text,
                media: Vec::new(),
                quoted: None,
                schedule_date: None,
                send_type: SendType::Bot,
                id_front: None,
            },
        )
        .await?;
        // The outbox write moved the ticket's preview and time: return it as it is now.
        self.stores.tickets.get(cx, ticket.id).await
    }

    /// A page of a ticket's messages, oldest first within the page, and whether reading it
    /// marked the ticket read. Reading the newest page marks the ticket read (as the reference
    /// does), publishing the ticket if that changed it.
    pub async fn ticket_messages(
        &self,
        cx: &TenantCtx,
        ticket_id: TicketId,
        page: PageRequest,
    ) -> Result<(Ticket, Page<Message>, bool)> {
        let mut ticket = self.stores.tickets.get(cx, ticket_id).await?;
        let messages = self
            .stores
            .messages
            .list_for_ticket(cx, ticket_id, page)
            .await?;
        let marks_read = page.page() == 1 && ticket.unread_messages.unwrap_or(0) > 0;
        if marks_read {
            self.stores.messages.mark_ticket_read(cx, ticket_id).await?;
            ticket = self
                .stores
                .tickets
                .update(
                    cx,
                    ticket_id,
                    TicketPatch {
                        unread_messages: Some(0),
                        ..TicketPatch::default()
                    },
                )
                .await?;
            let contact = match ticket.contact_id {
                Some(id) => self.stores.contacts.get(cx, id).await.ok().map(Box::new),
                None => None,
            };
            self.publish(DomainEvent::TicketUpdated {
                ticket: Box::new(ticket.clone()),
                contact,
            });
        }
        Ok((ticket, messages, marks_read))
    }

    /// Tells WhatsApp that the ticket's chat was read (blue ticks on the customer's phone).
    /// Best effort: without a live session nothing happens.
    pub async fn mark_read_on_phone(&self, cx: &TenantCtx, ticket: &Ticket) {
        let (Some(channel), Some(contact)) = (ticket.whatsapp_id, ticket.contact_id) else {
            return;
        };
        let Some(number) = self
            .stores
            .contacts
            .get(cx, contact)
            .await
            .ok()
            .and_then(|c| c.number)
        else {
            return;
        };
        if let Err(e) = self.gateway.mark_read(cx, channel, &number).await {
            tracing::debug!(ticket = %ticket.id, error = %e, "the chat was not marked read on the phone");
        }
    }

    /// Cancels a message that was never sent (a scheduled or still pending one): the row is
    /// removed, whatever its age (the reference refused after 2 hours). Deleting a sent
    /// message for everyone needs a live WhatsApp session.
    pub async fn delete_message(&self, cx: &TenantCtx, id: &MessageId) -> Result<Message> {
        let message = self.stores.messages.get(cx, id).await?;
        let unsent = message.message_id.is_none() && message.status == Some(MessageStatus::Pending);
        if !unsent {
            return Err(DomainError::conflict(
                ERR_WAPP_SESSIONS_NOT_AVAILABLE,
                "this message was already sent; deleting it for everyone needs a connected \
                 WhatsApp session, which this build does not run yet",
            ));
        }
        self.stores.messages.delete(cx, id).await?;
        let mut gone = message.clone();
        gone.is_deleted = true;
        self.publish(DomainEvent::MessageUpdated {
            message: Box::new(gone),
        });
        Ok(message)
    }

    /// Forwards messages of the tenant to a contact of the tenant: into the contact's open or
    /// pending ticket, or a new open ticket of the caller on the first message's channel (with
    /// its channel kind, unlike the reference, so the sender can deliver it).
    pub async fn forward_messages(
        &self,
        cx: &TenantCtx,
        ids: &[MessageId],
        to: ContactId,
    ) -> Result<Vec<Message>> {
        if ids.is_empty() || ids.len() > MAX_FORWARD {
            return Err(DomainError::invalid(
                "ERR_FORWARD_COUNT",
                format!("forward between 1 and {MAX_FORWARD} messages"),
            ));
        }
        let contact: Contact = self.stores.contacts.get(cx, to).await?;
        let mut originals = Vec::with_capacity(ids.len());
        for id in ids {
            originals.push(self.stores.messages.get(cx, id).await?);
        }
        let origin = self.stores.tickets.get(cx, originals[0].ticket_id).await?;
        let target = match self.stores.tickets.find_active(cx, to, None).await? {
            Some(t) => t,
            None => {
                self.stores
                    .tickets
                    .create(
                        cx,
                        NewTicket {
                            contact_id: to,
                            whatsapp_id: origin.whatsapp_id,
                            status: TicketStatus::Open,
                            user_id: cx.user_id(),
                            queue_id: None,
                            is_group: contact.is_group,
                            channel: origin.channel.unwrap_or(TicketChannel::Whatsapp),
                            is_active_demand: true,
                        },
                    )
                    .await?
            }
        };
        let mut sent = Vec::new();
        for m in originals {
            let media = m.media_url.clone().map(|file| OutboundMedia {
                original_name: m.body.clone(),
                file_name: file,
                media_type: m.media_type.unwrap_or(MediaType::Application),
            });
            sent.extend(
                self.send_message(
                    cx,
                    target.id,
                    OutboundRequest {
                        body: m.body.clone(),
                        media: media.into_iter().collect(),
                        quoted: None,
                        schedule_date: None,
                        send_type: SendType::Chat,
                        id_front: None,
                    },
                )
                .await?,
            );
        }
        Ok(sent)
    }
}
