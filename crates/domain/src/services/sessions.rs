//! The `/whatsappsession/:id` use cases (behaviour.md §3.11 rows 58–60): start, restart with a
//! new QR code, and log out a channel's session, for any user of the channel's tenant.

use crate::ctx::TenantCtx;
use crate::enums::{ChannelStatus, ChannelType};
use crate::error::{DomainError, Result};
use crate::ids::WhatsappId;
use crate::services::Services;
use crate::store::channels::{Channel, SessionState};

/// A channel of a kind this build runs no session for (Telegram, Instagram, ...).
pub const ERR_CHANNEL_TYPE_NOT_SUPPORTED: &str = "ERR_CHANNEL_TYPE_NOT_SUPPORTED";

impl Services {
    /// Starts the session of a WhatsApp channel of the tenant.
    pub async fn start_session(&self, cx: &TenantCtx, id: WhatsappId) -> Result<Channel> {
        let channel = self.session_channel(cx, id).await?;
        self.sessions.start(cx, &channel).await?;
        Ok(channel)
    }

    /// Restarts the session; with `new_qrcode` its login is discarded and a new QR code shown.
    pub async fn restart_session(
        &self,
        cx: &TenantCtx,
        id: WhatsappId,
        new_qrcode: bool,
    ) -> Result<Channel> {
        let channel = self.session_channel(cx, id).await?;
        self.sessions.restart(cx, &channel, new_qrcode).await?;
        Ok(channel)
    }

    /// Logs the session out; the channel is `DISCONNECTED` with no QR code afterwards, even
    /// when WhatsApp could not be told (the session was not running).
    pub async fn logout_session(&self, cx: &TenantCtx, id: WhatsappId) -> Result<Channel> {
        let channel = self.stores.channels.get(cx, id).await?;
        if let Err(e) = self.sessions.logout(cx, &channel).await {
            tracing::warn!(channel = %id, error = %e, "logout did not reach WhatsApp");
        }
        self.set_session_state(
            cx,
            id,
            SessionState {
                status: Some(ChannelStatus::Disconnected),
                qrcode: Some(None),
                retries: Some(0),
                ..SessionState::default()
            },
        )
        .await
    }

    async fn session_channel(&self, cx: &TenantCtx, id: WhatsappId) -> Result<Channel> {
        let channel = self.stores.channels.get(cx, id).await?;
        if channel.r#type != ChannelType::Whatsapp {
            return Err(DomainError::conflict(
                ERR_CHANNEL_TYPE_NOT_SUPPORTED,
                format!(
                    "sessions run for WhatsApp channels only; this channel is {}",
                    channel.r#type.as_str()
                ),
            ));
        }
        Ok(channel)
    }
}
