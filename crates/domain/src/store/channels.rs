//! Channels: rows of `Whatsapps`, one per connection (WhatsApp Web, Telegram, ...).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::enums::{ChannelStatus, ChannelType, WabaBsp};
use crate::error::Result;
use crate::ids::{ChatFlowId, TenantId, WhatsappId};
use crate::validate;

/// A channel row (`Whatsapps`). Secrets (tokens, keys, session) are not part of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    /// Id.
    pub id: WhatsappId,
    /// Name (unique per tenant).
    pub name: String,
    /// Session state.
    pub status: Option<ChannelStatus>,
    /// Current QR code.
    pub qrcode: Option<String>,
    /// Battery level.
    pub battery: Option<String>,
    /// Plugged in.
    pub plugged: Option<bool>,
    /// The tenant's default channel.
    pub is_default: bool,
    /// Reconnection attempts.
    pub retries: i32,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Own phone number once connected.
    pub number: Option<String>,
    /// Phone information.
    pub phone: Option<serde_json::Value>,
    /// Kind of channel.
    pub r#type: ChannelType,
    /// Instagram user.
    pub instagram_user: Option<String>,
    /// WABA provider.
    pub waba_bsp: Option<WabaBsp>,
    /// Started at boot.
    pub is_active: bool,
    /// Facebook page id.
    pub fb_page_id: Option<String>,
    /// Template sent when a ticket closes.
    pub farewell_message: Option<String>,
    /// Bot for new tickets.
    pub chat_flow_id: Option<ChatFlowId>,
    /// Avatar.
    pub profile_pic_url: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A channel to create, or the full new editable state of one.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelInput {
    /// Name.
    pub name: String,
    /// Kind.
    pub r#type: ChannelType,
    /// Make it the tenant's default (unsets the previous default).
    pub is_default: bool,
    /// Started at boot.
    pub is_active: bool,
    /// Farewell template.
    pub farewell_message: Option<String>,
    /// Bot flow (must belong to the tenant).
    pub chat_flow_id: Option<ChatFlowId>,
    /// Telegram bot token. On update, `None` keeps the stored secret and `Some("")` clears
    /// it (the secrets are never read back through the API).
    pub token_telegram: Option<String>,
    /// Instagram user.
    pub instagram_user: Option<String>,
    /// Instagram key (kept on update when `None`, like the token).
    pub instagram_key: Option<String>,
    /// WABA API key (kept on update when `None`, like the token).
    pub token_api: Option<String>,
    /// WABA provider.
    pub waba_bsp: Option<WabaBsp>,
    /// Facebook page id.
    pub fb_page_id: Option<String>,
}

impl ChannelInput {
    /// Checks lengths.
    pub fn validate(&self) -> Result<()> {
        validate::name("name", &self.name)?;
        validate::opt_text("farewellMessage", self.farewell_message.as_deref())?;
        validate::opt_varchar("tokenTelegram", self.token_telegram.as_deref())?;
        validate::opt_varchar("instagramUser", self.instagram_user.as_deref())?;
        validate::opt_varchar("instagramKey", self.instagram_key.as_deref())?;
        validate::opt_text("tokenAPI", self.token_api.as_deref())?;
        validate::opt_text("fbPageId", self.fb_page_id.as_deref())
    }
}

/// What a session reports about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionState {
    /// New status.
    pub status: Option<ChannelStatus>,
    /// New QR code (`Some(None)` clears it).
    pub qrcode: Option<Option<String>>,
    /// Own number.
    pub number: Option<Option<String>>,
    /// Retries counter.
    pub retries: Option<i32>,
    /// Avatar.
    pub profile_pic_url: Option<Option<String>>,
}

/// Channels of the caller's tenant.
#[async_trait]
pub trait ChannelStore: Send + Sync {
    /// Creates a channel, `DISCONNECTED`; the tenant's first channel becomes its default.
    async fn create(&self, cx: &TenantCtx, input: ChannelInput) -> Result<Channel>;
    /// One channel.
    async fn get(&self, cx: &TenantCtx, id: WhatsappId) -> Result<Channel>;
    /// All channels, by id.
    async fn list(&self, cx: &TenantCtx) -> Result<Vec<Channel>>;
    /// How many channels the tenant has (for the connection quota).
    async fn count(&self, cx: &TenantCtx) -> Result<u64>;
    /// Replaces a channel's editable fields.
    async fn update(&self, cx: &TenantCtx, id: WhatsappId, input: ChannelInput) -> Result<Channel>;
    /// Records session state reported by the session manager.
    async fn set_session_state(
        &self,
        cx: &TenantCtx,
        id: WhatsappId,
        state: SessionState,
    ) -> Result<Channel>;
    /// Deletes a channel; its tickets keep their rows with no channel.
    async fn delete(&self, cx: &TenantCtx, id: WhatsappId) -> Result<()>;
}
