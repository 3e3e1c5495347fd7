//! The REST API the reference web client talks to (client-contract.md), on actix-web.
//!
//! Handlers authenticate with [`auth::Auth`] (the only way to get a `TenantCtx`), parse and
//! validate input into DTOs, call the domain's use cases and stores, and answer with the JSON
//! shapes the client reads. Failures become `{"error": "ERR_...", "message": ...}` in one
//! place ([`error`]). The OpenAPI document is generated from the handlers.

pub mod auth;
pub mod config;
pub mod error;
pub mod extract_errors;
pub mod ids;
pub mod media;
pub mod multipart;
pub mod query;
pub mod routes;
pub mod state;
mod trailing_slash;
pub mod views;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{App, HttpResponse, web};
use utoipa_actix_web::AppExt;

pub use config::ApiConfig;
pub use error::{ApiError, ApiResult};
pub use state::ApiState;

/// The whole API as an actix `App`: routes, OpenAPI document and page, CORS, body limits,
/// trailing-slash normalisation and JSON errors for everything actix itself refuses.
pub fn build_app(
    state: ApiState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let json_limit = state.config.json_limit_bytes;
    let cors = cors(&state.config.cors_origins);
    let (app, openapi) = App::new()
        .into_utoipa_app()
        .openapi(routes::docs::base_document())
        .app_data(web::Data::new(state))
        .app_data(extract_errors::json_config(json_limit))
        .app_data(extract_errors::path_config())
        .app_data(extract_errors::query_config())
        .app_data(web::PayloadConfig::new(json_limit))
        .configure(routes::configure)
        .split_for_parts();
    app.service(routes::docs::service(openapi))
        .default_service(web::to(routes::not_found))
        .wrap(ErrorHandlers::new().default_handler(json_error_body))
        .wrap(trailing_slash::TrimTrailingSlash)
        .wrap(cors)
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_any_header()
        .expose_headers([header::CONTENT_DISPOSITION, header::RETRY_AFTER])
        .max_age(86_400);
    if origins.is_empty() {
        cors = cors.allow_any_origin();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}

/// Gives actix's own bodiless error responses (405, 413 from the payload limit, ...) our JSON
/// error body. Responses that already carry JSON pass unchanged.
fn json_error_body<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json || !(res.status().is_client_error() || res.status().is_server_error()) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, message) = match status.as_u16() {
        405 => (
            "ERR_METHOD_NOT_ALLOWED",
            "this method is not allowed on this path",
        ),
        413 => ("ERR_PAYLOAD_TOO_LARGE", "the body is over the size limit"),
        404 => ("ERR_ROUTE_NOT_FOUND", "no such route"),
        400..=499 => ("ERR_BAD_REQUEST", "the request was refused"),
        _ => ("ERR_INTERNAL", "the server failed to handle the request"),
    };
    let (req, _) = res.into_parts();
    let response = HttpResponse::build(status).json(error::ErrorBody {
        error: code.to_owned(),
        message: message.to_owned(),
    });
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
