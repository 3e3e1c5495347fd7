//! Delivery of the outbox (architecture.md "Messages in and out", data-model.md §7.9 M-2):
//! the `SendMessage` job's use case and the sweeper that re-enqueues what a queue lost.
//!
//! Delivery is idempotent on our message id: a message that already has a provider id, or is
//! no longer `pending`, is never handed to the gateway again, so a redelivered job is
//! harmless. The gateway itself is told our id as its idempotency key, which covers the one
//! window this check cannot (a crash between the send and the write of its provider id).

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::ctx::{PlatformCtx, TenantCtx};
use crate::enums::{MessageAck, MessageStatus, TicketStatus};
use crate::error::{DomainError, Result};
use crate::events::DomainEvent;
use crate::gateway::{GatewayError, OutboundMessage, SentMessage};
use crate::ids::MessageId;
use crate::jobs::Job;
use crate::services::Services;
use crate::store::messages::{Message, MessagePatch, SEND_ERROR_MAX};
use crate::store::tickets::Ticket;

/// What [`Services::deliver_message`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Sent now; the message as stored afterwards (provider id, ack, status `sended`).
    Sent(Box<Message>),
    /// Nothing to do: already sent, cancelled or failed (a redelivered job).
    AlreadyDone,
    /// The message no longer exists (deleted before it was sent).
    Gone,
    /// Scheduled for later: run the job again at this time (UTC).
    NotYet(DateTime<Utc>),
}

/// Why [`Services::deliver_message`] did not send.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeliveryError {
    /// Worth retrying (session down, timeout, database unavailable); nothing was written and
    /// the message is still `pending`.
    #[error("temporary delivery failure: {0}")]
    Transient(String),
    /// Will never work; the message is marked `failed` (ack -1) with the reason, unless the
    /// failure was in our own data (then nothing could be written).
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
}

impl DeliveryError {
    /// True when the job should be retried.
    pub fn is_transient(&self) -> bool {
        matches!(self, DeliveryError::Transient(_))
    }
}

/// A store failure during delivery: an unavailable database is worth a retry, anything else
/// (a corrupted row, a rule) is not.
fn store_failure(e: DomainError) -> DeliveryError {
    match e {
        DomainError::Unavailable(reason) => DeliveryError::Transient(reason),
        other => DeliveryError::Permanent(other.to_string()),
    }
}

/// `reason`, cut to what `Messages.sendError` holds.
fn clip_reason(reason: &str) -> String {
    reason.chars().take(SEND_ERROR_MAX).collect()
}

/// True when the message must not be handed to the gateway (again).
fn already_done(message: &Message) -> bool {
    message.message_id.is_some() || message.status != Some(MessageStatus::Pending)
}

/// Why a message cannot be sent on its ticket, if it cannot: a closed ticket takes only its
/// farewell (rule T-10b), and a ticket needs a channel.
fn ticket_refusal(ticket: &Ticket) -> Option<&'static str> {
    if ticket.status == TicketStatus::Closed && !ticket.is_farewell_message {
        return Some("ticket closed");
    }
    if ticket.whatsapp_id.is_none() {
        return Some("the ticket has no channel");
    }
    None
}

impl Services {
    /// The `SendMessage` job: sends one pending outbound message of `cx`'s tenant through its
    /// ticket's channel. See [`Delivery`] and [`DeliveryError`] for the outcomes; on success
    /// it stores the provider id, the ack and status `sended`, and publishes `chat:update` and
    /// `chat:ack`. A permanent failure marks the message `failed` (ack -1, `sendError`) and
    /// publishes `chat:update`.
    pub async fn deliver_message(
        &self,
        cx: &TenantCtx,
        id: &MessageId,
    ) -> Result<Delivery, DeliveryError> {
        let message = match self.stores.messages.get(cx, id).await {
            Ok(m) => m,
            Err(DomainError::NotFound { .. }) => return Ok(Delivery::Gone),
            Err(e) => return Err(store_failure(e)),
        };
        if already_done(&message) {
            return Ok(Delivery::AlreadyDone);
        }
        if let Some(at) = message.schedule_date
            && at > self.clock.now()
        {
            return Ok(Delivery::NotYet(at));
        }
        let outbound = match self.outbound_for(cx, &message).await? {
            Ok(outbound) => outbound,
            Err(reason) => return Err(self.fail(cx, &message, reason).await),
        };
        match self.gateway.send(cx, &outbound).await {
            Ok(sent) => self.record_sent(cx, &message, sent).await,
            Err(GatewayError::Transient(reason)) => Err(DeliveryError::Transient(reason)),
            Err(GatewayError::Permanent(reason)) => Err(self.fail(cx, &message, reason).await),
        }
    }

