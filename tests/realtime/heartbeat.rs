//! The Engine.IO heartbeat, with a bare WebSocket client: the server pings every
//! `pingInterval`; a client that does not answer within `pingTimeout` is dropped (and leaves
//! the presence list); one that answers stays.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use crate::harness::TestServer;
use crate::raw::{RawSocket, Received};
use crate::token;

const INTERVAL_MS: u64 = 200;
const TIMEOUT_MS: u64 = 200;

/// A `42[...]` event packet: `(name, argument)`.
fn event(packet: &str) -> Option<(String, Value)> {
    let body = packet.strip_prefix("42")?;
    let v: Value = serde_json::from_str(body).ok()?;
    Some((v[0].as_str()?.to_owned(), v[1].clone()))
}

fn online_ids(bubbles: &Value) -> Vec<i64> {
    bubbles["sortedUserList"]
        .as_array()
        .map(|l| l.iter().filter_map(|u| u["id"].as_i64()).collect())
        .unwrap_or_default()
}

/// Opens a connection, checks the open packet, connects with `token`; the socket and when
/// its open packet arrived (the server's heartbeat clock starts when it sends it).
async fn connected(base: &str, token: &str) -> (RawSocket, Instant) {
    let mut s = RawSocket::open(base).await;
    let open = s.handshake().await;
    let opened = Instant::now();
    assert!(
        open["sid"].as_str().is_some_and(|sid| !sid.is_empty()),
        "{open}"
    );
    assert!(open["upgrades"].is_array(), "{open}");
    assert_eq!(open["pingInterval"], INTERVAL_MS, "{open}");
    assert_eq!(open["pingTimeout"], TIMEOUT_MS, "{open}");
    assert!(open["maxPayload"].as_u64().is_some_and(|m| m > 0), "{open}");
    let answer = s.connect(token).await;
    let data: Value = answer
        .strip_prefix("40")
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_else(|| panic!("expected 40{{\"sid\":...}}, got {answer}"));
    assert!(
        data["sid"].as_str().is_some_and(|sid| !sid.is_empty()),
        "{answer}"
    );
    (s, opened)
}

/// What a well-behaved client saw while answering pings for `period`.
#[derive(Default)]
struct Answering {
    pings: usize,
    events: Vec<(String, Value)>,
    closed: Option<Received>,
}

async fn answer_pings(s: &mut RawSocket, period: Duration) -> Answering {
    let deadline = Instant::now() + period;
    let mut seen = Answering::default();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return seen;
        }
        match s.recv(left).await {
            Received::Text(t) if t == "2" => {
                seen.pings += 1;
                s.send("3").await;
            }
            Received::Text(t) => seen.events.extend(event(&t)),
            Received::Nothing => return seen,
            other => {
                seen.closed = Some(other);
                return seen;
            }
        }
    }
}

#[actix_web::test]
async fn a_client_that_stops_answering_pings_is_dropped_and_one_that_answers_stays() {
    let server = TestServer::start_with(
        tiktickets_test_support::TestDb::sqlite(),
        &[
            ("realtime.ping_interval_ms", "200"),
            ("realtime.ping_timeout_ms", "200"),
        ],
    )
    .await;
    let admin = server.admin().await;
    let agent = server.agent(&admin).await;
    let t = admin.tenant_id;
    let gateway = &server.prepared.gateway;

    // The well-behaved client (an agent) is there first and watches presence.
    let (mut good, _) = connected(&server.base, token(&agent)).await;
    // The silent one (the admin) says it is working, then stops answering.
    let (mut silent, opened) = connected(&server.base, token(&admin)).await;
    silent
        .send(&format!("421{}", json!([format!("{t}:setUserActive")])))
        .await;
    assert_eq!(gateway.local_sockets(), 2);

    let silent_side = async {
        let mut pings = 0;
        let mut acked = false;
        loop {
            match silent.recv(Duration::from_secs(5)).await {
                Received::Text(p) if p == "2" => pings += 1,
                Received::Text(p) if p == "431[{\"ok\":true}]" => acked = true,
                Received::Text(_) => {}
                end => return (end, opened.elapsed(), pings, acked),
            }
        }
    };
    let period = Duration::from_millis(6 * (INTERVAL_MS + TIMEOUT_MS));
    let ((end, dropped_after, pings, acked), seen) =
        tokio::join!(silent_side, answer_pings(&mut good, period));

    // Dropped: a close frame (or the end of the stream) after interval + timeout.
    assert!(acked, "the silent client's setUserActive was not acked");
    assert!(pings >= 1, "the server never pinged ({end:?})");
    assert!(
        matches!(end, Received::Close(_) | Received::Ended),
        "the silent client was not dropped: {end:?}"
    );
    let min = Duration::from_millis(INTERVAL_MS + TIMEOUT_MS - 50);
    assert!(
        dropped_after >= min && dropped_after < Duration::from_secs(4),
        "dropped after {dropped_after:?}; expected about {} ms",
        INTERVAL_MS + TIMEOUT_MS
    );
    let code = match &end {
        Received::Close(code) => format!("close code {code:?}"),
        _ => "no close frame".to_owned(),
    };
    println!("silent client dropped after {dropped_after:?} ({code})");

    // Kept: the answering client outlived several rounds and still works.
    assert!(
        seen.closed.is_none(),
        "the answering client was dropped: {:?}",
        seen.closed
    );
    assert!(seen.pings >= 4, "only {} pings in {period:?}", seen.pings);
    assert_eq!(
        gateway.local_sockets(),
        1,
        "the dropped socket is forgotten"
    );
    good.send(&format!("425{}", json!([format!("{t}:joinNotification")])))
        .await;
    loop {
        match good.recv(Duration::from_secs(5)).await {
            Received::Text(p) if p == "2" => good.send("3").await,
            Received::Text(p) if p.starts_with("435") => {
                assert_eq!(p, "435[{\"ok\":true}]");
                break;
            }
            Received::Text(_) => {}
            other => panic!("no ack after the heartbeat rounds: {other:?}"),
        }
    }

    // Presence followed: the admin went online, and offline when dropped.
    let bubbles: Vec<&Value> = seen
        .events
        .iter()
        .filter(|(name, _)| *name == format!("{t}:chat:updateOnlineBubbles"))
        .map(|(_, v)| v)
        .collect();
    assert!(
        bubbles
            .first()
            .is_some_and(|b| online_ids(b).contains(&admin.user_id)),
        "no online bubble for the admin: {bubbles:?}"
    );
    assert!(
        bubbles
            .last()
            .is_some_and(|b| !online_ids(b).contains(&admin.user_id)),
        "the dropped admin is still online: {bubbles:?}"
    );
    good.close().await;
}
