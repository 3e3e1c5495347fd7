//! Engine.IO v4 long-polling and the upgrade from polling to WebSocket, against an actix test
//! server with a real [`Gateway`], driven with awc (HTTP for polling, awc ws for the upgrade).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "tests: a broken fixture must stop the test"
)]

use std::sync::Arc;
use std::time::Duration;

use actix_web::App;
use actix_web::http::StatusCode;
use async_trait::async_trait;
use awc::ws;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tiktickets_domain::access::{MediaLinks, TokenVerifier, VerifiedSession};
use tiktickets_domain::enums::{MessageAck, UserProfile};
use tiktickets_domain::events::DomainEvent;
use tiktickets_domain::ids::{MessageId, TenantId, TicketId, UserId};
use tiktickets_domain::{DomainError, Result, TenantCtx};
use tiktickets_realtime::backplane::InProcessBackplane;
use tiktickets_realtime::presence::InMemoryPresence;
use tiktickets_realtime::{Gateway, GatewayConfig};
use tokio::time::{Instant, sleep};

const TOKEN: &str = "good-token";
const SEP: char = '\u{1e}';

/// Accepts [`TOKEN`] for tenant 1, user 7; refuses anything else.
struct FixedToken;

#[async_trait]
impl TokenVerifier for FixedToken {
    async fn verify(&self, token: &str) -> Result<VerifiedSession> {
        if token == TOKEN {
            Ok(VerifiedSession {
                cx: TenantCtx::from_verified(
                    TenantId::from_verified(1),
                    UserId::new(7),
                    UserProfile::User,
                ),
                name: "Agent Seven".into(),
            })
        } else {
            Err(DomainError::forbidden("ERR_INVALID_TOKEN", "unknown token"))
        }
    }
}

impl MediaLinks for FixedToken {
    fn media_path(&self, tenant: TenantId, file_name: &str) -> Option<String> {
        Some(format!("/public/media/{}/{file_name}", tenant.get()))
    }
}

struct Server {
    srv: actix_test::TestServer,
    gateway: Gateway,
}

async fn server(ping_interval_ms: u64, ping_timeout_ms: u64) -> Server {
    server_with(GatewayConfig {
        ping_interval: Duration::from_millis(ping_interval_ms),
        ping_timeout: Duration::from_millis(ping_timeout_ms),
        max_payload: 2_000,
        ..GatewayConfig::default()
    })
    .await
}

async fn server_with(config: GatewayConfig) -> Server {
    let gateway = Gateway::new(
        config,
        Arc::new(FixedToken),
        Arc::new(FixedToken),
        Arc::new(InProcessBackplane::default()),
        Arc::new(InMemoryPresence::default()),
    );
    gateway.start().await;
    let shared = gateway.clone();
    let srv = actix_test::start(move || {
        let gateway = shared.clone();
        App::new().configure(move |cfg| tiktickets_realtime::configure(cfg, gateway))
    });
    Server { srv, gateway }
}

fn polling_path(sid: &str) -> String {
    format!("/socket.io/?EIO=4&transport=polling&sid={sid}")
}

impl Server {
    /// A raw HTTP request: status and body text.
    async fn request(&self, post: Option<&str>, path: &str) -> (StatusCode, String) {
        let req = match post {
            Some(_) => self.srv.post(path),
            None => self.srv.get(path),
        }
        .timeout(Duration::from_secs(10));
        let mut resp = match post {
            Some(body) => req.send_body(body.to_owned()).await,
            None => req.send().await,
        }
        .expect("HTTP request");
        let body = resp.body().await.expect("response body");
        (resp.status(), String::from_utf8_lossy(&body).into_owned())
    }

    /// Opens a polling session: its id and the handshake JSON.
    async fn open(&self) -> (String, Value) {
        let (status, body) = self
            .request(None, "/socket.io/?EIO=4&transport=polling&t=abc")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let json = body
            .strip_prefix('0')
            .unwrap_or_else(|| panic!("not an open packet: {body}"));
        let open: Value = serde_json::from_str(json).expect("handshake JSON");
        (open["sid"].as_str().expect("sid").to_owned(), open)
    }

