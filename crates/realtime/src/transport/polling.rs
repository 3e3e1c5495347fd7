//! The long-polling transport over HTTP (Engine.IO v4): a GET without `sid` opens a session
//! and answers the `open` packet; a GET with `sid` waits for packets (one at a time per
//! session); a POST with `sid` carries the client's packets, joined by the record separator,
//! and is answered `ok`. The session state lives in [`crate::transport::session`].

use actix_web::http::header::CONTENT_LENGTH;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use crate::gateway::Gateway;
use crate::transport::session::{PollAnswer, PollingSession, PostAnswer};
use crate::transport::sessions::registry;
use crate::transport::status::Status;
use crate::transport::{engine_error, engine_error_with, request_base};

/// Why a POST body was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// Longer than the gateway's `max_payload`.
    #[error("payload larger than {0} bytes")]
    TooLarge(usize),
    /// Not UTF-8 (binary packets are not supported).
    #[error("payload is not UTF-8 text")]
    NotText,
    /// The request body broke off.
    #[error("payload could not be read: {0}")]
    Read(String),
}

/// Answers a long-polling request; `sid` is the query's session id, if any.
pub async fn handle(
    gateway: Gateway,
    req: &HttpRequest,
    body: web::Payload,
    sid: Option<&str>,
) -> HttpResponse {
    let Some(sid) = sid else {
        return if req.method() == Method::GET {
            handshake(gateway, req)
        } else {
            engine_error(2, "Bad handshake method")
        };
    };
    let Some(session) = registry().get(&gateway, sid) else {
        return unknown_sid();
    };
    match *req.method() {
        Method::GET => match session.poll().await {
            PollAnswer::Payload(payload) => text(payload),
            PollAnswer::Overlap => bad_request(),
            PollAnswer::NotPolling(status) => not_polling(status),
        },
        Method::POST => post(&session, req, body, gateway.config().max_payload).await,
        _ => bad_request(),
    }
}

fn handshake(gateway: Gateway, req: &HttpRequest) -> HttpResponse {
    let session = PollingSession::open(gateway, request_base(req));
    session.start();
    text(session.handshake())
}

async fn post(
    session: &PollingSession,
    req: &HttpRequest,
    body: web::Payload,
    limit: usize,
) -> HttpResponse {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    let body = match read_body(body, declared, limit).await {
        Ok(body) => body,
        Err(e) => {
            tracing::debug!(sid = %session.sid(), error = %e, "polling POST refused; closing");
            session.close().await;
            return match e {
                BodyError::TooLarge(_) => {
                    engine_error_with(StatusCode::PAYLOAD_TOO_LARGE, 3, "Payload too large")
                }
                BodyError::NotText | BodyError::Read(_) => bad_request(),
            };
        }
    };
    match session.post(&body).await {
        PostAnswer::Ok => text("ok".to_owned()),
        PostAnswer::Overlap => bad_request(),
        PostAnswer::NotPolling(status) => not_polling(status),
    }
}

/// Reads a POST body of at most `limit` bytes (refused early when its declared length is
/// already larger).
pub async fn read_body(
    mut body: web::Payload,
    declared: Option<usize>,
    limit: usize,
) -> Result<String, BodyError> {
    if declared.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| BodyError::Read(e.to_string()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| BodyError::NotText)
}

fn text(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=UTF-8")
        .body(body)
}

fn unknown_sid() -> HttpResponse {
    engine_error(1, "Session ID unknown")
}

fn bad_request() -> HttpResponse {
    engine_error(3, "Bad request")
}

/// A request for a session that was upgraded (its transport is now the WebSocket) or that
/// closed between the lookup and the answer.
fn not_polling(status: Status) -> HttpResponse {
    match status {
        Status::Closed => unknown_sid(),
        _ => bad_request(),
    }
}