    /// What the gateway needs, or why the message can never be sent (the inner error).
    async fn outbound_for(
        &self,
        cx: &TenantCtx,
        message: &Message,
    ) -> Result<Result<OutboundMessage, String>, DeliveryError> {
        let ticket = match self.stores.tickets.get(cx, message.ticket_id).await {
            Ok(t) => t,
            Err(DomainError::NotFound { .. }) => return Ok(Err("the ticket is gone".into())),
            Err(e) => return Err(store_failure(e)),
        };
        if let Some(reason) = ticket_refusal(&ticket) {
            return Ok(Err(reason.into()));
        }
        let Some(channel) = ticket.whatsapp_id else {
            return Ok(Err("the ticket has no channel".into()));
        };
        let contact = match ticket.contact_id {
            Some(c) => match self.stores.contacts.get(cx, c).await {
                Ok(contact) => Some(contact),
                Err(DomainError::NotFound { .. }) => None,
                Err(e) => return Err(store_failure(e)),
            },
            None => None,
        };
        let Some(to) = contact
            .as_ref()
            .and_then(|c| c.number.clone())
            .filter(|n| !n.trim().is_empty() && n != "null")
        else {
            return Ok(Err("the contact has no number".into()));
        };
        let quoted_provider_id = match &message.quoted_msg_id {
            Some(q) => match self.stores.messages.get(cx, q).await {
                Ok(quoted) => quoted.message_id,
                Err(DomainError::NotFound { .. }) => None,
                Err(e) => return Err(store_failure(e)),
            },
            None => None,
        };
        Ok(Ok(OutboundMessage {
            id: message.id.clone(),
            channel,
            to,
            is_group: ticket.is_group || contact.is_some_and(|c| c.is_group),
            body: message.body.clone(),
            media_file: message.media_url.clone(),
            media_type: message.media_url.as_ref().and(message.media_type),
            quoted_provider_id,
        }))
    }

    /// Stores a successful send and publishes it.
    async fn record_sent(
        &self,
        cx: &TenantCtx,
        message: &Message,
        sent: SentMessage,
    ) -> Result<Delivery, DeliveryError> {
        let stored = self
            .stores
            .messages
            .update(
                cx,
                &message.id,
                MessagePatch {
                    message_id: Some(sent.provider_id),
                    ack: Some(sent.ack),
                    status: Some(MessageStatus::Sended),
                    ..MessagePatch::default()
                },
            )
            .await
            .map_err(store_failure)?;
        self.publish(DomainEvent::MessageUpdated {
            message: Box::new(stored.clone()),
        });
        self.publish(DomainEvent::MessageAck {
            tenant: cx.tenant(),
            id: stored.id.clone(),
            ticket: stored.ticket_id,
            ack: stored.ack,
        });
        Ok(Delivery::Sent(Box::new(stored)))
    }

    /// Marks a message failed for good (ack -1, status `failed`, the reason) and publishes
    /// it. When that write itself fails for a passing reason, the failure is transient (the
    /// retry finds the same permanent failure and records it then).
    async fn fail(&self, cx: &TenantCtx, message: &Message, reason: String) -> DeliveryError {
        let patch = MessagePatch {
            ack: Some(MessageAck::Error),
            status: Some(MessageStatus::Failed),
            send_error: Some(clip_reason(&reason)),
            ..MessagePatch::default()
        };
        match self.stores.messages.update(cx, &message.id, patch).await {
            Ok(stored) => {
                self.publish(DomainEvent::MessageUpdated {
                    message: Box::new(stored),
                });
                DeliveryError::Permanent(reason)
            }
            Err(DomainError::Unavailable(e)) => DeliveryError::Transient(format!(
                "could not record the permanent failure ({reason}): {e}"
            )),
            Err(_) => DeliveryError::Permanent(reason),
        }
    }

