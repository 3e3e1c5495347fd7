//! Settings of the HTTP layer, filled by the binary from its configuration.

use std::path::PathBuf;
use std::time::Duration;

/// Everything the API needs to know that is not data.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// HS256 secret of access tokens.
    pub jwt_secret: String,
    /// HS256 secret of refresh tokens (distinct from the access secret).
    pub refresh_secret: String,
    /// Lifetime of an access token.
    pub access_ttl: Duration,
    /// Lifetime of a refresh token.
    pub refresh_ttl: Duration,
    /// Login failures allowed per IP and e-mail within `login_window`.
    pub login_max_failures: u32,
    /// Throttling window.
    pub login_window: Duration,
    /// Origins allowed by CORS; empty allows any origin (no credentials are used).
    pub cors_origins: Vec<String>,
    /// Largest JSON body.
    pub json_limit_bytes: usize,
    /// Largest uploaded file.
    pub upload_limit_bytes: usize,
    /// Root folder of uploaded and downloaded media (`<root>/<tenantId>/<file>`).
    pub media_dir: PathBuf,
    /// Public base URL used in media links (e.g. `https://api.example.com`); empty: derived
    /// from each request's Host header.
    pub public_url: String,
}

impl ApiConfig {
    /// Settings for tests and first runs: the given secrets, reference lifetimes.
    pub fn with_secrets(jwt_secret: &str, refresh_secret: &str, media_dir: PathBuf) -> Self {
        Self {
            jwt_secret: jwt_secret.to_owned(),
            refresh_secret: refresh_secret.to_owned(),
            access_ttl: Duration::from_secs(3 * 24 * 3600),
            refresh_ttl: Duration::from_secs(7 * 24 * 3600),
            login_max_failures: 5,
            login_window: Duration::from_secs(300),
            cors_origins: Vec::new(),
            json_limit_bytes: 16 * 1024 * 1024,
            upload_limit_bytes: 20 * 1024 * 1024,
            media_dir,
            public_url: String::new(),
        }
    }
}
