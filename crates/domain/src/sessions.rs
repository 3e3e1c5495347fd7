//! The port to the session manager: what the API asks of a channel's WhatsApp Web session
//! (behaviour.md §3.11 rows 58–60). The manager decides where the session runs; callers have
//! already checked that the channel belongs to the tenant.

use async_trait::async_trait;

use crate::ctx::TenantCtx;
use crate::error::{DomainError, Result};
use crate::store::channels::Channel;

/// Starts, restarts and logs out channel sessions.
#[async_trait]
pub trait SessionControl: Send + Sync {
    /// Starts the channel's session (nothing when it already runs).
    async fn start(&self, cx: &TenantCtx, channel: &Channel) -> Result<()>;
    /// Restarts the session; with `new_qrcode` the stored login is discarded first, so a new
    /// QR code is shown.
    async fn restart(&self, cx: &TenantCtx, channel: &Channel, new_qrcode: bool) -> Result<()>;
    /// Logs the session out of WhatsApp, stops it and discards its login.
    async fn logout(&self, cx: &TenantCtx, channel: &Channel) -> Result<()>;
    /// Stops the session without logging out (the channel was deleted or deactivated).
    async fn stop(&self, cx: &TenantCtx, channel: &Channel) -> Result<()>;
}

/// The error of a build or a configuration without sessions.
pub const ERR_SESSIONS_NOT_AVAILABLE: &str = "ERR_WAPP_SESSIONS_NOT_AVAILABLE";

/// No session manager: starting or restarting answers `ERR_WAPP_SESSIONS_NOT_AVAILABLE`;
/// logout and stop have nothing to stop.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoSessionControl;

fn not_available() -> DomainError {
    DomainError::conflict(
        ERR_SESSIONS_NOT_AVAILABLE,
        "WhatsApp Web sessions are disabled on this server (sessions.enabled = false)",
    )
}

#[async_trait]
impl SessionControl for NoSessionControl {
    async fn start(&self, _cx: &TenantCtx, _channel: &Channel) -> Result<()> {
        Err(not_available())
    }
    async fn restart(&self, _cx: &TenantCtx, _channel: &Channel, _new_qrcode: bool) -> Result<()> {
        Err(not_available())
    }
    async fn logout(&self, _cx: &TenantCtx, _channel: &Channel) -> Result<()> {
        Ok(())
    }
    async fn stop(&self, _cx: &TenantCtx, _channel: &Channel) -> Result<()> {
        Ok(())
    }
}
