//! `/whatsappsession/:id` (client-contract.md §8, behaviour.md §3.11 rows 58–60): start a
//! channel's WhatsApp Web session, restart it (optionally with a new QR code), log it out. Any
//! user of the tenant may call these, as in the reference; another tenant's channel is a 404.
//! The session manager runs the session in the background: progress arrives as
//! `{t}:whatsappSession` events.

use actix_web::{HttpResponse, delete, post, put, web};
use serde::Deserialize;
use serde_json::json;
use tiktickets_domain::ids::WhatsappId;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::ApiState;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(start_session)
        .service(new_session_qrcode)
        .service(logout_session);
}

/// `PUT /whatsappsession/:id` body (the client also sends `id`, ignored).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionBody {
    /// Discard the stored login and show a new QR code.
    pub is_qrcode: Option<bool>,
}

/// The optional JSON body: empty is fine, malformed JSON or wrong types are a 400.
fn parse_body(bytes: &[u8]) -> ApiResult<SessionBody> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(SessionBody::default());
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let code = if e.is_data() {
            "ERR_INVALID_BODY"
        } else {
            "ERR_INVALID_JSON"
        };
        ApiError::bad_request(code, format!("invalid body: {e}"))
    })
}

/// Starts the channel's session ("connect").
#[utoipa::path(
    tag = "channels",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Channel id")),
    responses(
        (status = 200, description = "`{message: \"Starting session.\"}`"),
        (status = 404, description = "No such channel in this tenant", body = ErrorBody),
        (status = 409, description = "ERR_WAPP_SESSIONS_NOT_AVAILABLE (sessions disabled) or ERR_CHANNEL_TYPE_NOT_SUPPORTED", body = ErrorBody),
    )
)]
#[post("/whatsappsession/{id}")]
async fn start_session(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    state
        .services
        .start_session(&auth.cx, WhatsappId::new(id.into_inner()))
        .await?;
    Ok(starting())
}

fn starting() -> HttpResponse {
    HttpResponse::Ok().json(json!({"message": "Starting session."}))
}

/// Restarts the session with a new QR code.
#[utoipa::path(
    tag = "channels",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Channel id")),
    request_body = SessionBody,
    responses(
        (status = 200, description = "`{message: \"Starting session.\"}`"),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 404, description = "No such channel in this tenant", body = ErrorBody),
        (status = 409, description = "ERR_WAPP_SESSIONS_NOT_AVAILABLE (sessions disabled) or ERR_CHANNEL_TYPE_NOT_SUPPORTED", body = ErrorBody),
    )
)]
#[put("/whatsappsession/{id}")]
async fn new_session_qrcode(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let new_qrcode = parse_body(&body)?.is_qrcode.unwrap_or(false);
    state
        .services
        .restart_session(&auth.cx, WhatsappId::new(id.into_inner()), new_qrcode)
        .await?;
    Ok(starting())
}

/// Logs the session out of WhatsApp and discards its login: the channel becomes
/// `DISCONNECTED` with no QR code.
#[utoipa::path(
    tag = "channels",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Channel id")),
    responses(
        (status = 200, description = "`{message: \"Session disconnected.\"}`"),
        (status = 404, description = "No such channel in this tenant", body = ErrorBody),
    )
)]
#[delete("/whatsappsession/{id}")]
async fn logout_session(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    state
        .services
        .logout_session(&auth.cx, WhatsappId::new(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"message": "Session disconnected."})))
}
