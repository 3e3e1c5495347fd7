//! Configuration: the embedded `config/default.toml`, then `config/default.toml` and
//! `config/<profile>.toml` from the working directory when present, then the environment
//! (`TIKTICKETS__SECTION__KEY`, plus `DATABASE_URL` and `REDIS_URL`).

use std::fmt;

use serde::Deserialize;

/// The defaults, compiled in so the binary runs from any directory.
const EMBEDDED_DEFAULTS: &str = include_str!("../../../config/default.toml");

/// Every setting of the `tiktickets` binary.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// HTTP listener.
    pub server: ServerSettings,
    /// Database connection.
    pub database: DatabaseSettings,
    /// Redis (empty URL: in-process adapters).
    pub redis: RedisSettings,
    /// First-start users.
    pub seed: SeedSettings,
    /// Tokens and login throttling.
    pub auth: AuthSettings,
    /// HTTP limits, CORS, public URL.
    pub http: HttpSettings,
    /// Socket.IO gateway.
    pub realtime: RealtimeSettings,
    /// Background jobs.
    pub jobs: JobsSettings,
    /// Media storage.
    pub media: MediaSettings,
    /// WhatsApp Web sessions.
    pub sessions: SessionsSettings,
    /// Logging.
    pub log: LogSettings,
}

/// `[auth]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Access-token secret (empty: random per start).
    pub jwt_secret: String,
    /// Refresh-token secret (empty: random per start).
    pub refresh_secret: String,
    /// Access-token lifetime.
    pub access_token_minutes: u64,
    /// Refresh-token lifetime.
    pub refresh_token_days: u64,
    /// Failed logins per IP and e-mail before 429.
    pub login_max_failures: u32,
    /// Throttling window.
    pub login_window_seconds: u64,
}

/// `[http]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    /// Comma-separated allowed origins (empty: any).
    pub cors_origins: String,
    /// Largest JSON body.
    pub json_limit_bytes: usize,
    /// Largest uploaded file.
    pub upload_limit_bytes: usize,
    /// Base URL of media links (empty: from the request).
    pub public_url: String,
}

/// `[realtime]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealtimeSettings {
    /// Server ping interval.
    pub ping_interval_ms: u64,
    /// Pong deadline.
    pub ping_timeout_ms: u64,
    /// Largest client packet.
    pub max_payload_bytes: usize,
}

/// `[jobs]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobsSettings {
    /// Concurrent sends per instance.
    pub workers: usize,
    /// Tries before dead-lettering.
    pub max_attempts: u32,
    /// Redelivery after a silent worker.
    pub visibility_timeout_secs: u64,
    /// Sweeper period.
    pub sweep_every_secs: u64,
    /// Age of a pending message the sweeper re-enqueues.
    pub sweep_after_secs: u64,
    /// Auto-close period.
    pub auto_close_every_secs: u64,
}

/// `[media]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSettings {
    /// Root folder.
    pub dir: String,
}

/// `[sessions]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionsSettings {
    /// Run WhatsApp Web sessions on this instance.
    pub enabled: bool,
    /// Chromium binary (empty: found on PATH).
    pub chromium_path: String,
    /// The page sessions open.
    pub web_url: String,
    /// Browser profiles root.
    pub profiles_dir: String,
    /// Headless Chromium.
    pub headless: bool,
    /// QR codes before TIMEOUT.
    pub qr_max_refreshes: u32,
    /// Watchdog period.
    pub watchdog_interval_ms: u64,
    /// Watchdog round-trip deadline.
    pub probe_timeout_ms: u64,
    /// Page command deadline.
    pub command_timeout_ms: u64,
    /// Media transfer deadline.
    pub media_timeout_ms: u64,
    /// First restart pause.
    pub restart_backoff_min_ms: u64,
    /// Longest restart pause.
    pub restart_backoff_max_ms: u64,
    /// Pause between sessions started at boot.
    pub boot_stagger_ms: u64,
    /// Channel ownership lease lifetime.
    pub lease_ttl_ms: u64,
}

