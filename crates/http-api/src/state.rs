//! What every handler can reach: the stores, the domain's use cases, token keys, settings.

use std::sync::Arc;

use actix_web::HttpRequest;
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::services::Services;
use tiktickets_domain::store::Stores;

use crate::auth::passwords::PasswordWorker;
use crate::auth::{LoginThrottle, TokenKeys};
use crate::config::ApiConfig;
use crate::media::MediaStorage;

/// Shared state of the API (one per process, cloned into every worker).
#[derive(Clone)]
pub struct ApiState {
    /// Data access.
    pub stores: Stores,
    /// Use cases.
    pub services: Services,
    /// Token signing.
    pub keys: Arc<TokenKeys>,
    /// Settings.
    pub config: Arc<ApiConfig>,
    /// Failed-login bookkeeping.
    pub throttle: Arc<LoginThrottle>,
    /// Media files.
    pub media: Arc<MediaStorage>,
    /// Password hashing, on its own thread.
    pub passwords: PasswordWorker,
}

impl ApiState {
    /// The signing keys of a configuration (build them once and share them with
    /// [`crate::auth::ApiAccess`]).
    pub fn keys_for(config: &ApiConfig) -> Arc<TokenKeys> {
        Arc::new(TokenKeys::new(
            &config.jwt_secret,
            &config.refresh_secret,
            config.access_ttl,
            config.refresh_ttl,
        ))
    }

    /// Builds the state from settings, the domain's services and the keys of
    /// [`ApiState::keys_for`].
    pub fn new(config: ApiConfig, services: Services, keys: Arc<TokenKeys>) -> Self {
        let throttle = LoginThrottle::new(config.login_max_failures, config.login_window);
        let media = MediaStorage::new(config.media_dir.clone(), config.upload_limit_bytes);
        Self {
            stores: services.stores.clone(),
            services,
            keys,
            config: Arc::new(config),
            throttle: Arc::new(throttle),
            media: Arc::new(media),
            passwords: PasswordWorker::start(),
        }
    }

    /// The public base URL for links: the configured one, else the request's scheme and host.
    pub fn public_base(&self, req: &HttpRequest) -> String {
        let configured = self.config.public_url.trim_end_matches('/');
        if !configured.is_empty() {
            return configured.to_owned();
        }
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    }

    /// The absolute URL of a stored media file, openable without a token header.
    pub fn media_url(&self, base: &str, tenant: TenantId, file_name: &str) -> Option<String> {
        media_path(&self.keys, tenant, file_name).map(|p| {
            if p.starts_with('/') {
                format!("{base}{p}")
            } else {
                p
            }
        })
    }
}

/// The signed path of a media file (`/public/media/<tenant>/<file>?token=...`); links that are
/// already absolute URLs are returned as they are.
pub fn media_path(keys: &TokenKeys, tenant: TenantId, file_name: &str) -> Option<String> {
    if file_name.starts_with("http://") || file_name.starts_with("https://") {
        return Some(file_name.to_owned());
    }
    let token = keys.sign_media(tenant, file_name).ok()?;
    Some(format!(
        "/public/media/{}/{file_name}?token={token}",
        tenant.get()
    ))
}
