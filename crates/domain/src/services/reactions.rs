//! Reactions (an emoji on a message): stored as a `reaction` message quoting the message it
//! reacts to, on that message's ticket, so the chat shows who reacted with what. A changed
//! reaction keeps its row and records the new emoji in `edited`; a removed one is flagged
//! deleted. Only a message of the session's tenant can be reacted to.

use crate::ctx::TenantCtx;
use crate::enums::{MediaType, MessageAck, MessageStatus};
use crate::error::Result;
use crate::events::DomainEvent;
use crate::services::Services;
use crate::store::messages::{Message, MessagePatch, NewMessage};

/// A reaction seen by a channel session.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundReaction {
    /// The reaction's provider id (one per sender and message).
    pub provider_id: String,
    /// Provider id of the message reacted to.
    pub parent_provider_id: String,
    /// The emoji; empty when the reaction was removed.
    pub text: String,
    /// Made from the connected phone.
    pub from_me: bool,
    /// Provider timestamp (epoch seconds).
    pub timestamp: i64,
}

impl Services {
    /// Records a reaction on a stored message of the tenant; returns the reaction's row, or
    /// `None` when the message reacted to is unknown here.
    pub async fn apply_reaction(
        &self,
        cx: &TenantCtx,
        reaction: InboundReaction,
    ) -> Result<Option<Message>> {
        let messages = &self.stores.messages;
        let Some(parent) = messages
            .find_by_provider_id(cx, &reaction.parent_provider_id)
            .await?
        else {
            return Ok(None);
        };
        if let Some(existing) = messages
            .find_by_provider_id(cx, &reaction.provider_id)
            .await?
        {
            let patch = if reaction.text.is_empty() {
                MessagePatch {
                    is_deleted: Some(true),
                    ..MessagePatch::default()
                }
            } else {
                MessagePatch {
                    edited: Some(reaction.text.clone()),
                    is_deleted: Some(false),
                    ..MessagePatch::default()
                }
            };
            let updated = messages.update(cx, &existing.id, patch).await?;
            self.publish(DomainEvent::MessageUpdated {
                message: Box::new(updated.clone()),
            });
            return Ok(Some(updated));
        }
        if reaction.text.is_empty() {
            return Ok(None);
        }
        let inserted = messages
            .insert(
                cx,
                NewMessage {
                    message_id: Some(reaction.provider_id),
                    ticket_id: parent.ticket_id,
                    contact_id: if reaction.from_me {
                        None
                    } else {
                        parent.contact_id
                    },
                    body: reaction.text,
                    from_me: reaction.from_me,
                    read: true,
                    media_type: Some(MediaType::Reaction),
                    media_url: None,
                    quoted_msg_id: Some(parent.id.clone()),
                    timestamp: Some(reaction.timestamp),
                    user_id: None,
                    schedule_date: None,
                    send_type: None,
                    status: Some(MessageStatus::Received),
                    ack: MessageAck::Server,
                    id_front: None,
                    poll_data: None,
                },
            )
            .await?;
        if inserted.duplicate {
            return Ok(None);
        }
        let ticket = self.stores.tickets.get(cx, parent.ticket_id).await?;
        self.publish(DomainEvent::MessageCreated {
            message: Box::new(inserted.message.clone()),
            ticket: Box::new(ticket),
            contact: None,
        });
        Ok(Some(inserted.message))
    }
}
