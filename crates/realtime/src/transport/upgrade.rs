//! The upgrade of a long-polling session to a WebSocket (Engine.IO v4): the client opens a
//! WebSocket with the session's `sid` and sends `2probe`; the server answers `3probe` and ends
//! the pending GET with `6`; the client pauses polling and sends `5`; from then on the same
//! [`crate::connection::Connection`] (authentication, rooms) runs on the WebSocket, and
//! polling requests for that id are refused until it ends.

use std::sync::Arc;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message};
use tokio::time::{Instant, timeout_at};

use crate::gateway::{Gateway, GatewayConfig};
use crate::protocol::engine::EnginePacket;
use crate::transport::engine_error;
use crate::transport::session::PollingSession;
use crate::transport::sessions::registry;
use crate::transport::websocket::serve;

/// Time a client has from opening the WebSocket to sending `5` (engine.io's default).
pub const UPGRADE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why an upgrade did not complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpgradeError {
    /// No `5` within [`UPGRADE_TIMEOUT`].
    #[error("upgrade timed out")]
    Timeout,
    /// The WebSocket closed or failed.
    #[error("WebSocket closed during the upgrade")]
    Closed,
    /// A packet other than the probe, then `5`.
    #[error("unexpected packet during the upgrade: {0:?}")]
    Unexpected(String),
}

/// What the probe phase expects next, as a pure step: `Ok(true)` when the upgrade is done,
/// `Ok(false)` after the probe.
pub fn probe_step(text: &str, probed: bool) -> Result<bool, UpgradeError> {
    match (EnginePacket::decode(text), probed) {
        (Ok(EnginePacket::Ping(data)), false) if data == "probe" => Ok(false),
        (Ok(EnginePacket::Upgrade), true) => Ok(true),
        _ => Err(UpgradeError::Unexpected(text.chars().take(32).collect())),
    }
}

/// Takes the WebSocket for the polling session `sid`: 400 `Session ID unknown` when there is
/// none, 400 `Bad request` when it is not plain polling (already upgrading or upgraded).
pub fn adopt(
    gateway: Gateway,
    req: &HttpRequest,
    body: web::Payload,
    sid: &str,
) -> actix_web::Result<HttpResponse> {
    let Some(session) = registry().get(&gateway, sid) else {
        return Ok(engine_error(1, "Session ID unknown"));
    };
    if !session.begin_upgrade() {
        return Ok(engine_error(3, "Bad request"));
    }
    let (response, ws, stream) = match actix_ws::handle(req, body) {
        Ok(parts) => parts,
        Err(e) => {
            session.cancel_upgrade();
            return Err(e);
        }
    };
    let config = gateway.config().clone();
    let stream = stream.max_frame_size(config.max_payload);
    actix_web::rt::spawn(run(session, ws, stream, config));
    Ok(response)
}

async fn run(
    session: Arc<PollingSession>,
    mut ws: actix_ws::Session,
    mut stream: actix_ws::MessageStream,
    config: GatewayConfig,
) {
    if let Err(e) = probe(&session, &mut ws, &mut stream).await {
        tracing::debug!(sid = %session.sid(), error = %e, "upgrade abandoned; still polling");
        session.cancel_upgrade();
        let _ = ws
            .close(Some(CloseReason {
                code: CloseCode::Policy,
                description: None,
            }))
            .await;
        return;
    }
    let Some((conn, rx)) = session.finish_upgrade().await else {
        let _ = ws.close(None).await;
        return;
    };
    serve(conn, rx, ws, stream, &config).await;
    session.forget();
}

/// Answers `2probe` with `3probe` (ending the pending GET), then waits for `5`.
async fn probe(
    session: &PollingSession,
    ws: &mut actix_ws::Session,
    stream: &mut actix_ws::MessageStream,
) -> Result<(), UpgradeError> {
    let deadline = Instant::now() + UPGRADE_TIMEOUT;
    let mut probed = false;
    loop {
        let msg = timeout_at(deadline, stream.recv())
            .await
            .map_err(|_| UpgradeError::Timeout)?;
        match msg {
            Some(Ok(Message::Text(text))) => {
                if probe_step(&text, probed)? {
                    return Ok(());
                }
                let pong = EnginePacket::Pong("probe".into()).encode();
                ws.text(pong).await.map_err(|_| UpgradeError::Closed)?;
                if !session.probed() {
                    return Err(UpgradeError::Closed);
                }
                probed = true;
            }
            Some(Ok(Message::Ping(bytes))) => {
                ws.pong(&bytes).await.map_err(|_| UpgradeError::Closed)?;
            }
            Some(Ok(Message::Binary(_))) => {
                return Err(UpgradeError::Unexpected("binary frame".into()));
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                return Err(UpgradeError::Closed);
            }
            Some(Ok(_)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_comes_first_then_the_upgrade() {
        assert_eq!(probe_step("2probe", false), Ok(false));
        assert_eq!(probe_step("5", true), Ok(true));
        assert!(probe_step("5", false).is_err());
        assert!(probe_step("2probe", true).is_err());
        assert!(probe_step("2", false).is_err());
        assert!(probe_step("40{}", false).is_err());
        assert!(probe_step("", false).is_err());
    }
}
