//! The WebSocket transport: the handshake, server pings with a deadline for the pong, and the
//! two directions of one connection in one task. With the `sid` of a long-polling session the
//! WebSocket is that session's upgrade instead ([`crate::transport::upgrade`]).

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use crate::connection::{Connection, Flow};
use crate::gateway::{Gateway, GatewayConfig};
use crate::hub::Frame;
use crate::protocol::engine::Handshake;
use crate::transport::{millis, new_sid, request_base};

/// Upgrades the request and runs the connection in the background; `sid` is the query's
/// session id (an upgrade from long-polling), if any.
pub fn upgrade(
    gateway: Gateway,
    req: &HttpRequest,
    body: web::Payload,
    sid: Option<&str>,
) -> actix_web::Result<HttpResponse> {
    if let Some(sid) = sid {
        return crate::transport::upgrade::adopt(gateway, req, body, sid);
    }
    let (response, session, stream) = actix_ws::handle(req, body)?;
    let stream = stream.max_frame_size(gateway.config().max_payload);
    let base = request_base(req);
    actix_web::rt::spawn(run(gateway, session, stream, base));
    Ok(response)
}

async fn run(
    gateway: Gateway,
    mut session: actix_ws::Session,
    stream: actix_ws::MessageStream,
    base: String,
) {
    let config = gateway.config().clone();
    let sid = new_sid();
    let handshake = Handshake {
        sid: sid.clone(),
        upgrades: Vec::new(),
        ping_interval: millis(config.ping_interval),
        ping_timeout: millis(config.ping_timeout),
        max_payload: config.max_payload,
    };
    if session.text(handshake.packet()).await.is_err() {
        return;
    }
    let (tx, rx) = mpsc::channel(config.socket_buffer.max(1));
    let conn = Connection::new(gateway, sid, base, tx);
    serve(conn, rx, session, stream, &config).await;
}

/// Runs an open connection on a WebSocket until either side ends it: client packets to
/// `conn`, queued frames from `rx` to the client, and the server's pings.
pub(crate) async fn serve(
    mut conn: Connection,
    mut rx: mpsc::Receiver<Frame>,
    mut session: actix_ws::Session,
    mut stream: actix_ws::MessageStream,
    config: &GatewayConfig,
) {
    let mut next_ping = Instant::now() + config.ping_interval;
    let mut pong_deadline: Option<Instant> = None;
    let reason = loop {
        let deadline = pong_deadline.unwrap_or(next_ping);
        tokio::select! {
            msg = stream.recv() => match msg {
                Some(Ok(Message::Text(text))) => match conn.on_text(&text).await {
                    Flow::Continue => {}
                    Flow::Pong => pong_deadline = None,
                    Flow::Close => break CloseCode::Normal,
                },
                Some(Ok(Message::Ping(bytes))) => {
                    if session.pong(&bytes).await.is_err() {
                        break CloseCode::Away;
                    }
                }
                Some(Ok(Message::Binary(_))) => break CloseCode::Unsupported,
                Some(Ok(Message::Close(_))) | None => break CloseCode::Normal,
                Some(Ok(_)) => {}
                Some(Err(_)) => break CloseCode::Protocol,
            },
            Some(frame) = rx.recv() => {
                if session.text(frame).await.is_err() {
                    break CloseCode::Away;
                }
            }
            () = sleep_until(deadline) => {
                if pong_deadline.is_some() {
                    // No pong in time: the client is gone.
                    break CloseCode::Away;
                }
                if conn.connect_overdue() {
                    break CloseCode::Policy;
                }
                if session.text("2").await.is_err() {
                    break CloseCode::Away;
                }
                pong_deadline = Some(Instant::now() + config.ping_timeout);
                next_ping = Instant::now() + config.ping_interval;
            }
        }
    };
    conn.close().await;
    let _ = session
        .close(Some(CloseReason {
            code: reason,
            description: None,
        }))
        .await;
}
