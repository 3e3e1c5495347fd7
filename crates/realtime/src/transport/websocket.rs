//! The WebSocket transport: the handshake, server pings with a deadline for the pong, and the
//! two directions of one connection in one task.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use crate::connection::{Connection, Flow};
use crate::gateway::Gateway;
use crate::protocol::engine::Handshake;
use crate::transport::{new_sid, request_base};

/// Upgrades the request and runs the connection in the background.
pub fn upgrade(
    gateway: Gateway,
    req: &HttpRequest,
    body: web::Payload,
) -> actix_web::Result<HttpResponse> {
    let (response, session, stream) = actix_ws::handle(req, body)?;
    let stream = stream.max_frame_size(gateway.config().max_payload);
    let base = request_base(req);
    actix_web::rt::spawn(run(gateway, session, stream, base));
    Ok(response)
}

async fn run(
    gateway: Gateway,
    mut session: actix_ws::Session,
    mut stream: actix_ws::MessageStream,
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
    let (tx, mut rx) = mpsc::channel(config.socket_buffer.max(1));
    let mut conn = Connection::new(gateway, sid, base, tx);
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
                if session.text(frame.to_string()).await.is_err() {
                    break CloseCode::Away;
                }
            }
            () = sleep_until(deadline) => {
                if pong_deadline.is_some() {
                    // No pong in time: the client is gone.
                    break CloseCode::Away;
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

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
