//! `tiktickets serve`: migrate, seed, then serve HTTP until SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{HttpResponse, HttpServer, web};
use serde_json::json;
use tiktickets_domain::clock::SystemClock;
use tiktickets_domain::services::Services;
use tiktickets_http_api::auth::ApiAccess;
use tiktickets_http_api::{ApiConfig, ApiState, build_app};
use tiktickets_persistence::{Db, build_stores};
use tiktickets_realtime::backplane::{Backplane, InProcessBackplane, RedisBackplane};
use tiktickets_realtime::presence::{InMemoryPresence, Presence};
use tiktickets_realtime::{Gateway, GatewayConfig};
use tiktickets_whatsapp_session::{SessionManager, SessionsConfig};

use crate::background::{Background, Queue};
use crate::commands::{open_db, run_seed};
use crate::settings::Settings;

/// A migrated, seeded database and the adapters built on it.
pub struct Prepared {
    /// The database.
    pub db: Db,
    /// The API's shared state.
    pub state: ApiState,
    /// The realtime gateway (started).
    pub gateway: Gateway,
    /// Job workers and periodic tasks (running).
    pub background: Background,
    /// WhatsApp Web sessions (`None` when `sessions.enabled` is false).
    pub sessions: Option<SessionManager>,
}

impl Prepared {
    /// Stops the sessions (closing each Chromium cleanly, so logins survive), then the
    /// background work.
    pub async fn shutdown(self) -> Db {
        if let Some(sessions) = &self.sessions {
            sessions.shutdown().await;
        }
        self.background.shutdown().await;
        self.db
    }
}

/// A random secret for a run without a configured one.
fn random_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

fn api_config(settings: &Settings) -> ApiConfig {
    let mut jwt_secret = settings.auth.jwt_secret.clone();
    let mut refresh_secret = settings.auth.refresh_secret.clone();
    if jwt_secret.is_empty() || refresh_secret.is_empty() {
        tracing::warn!(
            "auth.jwt_secret / auth.refresh_secret are not set: using random secrets, so every \
             session ends when the server restarts"
        );
        jwt_secret = random_secret();
        refresh_secret = random_secret();
    }
    let mut config = ApiConfig::with_secrets(
        &jwt_secret,
        &refresh_secret,
        PathBuf::from(settings.media.dir.trim()),
    );
    config.access_ttl = Duration::from_secs(settings.auth.access_token_minutes.saturating_mul(60));
    config.refresh_ttl =
        Duration::from_secs(settings.auth.refresh_token_days.saturating_mul(24 * 3600));
    config.login_max_failures = settings.auth.login_max_failures;
    config.login_window = Duration::from_secs(settings.auth.login_window_seconds);
    config.cors_origins = settings
        .http
        .cors_origins
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect();
    config.json_limit_bytes = settings.http.json_limit_bytes;
    config.upload_limit_bytes = settings.http.upload_limit_bytes;
    config.public_url = settings.http.public_url.trim().to_owned();
    config
}

/// Opens, migrates and seeds the database, and wires the adapters into the API state.
pub async fn prepare(settings: &Settings) -> anyhow::Result<Prepared> {
    let db = open_db(settings).await?;
    tracing::info!(database = %settings.redacted_database_url(), "migrating");
    db.migrate_up().await?;
    run_seed(settings, &db).await?;
    let stores = build_stores(&db);
    let config = api_config(settings);
    let keys = ApiState::keys_for(&config);
    let access = Arc::new(ApiAccess::new(keys.clone(), stores.clone()));
    let gateway = Gateway::new(
        gateway_config(settings),
        access.clone(),
        access,
        backplane(settings)?,
        presence(settings)?,
    );
    gateway.start().await;
    let queue = Queue::from_settings(settings)?;
    let mut services = Services::new(
        stores,
        gateway.publisher(),
        queue.port(),
        Arc::new(SystemClock),
    );
    // Without sessions, sends fail as temporary and stay pending in the outbox, retried and
    // swept, never lost.
    let sessions = settings
        .sessions
        .enabled
        .then(|| SessionManager::new(sessions_config(settings), queue.session_leases()));
    if let Some(manager) = &sessions {
        services = services
            .with_gateway(Arc::new(manager.clone()))
            .with_sessions(Arc::new(manager.clone()));
        manager.attach(services.clone());
    }
    let background = Background::start(settings, &queue, &db, &services);
    if let Some(manager) = &sessions {
        match manager.start_all().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "starting WhatsApp sessions"),
            Err(e) => tracing::error!(error = %e, "could not list the sessions to start"),
        }
    }
    let state = ApiState::new(config, services, keys);
    Ok(Prepared {
        db,
        state,
        gateway,
        background,
        sessions,
    })
}