/// `[server]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Listen address.
    pub host: String,
    /// Listen port (0: any free port).
    pub port: u16,
}

/// `[database]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// SQLite or PostgreSQL URL.
    pub url: String,
}

/// `[redis]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisSettings {
    /// Redis URL, or empty.
    pub url: String,
}

/// `[seed]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSettings {
    /// Admin e-mail.
    pub admin_email: String,
    /// Admin password (empty: generated).
    pub admin_password: String,
    /// Super-admin e-mail.
    pub super_email: String,
    /// Super-admin password (empty: generated).
    pub super_password: String,
}

/// `[log]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// tracing filter.
    pub filter: String,
}

impl Settings {
    /// The embedded defaults with some keys replaced (`("server.port", "0")`); no files, no
    /// environment. For tests and embedding.
    pub fn from_overrides(overrides: &[(&str, &str)]) -> Result<Settings, config::ConfigError> {
        let mut builder = config::Config::builder().add_source(config::File::from_str(
            EMBEDDED_DEFAULTS,
            config::FileFormat::Toml,
        ));
        for (key, value) in overrides {
            builder = builder.set_override(*key, *value)?;
        }
        let settings: Settings = builder.build()?.try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    /// Loads every layer; `profile` defaults to `TIKTICKETS_PROFILE`.
    pub fn load() -> Result<Settings, config::ConfigError> {
        let profile = std::env::var("TIKTICKETS_PROFILE")
            .ok()
            .filter(|p| !p.is_empty());
        let mut builder = config::Config::builder()
            .add_source(config::File::from_str(
                EMBEDDED_DEFAULTS,
                config::FileFormat::Toml,
            ))
            .add_source(config::File::with_name("config/default").required(false));
        if let Some(profile) = &profile {
            builder = builder
                .add_source(config::File::with_name(&format!("config/{profile}")).required(true));
        }
        builder = builder.add_source(
            config::Environment::with_prefix("TIKTICKETS")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
        if let Ok(url) = std::env::var("DATABASE_URL").map(|u| u.trim().to_owned())
            && !url.is_empty()
        {
            builder = builder.set_override("database.url", url)?;
        }
        if let Ok(url) = std::env::var("REDIS_URL") {
            builder = builder.set_override("redis.url", url)?;
        }
        let settings: Settings = builder.build()?.try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    /// Reports every problem at once, before anything is opened.
    fn validate(&self) -> Result<(), config::ConfigError> {
        let mut problems = Vec::new();
        if self.server.host.trim().is_empty() {
            problems.push("server.host must not be empty".to_owned());
        }
        let url = self.database.url.trim();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            problems.push(
                "database.url must start with sqlite:, postgres:// or postgresql://".to_owned(),
            );
        }
        for (key, email) in [
            ("seed.admin_email", &self.seed.admin_email),
            ("seed.super_email", &self.seed.super_email),
        ] {
            if tiktickets_domain::validate::email(key, email).is_err() {
                problems.push(format!("{key} is not a valid e-mail address"));
            }
        }
        for (key, secret) in [
            ("auth.jwt_secret", &self.auth.jwt_secret),
            ("auth.refresh_secret", &self.auth.refresh_secret),
        ] {
            if !secret.is_empty() && secret.chars().count() < 32 {
                problems.push(format!(
                    "{key} must have at least 32 characters (or be empty)"
                ));
            }
        }
        if !self.auth.jwt_secret.is_empty() && self.auth.jwt_secret == self.auth.refresh_secret {
            problems.push("auth.jwt_secret and auth.refresh_secret must differ".to_owned());
        }
        if self.auth.access_token_minutes == 0 || self.auth.refresh_token_days == 0 {
            problems.push("token lifetimes must be at least 1".to_owned());
        }
        if self.auth.login_max_failures == 0 || self.auth.login_window_seconds == 0 {
            problems.push(
                "auth.login_max_failures and login_window_seconds must be at least 1".to_owned(),
            );
        }
        if self.http.json_limit_bytes < 1024 || self.http.upload_limit_bytes < 1024 {
            problems.push("http body limits must be at least 1024 bytes".to_owned());
        }
        if self.realtime.ping_interval_ms < 10 || self.realtime.ping_timeout_ms < 10 {
            problems.push("realtime ping interval and timeout must be at least 10 ms".to_owned());
        }
        if self.realtime.max_payload_bytes < 1024 {
            problems.push("realtime.max_payload_bytes must be at least 1024".to_owned());
        }
        let j = &self.jobs;
        if j.workers == 0 || j.workers > 256 {
            problems.push("jobs.workers must be between 1 and 256".to_owned());
        }
        if j.max_attempts == 0 {
            problems.push("jobs.max_attempts must be at least 1".to_owned());
        }
        if [
            j.visibility_timeout_secs,
            j.sweep_every_secs,
            j.sweep_after_secs,
            j.auto_close_every_secs,
        ]
        .contains(&0)
        {
            problems.push("jobs intervals must be at least 1 second".to_owned());
        }
        if self.media.dir.trim().is_empty() {
            problems.push("media.dir must not be empty".to_owned());
        }
        let w = &self.sessions;
        if w.profiles_dir.trim().is_empty() {
            problems.push("sessions.profiles_dir must not be empty".to_owned());
        }
        if !(w.web_url.starts_with("http://") || w.web_url.starts_with("https://")) {
            problems.push("sessions.web_url must be an http:// or https:// URL".to_owned());
        }
        if w.qr_max_refreshes == 0 {
            problems.push("sessions.qr_max_refreshes must be at least 1".to_owned());
        }
        if [
            w.watchdog_interval_ms,
            w.probe_timeout_ms,
            w.command_timeout_ms,
            w.media_timeout_ms,
            w.restart_backoff_min_ms,
            w.lease_ttl_ms,
        ]
        .iter()
        .any(|ms| *ms < 10)
        {
            problems.push("sessions timings must be at least 10 ms".to_owned());
        }
        if w.restart_backoff_max_ms < w.restart_backoff_min_ms {
            problems.push(
                "sessions.restart_backoff_max_ms must not be below restart_backoff_min_ms"
                    .to_owned(),
            );
        }
        for (key, pw) in [
            ("seed.admin_password", &self.seed.admin_password),
            ("seed.super_password", &self.seed.super_password),
        ] {
            if !pw.is_empty() && tiktickets_domain::password::validate_new_password(pw).is_err() {
                problems.push(format!("{key} must have at least 6 characters"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(config::ConfigError::Message(format!(
                "invalid configuration:\n  - {}",
                problems.join("\n  - ")
            )))
        }
    }

    /// The database URL without its password, for logs.
    pub fn redacted_database_url(&self) -> String {
        redact_url(&self.database.url)
    }
}

/// `scheme://user:secret@host` → `scheme://user:***@host`.
fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    match (rest.find(':'), rest.find('@')) {
        (Some(colon), Some(at)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("server", &self.server)
            .field("database.url", &self.redacted_database_url())
            .field("redis.url", &redact_url(&self.redis.url))
            .field("seed.admin_email", &self.seed.admin_email)
            .field("seed.super_email", &self.seed.super_email)
            .field("log", &self.log)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_defaults_are_complete_and_valid() {
        let settings: Settings = config::Config::builder()
            .add_source(config::File::from_str(
                EMBEDDED_DEFAULTS,
                config::FileFormat::Toml,
            ))
            .build()
            .and_then(|c| c.try_deserialize())
            .expect("defaults deserialize");
        settings.validate().expect("defaults are valid");
        assert_eq!(settings.server.port, 8082);
        assert_eq!(settings.media.dir, "data/media");
        assert!(
            settings.auth.jwt_secret.is_empty(),
            "no secret ships in the defaults"
        );
        assert!(
            settings
                .database
                .url
                .starts_with("sqlite://data/tiktickets.db")
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
        assert_eq!(redact_url("redis://h:6379"), "redis://h:6379");
    }
}
