//! `/whatsappsession/:id` (client-contract.md §8, behaviour.md §3.11 rows 58–60). WhatsApp Web
//! sessions are run by the session manager, which this build does not include yet: starting a
//! session or asking for a new QR code answers 409 `ERR_WAPP_SESSIONS_NOT_AVAILABLE`, and logout
//! only records the channel as disconnected. Any user of the tenant may call these, as in the
//! reference; another tenant's channel is a 404.

use actix_web::{HttpResponse, delete, post, put, web};
use serde::Deserialize;
use serde_json::json;
use tiktickets_domain::DomainError;
use tiktickets_domain::enums::ChannelStatus;
use tiktickets_domain::ids::WhatsappId;
use tiktickets_domain::store::channels::SessionState;
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

const NOT_AVAILABLE: &str = "ERR_WAPP_SESSIONS_NOT_AVAILABLE";

fn not_available() -> ApiError {
    DomainError::conflict(
        NOT_AVAILABLE,
        "WhatsApp Web sessions are not available in this build yet",
    )
    .into()
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
        (status = 404, description = "No such channel in this tenant", body = ErrorBody),
        (status = 409, description = "ERR_WAPP_SESSIONS_NOT_AVAILABLE: no session manager in this build", body = ErrorBody),
    )
)]
#[post("/whatsappsession/{id}")]
async fn start_session(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    state
        .stores
        .channels
        .get(&auth.cx, WhatsappId::new(id.into_inner()))
        .await?;
    Err(not_available())
}

/// Restarts the session with a new QR code.
#[utoipa::path(
    tag = "channels",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Channel id")),
    request_body = SessionBody,
    responses(
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 404, description = "No such channel in this tenant", body = ErrorBody),
        (status = 409, description = "ERR_WAPP_SESSIONS_NOT_AVAILABLE: no session manager in this build", body = ErrorBody),
    )
)]
#[put("/whatsappsession/{id}")]
async fn new_session_qrcode(
    state: web::Data<ApiState>,
    auth: Auth,
    id: web::Path<i32>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let _wants_qrcode = parse_body(&body)?.is_qrcode.unwrap_or(false);
    state
        .stores
        .channels
        .get(&auth.cx, WhatsappId::new(id.into_inner()))
        .await?;
    Err(not_available())
}

/// Logs the session out: the channel becomes `DISCONNECTED` with no QR code.
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
    let disconnected = SessionState {
        status: Some(ChannelStatus::Disconnected),
        qrcode: Some(None),
        retries: Some(0),
        ..SessionState::default()
    };
    state
        .services
        .set_session_state(&auth.cx, WhatsappId::new(id.into_inner()), disconnected)
        .await?;
    Ok(HttpResponse::Ok().json(json!({"message": "Session disconnected."})))
}