    /// The outbox sweeper (platform work): re-enqueues pending outbound messages of every
    /// tenant that are overdue by more than `older_than` — created that long ago without a
    /// schedule, or scheduled that long ago — and that the queue does not hold. A lost queue,
    /// a crash between commit and enqueue or a restart therefore never loses a send. Looks at
    /// `limit` messages at most, oldest first; returns how many were enqueued.
    pub async fn sweep_outbox(
        &self,
        p: &PlatformCtx,
        older_than: chrono::Duration,
        limit: u64,
    ) -> Result<usize> {
        let cutoff = self.clock.now() - older_than;
        let overdue = self
            .stores
            .messages
            .overdue_outbound(p, cutoff, cutoff, limit)
            .await?;
        let mut enqueued = 0;
        for (tenant, message) in overdue {
            let job = Job::SendMessage { tenant, message };
            if !self.jobs.holds(&job).await? {
                self.jobs.enqueue(job).await?;
                enqueued += 1;
            }
        }
        Ok(enqueued)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::enums::{MediaType, SendType, TicketChannel};
    use crate::ids::{ContactId, TenantId, TicketId, WhatsappId};

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_900_000_000 + secs, 0)
            .single()
            .unwrap_or_default()
    }

    fn message() -> Message {
        Message {
            id: MessageId::from_stored("m-1".into()),
            message_id: None,
            body: "hi".into(),
            ack: MessageAck::Pending,
            read: true,
            from_me: true,
            media_type: Some(MediaType::Chat),
            media_url: None,
            ticket_id: TicketId::new(1),
            contact_id: Some(ContactId::new(1)),
            quoted_msg_id: None,
            timestamp: None,
            user_id: None,
            schedule_date: None,
            send_type: Some(SendType::Chat),
            status: Some(MessageStatus::Pending),
            tenant_id: TenantId::from_verified(1),
            id_front: None,
            poll_data: None,
            protocol_number: None,
            edited: None,
            is_deleted: false,
            send_error: None,
            created_at: at(0),
            updated_at: at(0),
        }
    }

    fn ticket(status: TicketStatus, farewell: bool, channel: Option<i32>) -> Ticket {
        Ticket {
            id: TicketId::new(1),
            status,
            last_message: None,
            contact_id: Some(ContactId::new(1)),
            user_id: None,
            whatsapp_id: channel.map(WhatsappId::new),
            is_group: false,
            queue_id: None,
            tenant_id: TenantId::from_verified(1),
            unread_messages: None,
            answered: None,
            channel: Some(TicketChannel::Whatsapp),
            chat_flow_id: None,
            step_chat_flow: None,
            last_message_at: None,
            started_attendance_at: None,
            closed_at: None,
            is_active_demand: false,
            last_interaction_bot: None,
            bot_retries: 0,
            api_config: None,
            is_farewell_message: farewell,
            attendance_count: None,
            auto_reply_id: None,
            step_auto_reply_id: None,
            created_at: at(0),
            updated_at: at(0),
        }
    }

    #[test]
    fn only_unsent_pending_messages_are_delivered() {
        assert!(!already_done(&message()));
        let sent = Message {
            message_id: Some("WA-1".into()),
            ..message()
        };
        assert!(already_done(&sent));
        for status in [
            None,
            Some(MessageStatus::Sended),
            Some(MessageStatus::Received),
            Some(MessageStatus::Canceled),
            Some(MessageStatus::Failed),
        ] {
            assert!(
                already_done(&Message {
                    status,
                    ..message()
                }),
                "{status:?}"
            );
        }
    }

    #[test]
    fn closed_tickets_take_only_the_farewell() {
        use TicketStatus::{Closed, Open, Pending};
        assert_eq!(
            ticket_refusal(&ticket(Closed, false, Some(1))),
            Some("ticket closed")
        );
        assert_eq!(ticket_refusal(&ticket(Closed, true, Some(1))), None);
        assert_eq!(ticket_refusal(&ticket(Open, false, Some(1))), None);
        assert_eq!(ticket_refusal(&ticket(Pending, false, Some(1))), None);
        assert_eq!(
            ticket_refusal(&ticket(Open, false, None)),
            Some("the ticket has no channel")
        );
    }

    #[test]
    fn reasons_fit_the_column() {
        let long = "é".repeat(SEND_ERROR_MAX + 10);
        assert_eq!(clip_reason(&long).chars().count(), SEND_ERROR_MAX);
        assert_eq!(clip_reason("number invalid"), "number invalid");
    }

    #[test]
    fn only_an_unavailable_store_is_worth_a_retry() {
        assert!(store_failure(DomainError::Unavailable("down".into())).is_transient());
        assert!(!store_failure(DomainError::invalid("ERR_X", "bad")).is_transient());
        assert_eq!(
            DeliveryError::Permanent("ticket closed".into()).to_string(),
            "permanent delivery failure: ticket closed"
        );
    }
}