    async fn get(&self, sid: &str) -> (StatusCode, String) {
        self.request(None, &polling_path(sid)).await
    }

    async fn post(&self, sid: &str, body: &str) -> (StatusCode, String) {
        self.request(Some(body), &polling_path(sid)).await
    }

    /// A GET that must succeed: its packets.
    async fn packets(&self, sid: &str) -> Vec<String> {
        let (status, body) = self.get(sid).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.split(SEP).map(str::to_owned).collect()
    }

    /// Opens a session and connects it with [`TOKEN`]: the session id.
    async fn connected(&self) -> String {
        let (sid, _) = self.open().await;
        let (status, body) = self
            .post(&sid, &format!("40{}", json!({"token": TOKEN})))
            .await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
        let packets = self.packets(&sid).await;
        assert!(packets[0].starts_with("40{\"sid\":"), "{packets:?}");
        sid
    }

    fn publish_ack(&self) {
        self.gateway.publisher().publish(DomainEvent::MessageAck {
            tenant: TenantId::from_verified(1),
            id: MessageId::generate(),
            ticket: TicketId::new(57),
            ack: MessageAck::Read,
        });
    }
}

fn assert_engine_error(answer: &(StatusCode, String), code: u64) {
    assert_eq!(answer.0, StatusCode::BAD_REQUEST, "{}", answer.1);
    let json: Value = serde_json::from_str(&answer.1).expect("error JSON");
    assert_eq!(json["code"], code, "{json}");
}

#[actix_web::test]
async fn the_polling_handshake_advertises_the_websocket_upgrade() {
    let s = server(25_000, 20_000).await;
    let (sid, open) = s.open().await;
    assert_eq!(sid.len(), 32);
    assert_eq!(open["upgrades"], json!(["websocket"]));
    assert_eq!(open["pingInterval"], 25_000);
    assert_eq!(open["pingTimeout"], 20_000);
    assert_eq!(open["maxPayload"], 2_000);
    // A handshake by POST, and an unknown session id.
    assert_engine_error(
        &s.request(Some("40"), "/socket.io/?EIO=4&transport=polling")
            .await,
        2,
    );
    let unknown = s.get("nope").await;
    assert_engine_error(&unknown, 1);
    assert_eq!(
        serde_json::from_str::<Value>(&unknown.1).unwrap(),
        json!({"code": 1, "message": "Session ID unknown"})
    );
    assert_engine_error(&s.post("nope", "3").await, 1);
    assert_engine_error(
        &s.request(None, "/socket.io/?EIO=3&transport=polling").await,
        5,
    );
}

