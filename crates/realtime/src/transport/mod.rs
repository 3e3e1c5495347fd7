//! Engine.IO transports: the WebSocket the client tries first, and long-polling (with its
//! sessions, heartbeat and the upgrade from polling to WebSocket).

pub mod heartbeat;
pub mod polling;
pub mod session;
pub mod sessions;
pub mod status;
pub mod upgrade;
pub mod websocket;

use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

/// `scheme://host` of a request, for media links.
pub(crate) fn request_base(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// A new Engine.IO session id.
pub(crate) fn new_sid() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A duration in whole milliseconds, as the handshake states it.
pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Engine.IO's error answer (`{code, message}`), which socket.io-client reports as a
/// connection error.
pub(crate) fn engine_error(code: u8, message: &str) -> HttpResponse {
    engine_error_with(StatusCode::BAD_REQUEST, code, message)
}

/// Engine.IO's error answer with another HTTP status (413 for a payload too large).
pub(crate) fn engine_error_with(status: StatusCode, code: u8, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({"code": code, "message": message}))
}
