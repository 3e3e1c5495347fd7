//! Changes WhatsApp reports about stored messages (behaviour.md §7.5, §7.6; data-model.md
//! M-5, M-6, M-8): delivery acks, edits and revokes ("deleted for everyone"), applied to the
//! message with that provider id in the session's tenant only (the reference matched across
//! tenants, data-model.md §8) and published to the inbox.

use crate::ctx::TenantCtx;
use crate::enums::MessageAck;
use crate::error::Result;
use crate::events::DomainEvent;
use crate::services::Services;
use crate::store::messages::{Message, MessagePatch};

impl Services {
    /// A delivery ack for the message with `provider_id`. Acks only move forward (a late
    /// "delivered" after "read" is ignored); returns the message when it changed.
    pub async fn apply_ack(
        &self,
        cx: &TenantCtx,
        provider_id: &str,
        ack: MessageAck,
    ) -> Result<Option<Message>> {
        let Some(message) = self
            .stores
            .messages
            .find_by_provider_id(cx, provider_id)
            .await?
        else {
            return Ok(None);
        };
        if ack.as_i32() <= message.ack.as_i32() && ack != MessageAck::Error {
            return Ok(None);
        }
        let updated = self
            .stores
            .messages
            .update(
                cx,
                &message.id,
                MessagePatch {
                    ack: Some(ack),
                    ..MessagePatch::default()
                },
            )
            .await?;
        self.publish(DomainEvent::MessageAck {
            tenant: cx.tenant(),
            id: updated.id.clone(),
            ticket: updated.ticket_id,
            ack,
        });
        Ok(Some(updated))
    }

    /// An edit of the message with `provider_id`: the new text goes to `edited`, the body
    /// stays (rule M-5). Returns the message when it is known.
    pub async fn apply_edit(
        &self,
        cx: &TenantCtx,
        provider_id: &str,
        new_text: &str,
    ) -> Result<Option<Message>> {
        self.change_message(
            cx,
            provider_id,
            MessagePatch {
                edited: Some(new_text.to_owned()),
                ..MessagePatch::default()
            },
        )
        .await
    }

    /// A revoke ("deleted for everyone") of the message with `provider_id`: it is flagged
    /// deleted, never removed. Returns the message when it is known.
    pub async fn apply_revoke(&self, cx: &TenantCtx, provider_id: &str) -> Result<Option<Message>> {
        self.change_message(
            cx,
            provider_id,
            MessagePatch {
                is_deleted: Some(true),
                ..MessagePatch::default()
            },
        )
        .await
    }

    async fn change_message(
        &self,
        cx: &TenantCtx,
        provider_id: &str,
        patch: MessagePatch,
    ) -> Result<Option<Message>> {
        let Some(message) = self
            .stores
            .messages
            .find_by_provider_id(cx, provider_id)
            .await?
        else {
            return Ok(None);
        };
        let updated = self.stores.messages.update(cx, &message.id, patch).await?;
        self.publish(DomainEvent::MessageUpdated {
            message: Box::new(updated.clone()),
        });
        Ok(Some(updated))
    }
}
