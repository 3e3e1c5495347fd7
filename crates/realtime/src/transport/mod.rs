//! Engine.IO transports: the WebSocket the client tries first, and long-polling.

pub mod polling;
pub mod websocket;

use actix_web::HttpRequest;
use actix_web::HttpResponse;
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

/// Engine.IO's error answer (`{code, message}`), which socket.io-client reports as a
/// connection error.
pub(crate) fn engine_error(code: u8, message: &str) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({"code": code, "message": message}))
}