fn sessions_config(settings: &Settings) -> SessionsConfig {
    let s = &settings.sessions;
    let ms = Duration::from_millis;
    let mut config = SessionsConfig::new(
        PathBuf::from(s.profiles_dir.trim()),
        PathBuf::from(settings.media.dir.trim()),
    );
    config.chromium_path = Some(s.chromium_path.trim())
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    config.web_url = s.web_url.trim().to_owned();
    config.headless = s.headless;
    config.qr_max_refreshes = s.qr_max_refreshes;
    config.watchdog_interval = ms(s.watchdog_interval_ms);
    config.probe_timeout = ms(s.probe_timeout_ms);
    config.command_timeout = ms(s.command_timeout_ms);
    config.media_timeout = ms(s.media_timeout_ms);
    config.restart_backoff_min = ms(s.restart_backoff_min_ms);
    config.restart_backoff_max = ms(s.restart_backoff_max_ms);
    config.boot_stagger = ms(s.boot_stagger_ms);
    config.lease_ttl = ms(s.lease_ttl_ms);
    config
}

fn gateway_config(settings: &Settings) -> GatewayConfig {
    GatewayConfig {
        ping_interval: Duration::from_millis(settings.realtime.ping_interval_ms),
        ping_timeout: Duration::from_millis(settings.realtime.ping_timeout_ms),
        max_payload: settings.realtime.max_payload_bytes,
        connect_timeout: Duration::from_secs(45),
        socket_buffer: 1_024,
        public_url: settings.http.public_url.trim().to_owned(),
    }
}

fn redis_url(settings: &Settings) -> Option<&str> {
    Some(settings.redis.url.trim()).filter(|u| !u.is_empty())
}

fn backplane(settings: &Settings) -> anyhow::Result<Arc<dyn Backplane>> {
    Ok(match redis_url(settings) {
        Some(url) => Arc::new(RedisBackplane::new(url)?),
        None => Arc::new(InProcessBackplane::default()),
    })
}

/// Redis presence when Redis is configured. An entry lives two ping intervals plus the pong
/// deadline (what a dead socket takes to be noticed) after its instance last re-stamped it.
fn presence(settings: &Settings) -> anyhow::Result<Arc<dyn Presence>> {
    Ok(match redis_url(settings) {
        Some(url) => {
            let realtime = &settings.realtime;
            let ttl = Duration::from_millis(
                realtime
                    .ping_interval_ms
                    .saturating_mul(2)
                    .saturating_add(realtime.ping_timeout_ms),
            );
            Arc::new(tiktickets_realtime::presence::RedisPresence::new(url, ttl)?)
        }
        None => Arc::new(InMemoryPresence::default()),
    })
}

/// Binds the HTTP server (not yet running) and returns its addresses.
pub fn http_server(
    prepared: &Prepared,
    host: &str,
    port: u16,
    workers: Option<usize>,
) -> anyhow::Result<(Server, Vec<SocketAddr>)> {
    let state = prepared.state.clone();
    let gateway = prepared.gateway.clone();
    let db = web::Data::new(prepared.db.clone());
    let mut server = HttpServer::new(move || {
        let gateway = gateway.clone();
        build_app(state.clone())
            .app_data(db.clone())
            .route("/health", web::get().to(health))
            .configure(move |cfg| tiktickets_realtime::configure(cfg, gateway))
    });
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    let server = server.bind((host, port))?;
    let addrs = server.addrs();
    Ok((server.run(), addrs))
}

/// Runs the server.
pub async fn serve(
    settings: Settings,
    host: Option<String>,
    port: Option<u16>,
) -> anyhow::Result<()> {
    let prepared = prepare(&settings).await?;
    let host = host.unwrap_or_else(|| settings.server.host.clone());
    let port = port.unwrap_or(settings.server.port);
    let (server, addrs) = http_server(&prepared, &host, port, None)?;
    for addr in addrs {
        // Tests and operators read this line to find the port when 0 was asked for.
        println!("listening on http://{addr}");
    }
    server.await?;
    tracing::info!("HTTP stopped; closing sessions and finishing background jobs");
    let db = prepared.shutdown().await;
    tracing::info!("stopped");
    db.close().await?;
    Ok(())
}

/// `GET /health`: the database answers a query.
async fn health(db: web::Data<Db>) -> HttpResponse {
    let backend = db.backend().as_str();
    match db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ok", "database": backend})),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "error",
                "database": backend,
                "error": "ERR_DATABASE_UNAVAILABLE",
                "message": "the database does not answer"
            }))
        }
    }
}
