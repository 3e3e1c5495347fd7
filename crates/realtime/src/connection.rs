//! One client connection, whatever its transport: the Socket.IO state machine (connect with a
//! token, events, acks, disconnect) over Engine.IO packets. Transports feed it the client's
//! packets and write what it queues.

use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::client_events;
use crate::gateway::Gateway;
use crate::hub::{Frame, LocalSocket};
use crate::protocol::engine::EnginePacket;
use crate::protocol::socketio::SocketPacket;

/// What the transport does after a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep going.
    Continue,
    /// The client answered a ping.
    Pong,
    /// Close the transport.
    Close,
}

/// The state of one connection.
pub struct Connection {
    gateway: Gateway,
    sid: String,
    base: String,
    tx: mpsc::Sender<Frame>,
    session: Option<TenantCtx>,
    opened: Instant,
}

fn frame(packet: &SocketPacket) -> Frame {
    Frame::from(EnginePacket::Message(packet.encode()).encode())
}

impl Connection {
    /// A new connection with Engine.IO session id `sid`; `base` is the handshake's
    /// `scheme://host`; frames for the client go to `tx`.
    pub fn new(gateway: Gateway, sid: String, base: String, tx: mpsc::Sender<Frame>) -> Self {
        Self {
            gateway,
            sid,
            base,
            tx,
            session: None,
            opened: Instant::now(),
        }
    }

    /// True when the transport has been open longer than the connect timeout without a
    /// successful CONNECT (e.g. after a refused token): the transport should close it.
    pub fn connect_overdue(&self) -> bool {
        self.session.is_none() && self.opened.elapsed() >= self.gateway.config().connect_timeout
    }

    /// The Engine.IO session id.
    pub fn sid(&self) -> &str {
        &self.sid
    }

    fn send(&self, frame: Frame) {
        let _ = self.tx.try_send(frame);
    }

    /// Handles one Engine.IO packet from the client.
    pub async fn on_text(&mut self, text: &str) -> Flow {
        if text.len() > self.gateway.config().max_payload {
            return Flow::Close;
        }
        match EnginePacket::decode(text) {
            Ok(EnginePacket::Message(data)) => self.on_socket_packet(&data).await,
            Ok(EnginePacket::Pong(_)) => Flow::Pong,
            Ok(EnginePacket::Ping(data)) => {
                self.send(Frame::from(EnginePacket::Pong(data).encode()));
                Flow::Continue
            }
            Ok(EnginePacket::Close) => Flow::Close,
            Ok(_) => Flow::Continue,
            Err(e) => {
                tracing::debug!(error = %e, "bad Engine.IO packet; closing");
                Flow::Close
            }
        }
    }

    async fn on_socket_packet(&mut self, data: &str) -> Flow {
        let packet = match SocketPacket::decode(data) {
            Ok(p) => p,
            Err(e) => {
                tracing::debug!(error = %e, "bad Socket.IO packet; closing");
                return Flow::Close;
            }
        };
        match packet {
            SocketPacket::Connect { nsp, data } => {
                self.on_connect(nsp, data).await;
                Flow::Continue
            }
            SocketPacket::Disconnect { .. } => Flow::Close,
            SocketPacket::Event { id, name, args, .. } => {
                if let Some(cx) = self.session {
                    let answer =
                        client_events::handle(&self.gateway, &self.sid, &cx, &name, &args).await;
                    if let Some(id) = id {
                        self.send(frame(&SocketPacket::Ack {
                            nsp: "/".into(),
                            id,
                            args: vec![answer],
                        }));
                    }
                }
                Flow::Continue
            }
            SocketPacket::Ack { .. } | SocketPacket::ConnectError { .. } => Flow::Continue,
        }
    }

    async fn on_connect(&mut self, nsp: String, data: Option<Value>) {
        if nsp != "/" {
            self.send(frame(&SocketPacket::ConnectError {
                nsp,
                data: json!({"message": "Invalid namespace"}),
            }));
            return;
        }
        if self.session.is_some() {
            self.send(frame(&SocketPacket::Connect {
                nsp,
                data: Some(json!({"sid": self.sid})),
            }));
            return;
        }
        let token = data
            .as_ref()
            .and_then(|d| d.get("token"))
            .and_then(Value::as_str)
            .map(|t| t.trim_start_matches("Bearer ").trim().to_owned())
            .unwrap_or_default();
        if token.is_empty() {
            self.refuse("ERR_TOKEN_NOT_PROVIDED");
            return;
        }
        let verified = match self.gateway.inner.verifier.verify(&token).await {
            Ok(v) => v,
            Err(e) => {
                self.refuse(e.code());
                return;
            }
        };
        let (Some(user), tenant) = (verified.cx.user_id(), verified.cx.tenant()) else {
            self.refuse("ERR_INVALID_TOKEN");
            return;
        };
        self.gateway.inner.hub.add(
            &self.sid,
            LocalSocket {
                tenant,
                user,
                name: verified.name,
                base: self.base.clone(),
                tx: self.tx.clone(),
            },
        );
        self.session = Some(verified.cx);
        self.send(frame(&SocketPacket::Connect {
            nsp,
            data: Some(json!({"sid": self.sid})),
        }));
    }

    fn refuse(&self, code: &str) {
        self.send(frame(&SocketPacket::ConnectError {
            nsp: "/".into(),
            data: json!({"message": code}),
        }));
    }

    /// Ends the connection: leaves every room, updates presence.
    pub async fn close(&mut self) {
        if let Some(cx) = self.session.take() {
            self.gateway.inner.hub.remove(&self.sid);
            client_events::disconnected(&self.gateway, &cx).await;
        }
    }
}
