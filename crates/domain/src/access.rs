//! Ports for adapters that need what the HTTP layer knows: checking a session token (the
//! realtime gateway authenticates sockets with the same JWT) and signing media links (events
//! carry media URLs the browser opens without a token).

use async_trait::async_trait;

use crate::ctx::TenantCtx;
use crate::error::Result;
use crate::ids::TenantId;

/// A verified session: the only way an adapter other than HTTP gets a user's context.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedSession {
    /// The user's tenant context (stored role).
    pub cx: TenantCtx,
    /// The user's display name.
    pub name: String,
}

/// Checks a session token (signature, expiry, user, token version).
#[async_trait]
pub trait TokenVerifier: Send + Sync {
    /// The session of a valid token; `Forbidden`/`Invalid` errors carry the reason's code.
    async fn verify(&self, token: &str) -> Result<VerifiedSession>;
}

/// Builds the path (with its signature) of a tenant's media file, e.g.
/// `/public/media/1/<file>?token=...`; the caller prefixes the public base URL.
pub trait MediaLinks: Send + Sync {
    /// The signed path, `None` when it cannot be signed.
    fn media_path(&self, tenant: TenantId, file_name: &str) -> Option<String>;
}
