//! Every route of the API, one module per area of client-contract.md.

pub mod admin;
pub mod auth;
pub mod channels;
pub mod chat_flows;
pub mod contacts;
pub mod docs;
pub mod fast_replies;
pub mod media;
pub mod messages;
pub mod protocols;
pub mod queues;
pub mod settings;
pub mod statistics;
pub mod tags;
pub mod tenants;
pub mod ticket_rows;
pub mod tickets;
pub mod users;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;

/// Registers every route.
pub fn configure(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    users::configure(cfg);
    tenants::configure(cfg);
    settings::configure(cfg);
    queues::configure(cfg);
    tags::configure(cfg);
    contacts::configure(cfg);
    tickets::configure(cfg);
    messages::configure(cfg);
    protocols::configure(cfg);
    channels::configure(cfg);
    chat_flows::configure(cfg);
    fast_replies::configure(cfg);
    statistics::configure(cfg);
    admin::configure(cfg);
    media::configure(cfg);
}

/// Answer for paths no route matches.
pub async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::RouteNotFound {
        message: "no such route".to_owned(),
    })
}
