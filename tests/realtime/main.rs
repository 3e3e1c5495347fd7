//! End-to-end tests of the realtime gateway (issue 4) with an independent client: the
//! reference web client's own library, socket.io-client 3.1.3, run by node
//! (`client/driver.js`, driven through [`node::Driver`]), against the real server on port 0;
//! plus a bare WebSocket client ([`raw`]) for the heartbeat. Changes are made through the REST
//! API with the same HTTP harness as the `api` tests.

#[allow(
    dead_code,
    reason = "shared with the api tests; not every helper is used here"
)]
#[path = "../api/harness.rs"]
mod harness;

#[allow(
    dead_code,
    reason = "shared with the api tests; not every helper is used here"
)]
#[path = "../api/fixtures.rs"]
mod fixtures;

mod node;
mod raw;

mod backplane;
mod connect;
mod events;
mod fanout;
mod heartbeat;

use harness::{Resp, Session};

/// The access token of a session.
pub fn token(s: &Session) -> &str {
    s.token.as_deref().unwrap_or_default()
}

/// Sends a text message as the web client does: `POST /messages/:ticketId`, multipart, with
/// `body` and `fromMe`.
pub async fn send_text(s: &Session, ticket: i64, text: &str) -> Resp {
    s.multipart(
        "POST",
        &format!("/messages/{ticket}"),
        &[("body", text), ("fromMe", "true")],
        &[],
    )
    .await
}

/// What the web client emits on `connect` (client-contract.md §16.2): the notification room,
/// "I am working", the open tab and, when a chat is open, its ticket (as a string). Each join
/// is sent with an ack callback and must be accepted.
pub async fn client_joins(d: &mut node::Driver, id: &str, tenant: i64, chat: Option<i64>) {
    let mut joins = vec![
        (format!("{tenant}:joinNotification"), serde_json::json!([])),
        (format!("{tenant}:setUserActive"), serde_json::json!([])),
        (
            format!("tenant:{tenant}:joinTickets"),
            serde_json::json!(["open"]),
        ),
    ];
    if let Some(ticket) = chat {
        joins.push((
            format!("tenant:{tenant}:joinChatBox"),
            serde_json::json!([ticket.to_string()]),
        ));
    }
    for (event, args) in joins {
        let ack = d.emit_ack(id, &event, args).await;
        assert_eq!(ack, serde_json::json!({"ok": true}), "{event} from {id}");
    }
}
