//! A bare Engine.IO client over awc's WebSocket, for what socket.io-client will not do on
//! purpose (stay silent when the server pings).

#![allow(
    clippy::expect_used,
    reason = "test harness: a broken connection must stop the test"
)]

use std::time::Duration;

use awc::error::WsProtocolError;
use awc::ws;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use serde_json::Value;
use tokio::time::timeout;

/// What the server sent.
#[derive(Debug)]
pub enum Received {
    /// A text frame (one Engine.IO packet).
    Text(String),
    /// A close frame, with its code.
    Close(Option<u16>),
    /// The TCP stream ended without a close frame.
    Ended,
    /// Nothing within the time asked for.
    Nothing,
}

/// One WebSocket connection to `/socket.io/`.
pub struct RawSocket {
    sink: Box<dyn Sink<ws::Message, Error = WsProtocolError> + Unpin>,
    stream: Box<dyn Stream<Item = Result<ws::Frame, WsProtocolError>> + Unpin>,
}

impl RawSocket {
    /// Opens `ws://<host>/socket.io/?EIO=4&transport=websocket`.
    pub async fn open(base: &str) -> RawSocket {
        let url = format!(
            "{}/socket.io/?EIO=4&transport=websocket",
            base.replacen("http://", "ws://", 1)
        );
        let (_response, framed) = awc::Client::new()
            .ws(url)
            .connect()
            .await
            .expect("WebSocket handshake");
        let (sink, stream) = framed.split();
        RawSocket {
            sink: Box::new(sink),
            stream: Box::new(stream),
        }
    }

    /// The next frame within `within` (WebSocket pings are answered and skipped).
    pub async fn recv(&mut self, within: Duration) -> Received {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let next = match tokio::time::timeout_at(deadline, self.stream.next()).await {
                Err(_) => return Received::Nothing,
                Ok(next) => next,
            };
            match next {
                Some(Ok(ws::Frame::Text(bytes))) => {
                    return Received::Text(String::from_utf8_lossy(&bytes).into_owned());
                }
                Some(Ok(ws::Frame::Close(reason))) => {
                    return Received::Close(reason.map(|r| u16::from(r.code)));
                }
                Some(Ok(ws::Frame::Ping(bytes))) => {
                    let _ = self.sink.send(ws::Message::Pong(bytes)).await;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Received::Ended,
            }
        }
    }

    /// The next text frame; panics on anything else.
    pub async fn text(&mut self, within: Duration) -> String {
        match self.recv(within).await {
            Received::Text(t) => t,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }

    /// Sends one Engine.IO packet.
    pub async fn send(&mut self, text: &str) {
        self.sink
            .send(ws::Message::Text(text.to_owned().into()))
            .await
            .expect("send a frame");
    }

    /// Reads the open packet `0{...}` and returns its JSON.
    pub async fn handshake(&mut self) -> Value {
        let open = self.text(Duration::from_secs(5)).await;
        let json = open
            .strip_prefix('0')
            .unwrap_or_else(|| panic!("the first packet is not an open packet: {open}"));
        serde_json::from_str(json).expect("open packet JSON")
    }

    /// Sends the Socket.IO CONNECT with `{token}` and returns the server's answer packet.
    pub async fn connect(&mut self, token: &str) -> String {
        let packet = format!("40{}", serde_json::json!({"token": token}));
        self.send(&packet).await;
        timeout(Duration::from_secs(5), self.text(Duration::from_secs(5)))
            .await
            .expect("an answer to CONNECT")
    }

    /// Sends a close frame.
    pub async fn close(mut self) {
        let _ = self.sink.send(ws::Message::Close(None)).await;
        let _ = self.sink.close().await;
    }
}
