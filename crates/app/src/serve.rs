//! `tiktickets serve`: migrate, seed, then serve HTTP until SIGINT/SIGTERM.

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::json;
use tiktickets_persistence::Db;

use crate::commands::{open_db, run_seed};
use crate::settings::Settings;

/// Runs the server.
pub async fn serve(
    settings: Settings,
    host: Option<String>,
    port: Option<u16>,
) -> anyhow::Result<()> {
    let db = open_db(&settings).await?;
    tracing::info!(database = %settings.redacted_database_url(), "migrating");
    db.migrate_up().await?;
    run_seed(&settings, &db).await?;

    let host = host.unwrap_or_else(|| settings.server.host.clone());
    let port = port.unwrap_or(settings.server.port);
    let state = web::Data::new(db.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/health", web::get().to(health))
    })
    .bind((host.as_str(), port))?;
    for addr in server.addrs() {
        // Tests and operators read this line to find the port when 0 was asked for.
        println!("listening on http://{addr}");
    }
    server.run().await?;
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
