//! The port to a channel's messaging session (WhatsApp Web in the sessions crate): what the
//! sender worker uses to deliver an outbound message.

use async_trait::async_trait;

use crate::ctx::TenantCtx;
use crate::enums::{MediaType, MessageAck};
use crate::ids::{MessageId, WhatsappId};

/// A message to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundMessage {
    /// Our id: the gateway's idempotency key (a second call with the same id must not send
    /// a second message when the first reached WhatsApp).
    pub id: MessageId,
    /// The channel to send through.
    pub channel: WhatsappId,
    /// The recipient: digits of a person, or a group id.
    pub to: String,
    /// A group chat.
    pub is_group: bool,
    /// Text, or the caption of the medium.
    pub body: String,
    /// Stored media file name under the tenant's media folder.
    pub media_file: Option<String>,
    /// Kind of medium.
    pub media_type: Option<MediaType>,
    /// Provider id of the quoted message.
    pub quoted_provider_id: Option<String>,
}

/// What the gateway reports after a successful send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    /// The provider's message id.
    pub provider_id: String,
    /// The ack at the time of sending (usually 1, "server").
    pub ack: MessageAck,
}

/// Why a send failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// Worth retrying: the session is starting, reconnecting, or timed out.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Will never work: the number does not exist, the medium is refused, the channel is
    /// gone.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

/// Sends messages through channels.
#[async_trait]
pub trait WhatsAppGateway: Send + Sync {
    /// Sends one message.
    async fn send(
        &self,
        cx: &TenantCtx,
        message: &OutboundMessage,
    ) -> Result<SentMessage, GatewayError>;

    /// Marks a chat (digits of a person, or a group id) as read on the phone.
    async fn mark_read(
        &self,
        _cx: &TenantCtx,
        _channel: WhatsappId,
        _chat: &str,
    ) -> Result<(), GatewayError> {
        Err(unsupported())
    }

    /// The profile picture URL of a number, `None` when it has none or hides it.
    async fn profile_picture(
        &self,
        _cx: &TenantCtx,
        _channel: WhatsappId,
        _number: &str,
    ) -> Result<Option<String>, GatewayError> {
        Err(unsupported())
    }

    /// The WhatsApp id of a number, `None` when the number is not on WhatsApp.
    async fn check_number(
        &self,
        _cx: &TenantCtx,
        _channel: WhatsappId,
        _number: &str,
    ) -> Result<Option<String>, GatewayError> {
        Err(unsupported())
    }
}

fn unsupported() -> GatewayError {
    GatewayError::Transient("this gateway has no live session".into())
}

/// A gateway that refuses every send as temporary: until a session runs, messages stay
/// pending and are retried, never lost.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoSessions;

#[async_trait]
impl WhatsAppGateway for NoSessions {
    async fn send(
        &self,
        _cx: &TenantCtx,
        _message: &OutboundMessage,
    ) -> Result<SentMessage, GatewayError> {
        Err(GatewayError::Transient(
            "no WhatsApp session runs in this build yet".into(),
        ))
    }
}