#[actix_web::test]
async fn connect_by_post_answers_by_get_and_bad_tokens_are_refused() {
    let s = server(25_000, 20_000).await;
    let sid = s.connected().await;
    assert_eq!(s.gateway.local_sockets(), 1);
    // Two packets in one POST; the answer to the ack comes by GET.
    let body = format!("421[\"1:joinNotification\"]{SEP}422[\"tenant:1:joinChatBox\",\"57\"]");
    assert_eq!(s.post(&sid, &body).await.1, "ok");
    assert_eq!(
        s.packets(&sid).await,
        [r#"431[{"ok":true}]"#, r#"432[{"ok":true}]"#]
    );

    let (bad, _) = s.open().await;
    s.post(&bad, r#"40{"token":"forged"}"#).await;
    assert_eq!(
        s.packets(&bad).await,
        [r#"44{"message":"ERR_INVALID_TOKEN"}"#]
    );
    let (none, _) = s.open().await;
    s.post(&none, "40").await;
    assert_eq!(
        s.packets(&none).await,
        [r#"44{"message":"ERR_TOKEN_NOT_PROVIDED"}"#]
    );
    assert_eq!(s.gateway.local_sockets(), 1);
}

#[actix_web::test]
async fn a_published_event_reaches_a_waiting_poll() {
    let s = server(25_000, 20_000).await;
    let sid = s.connected().await;
    let (got, ()) = futures_util::join!(s.packets(&sid), async {
        sleep(Duration::from_millis(200)).await;
        s.publish_ack();
    });
    assert_eq!(got.len(), 1, "{got:?}");
    let event: Value = serde_json::from_str(got[0].strip_prefix("42").expect("an event")).unwrap();
    assert_eq!(event[0], "1:ticketList");
    assert_eq!(event[1]["type"], "chat:ack");
    assert_eq!(event[1]["payload"]["ack"], 3);
}

#[actix_web::test]
async fn a_client_that_answers_pings_stays_and_one_that_does_not_is_closed() {
    let (interval, timeout) = (200, 600);
    let s = server(interval, timeout).await;
    let answering = s.connected().await;
    let silent = s.connected().await;
    assert_eq!(s.gateway.local_sockets(), 2);

    let keep_answering = async {
        let end = Instant::now() + Duration::from_millis(2_000);
        let mut pings = 0;
        while Instant::now() < end {
            let packets = s.packets(&answering).await;
            for p in &packets {
                if p == "2" {
                    pings += 1;
                    assert_eq!(s.post(&answering, "3").await.1, "ok");
                }
            }
        }
        pings
    };
    let stay_silent = async {
        let t0 = Instant::now();
        assert_eq!(s.packets(&silent).await, ["2"]);
        // Never answered: the next poll waits until the session closes.
        assert_eq!(s.packets(&silent).await, ["1"]);
        let closed_after = t0.elapsed();
        assert_engine_error(&s.get(&silent).await, 1);
        closed_after
    };
    let (pings, closed_after) = futures_util::join!(keep_answering, stay_silent);
    // A ping every interval after each pong (about 10 in 2 s), not only when the pong
    // deadline would have passed (3).
    assert!(pings >= 8, "only {pings} pings");
    assert!(
        closed_after >= Duration::from_millis(interval + timeout - 50),
        "closed after {closed_after:?}"
    );
    // The answering client is still there; the silent one left the hub.
    assert_eq!(s.post(&answering, "3").await.1, "ok");
    assert_eq!(s.gateway.local_sockets(), 1);
}

#[actix_web::test]
async fn a_second_concurrent_get_is_refused_and_closes_the_session() {
    let s = server(25_000, 20_000).await;
    let sid = s.connected().await;
    let (first, second) = futures_util::join!(s.get(&sid), async {
        sleep(Duration::from_millis(200)).await;
        s.get(&sid).await
    });
    assert_eq!(second.0, StatusCode::BAD_REQUEST);
    assert_eq!(first, (StatusCode::OK, "1".to_owned()));
    assert_engine_error(&s.get(&sid).await, 1);
    assert_eq!(s.gateway.local_sockets(), 0);
}

#[actix_web::test]
async fn a_close_packet_or_an_oversized_post_ends_the_session() {
    let s = server(25_000, 20_000).await;
    let sid = s.connected().await;
    assert_eq!(s.post(&sid, "1").await.1, "ok");
    assert_engine_error(&s.get(&sid).await, 1);

    let sid = s.connected().await;
    let big = format!("42[\"1:joinNotification\",\"{}\"]", "x".repeat(3_000));
    let (status, body) = s.post(&sid, &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_engine_error(&s.get(&sid).await, 1);
    assert_eq!(s.gateway.local_sockets(), 0);
}

async fn ws_text(
    ws: &mut (
             impl futures_util::Stream<
        Item = std::result::Result<ws::Frame, awc::error::WsProtocolError>,
    > + Unpin
         ),
) -> String {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a WebSocket frame in time")
            .expect("the WebSocket is open")
            .expect("a valid frame");
        match frame {
            ws::Frame::Text(bytes) => return String::from_utf8_lossy(&bytes).into_owned(),
            ws::Frame::Ping(_) | ws::Frame::Pong(_) => {}
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

#[actix_web::test]
async fn the_upgrade_keeps_the_socket_and_retires_the_polling_id() {
    let mut s = server(25_000, 20_000).await;
    let sid = s.connected().await;
    let unknown = s
        .srv
        .ws_at("/socket.io/?EIO=4&transport=websocket&sid=nope")
        .await;
    assert!(unknown.is_err(), "an unknown sid must not upgrade");

    let path = format!("/socket.io/?EIO=4&transport=websocket&sid={sid}");
    let mut ws = s.srv.ws_at(&path).await.expect("WebSocket handshake");
    // The client polls while it probes; the probe answer ends that poll with a noop.
    let (pending, ()) = futures_util::join!(s.get(&sid), async {
        sleep(Duration::from_millis(100)).await;
        ws.send(ws::Message::Text("2probe".into())).await.unwrap();
        assert_eq!(ws_text(&mut ws).await, "3probe");
    });
    assert_eq!(pending, (StatusCode::OK, "6".to_owned()));
    // An event published before `5` waits in the queue and comes out on the WebSocket.
    s.publish_ack();
    sleep(Duration::from_millis(100)).await;
    ws.send(ws::Message::Text("5".into())).await.unwrap();
    assert!(ws_text(&mut ws).await.starts_with("42[\"1:ticketList\""));

    // Same Socket.IO socket: still authenticated (acks answered), still in its rooms.
    ws.send(ws::Message::Text(r#"421["1:joinNotification"]"#.into()))
        .await
        .unwrap();
    assert_eq!(ws_text(&mut ws).await, r#"431[{"ok":true}]"#);
    s.publish_ack();
    assert!(ws_text(&mut ws).await.starts_with("42[\"1:ticketList\""));
    assert_eq!(s.gateway.local_sockets(), 1);

    // The polling id is refused now; a second upgrade too.
    assert_engine_error(&s.get(&sid).await, 3);
    assert_engine_error(&s.post(&sid, "3").await, 3);
    assert!(s.srv.ws_at(&path).await.is_err());

    ws.send(ws::Message::Close(None)).await.unwrap();
    let _ = ws.close().await;
    let end = Instant::now() + Duration::from_secs(5);
    while s.gateway.local_sockets() > 0 && Instant::now() < end {
        sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(s.gateway.local_sockets(), 0);
    assert_engine_error(&s.get(&sid).await, 1);
}

#[actix_web::test]
async fn a_failed_probe_leaves_the_session_polling() {
    let mut s = server(25_000, 20_000).await;
    let sid = s.connected().await;
    let path = format!("/socket.io/?EIO=4&transport=websocket&sid={sid}");
    let mut ws = s.srv.ws_at(&path).await.expect("WebSocket handshake");
    ws.send(ws::Message::Text("5".into())).await.unwrap();
    let end = Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
            Ok(Some(Ok(ws::Frame::Close(_))) | None | Some(Err(_))) => break,
            Ok(Some(Ok(_))) if Instant::now() < end => {}
            other => panic!("expected the WebSocket to close, got {other:?}"),
        }
    }
    let (got, ()) = futures_util::join!(s.packets(&sid), async {
        sleep(Duration::from_millis(100)).await;
        s.publish_ack();
    });
    assert!(got[0].starts_with("42[\"1:ticketList\""), "{got:?}");
}

#[actix_web::test]
async fn a_refused_connection_is_closed_after_the_connect_timeout() {
    let srv = server_with(GatewayConfig {
        ping_interval: Duration::from_millis(100),
        ping_timeout: Duration::from_millis(2_000),
        connect_timeout: Duration::from_millis(300),
        max_payload: 2_000,
        ..GatewayConfig::default()
    })
    .await;
    let (sid, _) = srv.open().await;
    let (status, _) = srv.post(&sid, "40{\"token\":\"wrong\"}").await;
    assert_eq!(status, StatusCode::OK);
    let refused = srv.packets(&sid).await;
    assert!(refused.iter().any(|p| p.starts_with("44")), "{refused:?}");
    // The client keeps answering pings, but without a successful CONNECT the session ends.
    let started = std::time::Instant::now();
    loop {
        let (status, body) = srv.get(&sid).await;
        if status != StatusCode::OK || body.split(SEP).any(|p| p == "1") {
            break;
        }
        if body.split(SEP).any(|p| p == "2") {
            srv.post(&sid, "3").await;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "never closed");
    }
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(srv.gateway.local_sockets(), 0);
}
