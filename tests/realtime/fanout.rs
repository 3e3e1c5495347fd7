//! Fan-out: 1,000 concurrent clients of one tenant on one server, one REST change, and every
//! client receives the event exactly once. The driver measures each client's latency from
//! just before the request; the figures are printed, not asserted.

use std::time::Duration;

use serde_json::json;
use tiktickets_test_support::TestDb;

use crate::harness::TestServer;
use crate::node::Driver;
use crate::{send_text, token};

const CLIENTS: u64 = 1_000;

#[actix_web::test]
async fn one_change_reaches_a_thousand_clients_exactly_once() {
    let server = TestServer::start(TestDb::sqlite()).await;
    let Some(mut d) = Driver::start().await else {
        return;
    };
    let admin = server.admin().await;
    let t = admin.tenant_id;
    let inbound = server
        .inbound(&admin, "5511987654321", "Maria Cliente", "Olá")
        .await;
    let event = format!("{t}:ticketList");

    d.send(json!({
        "cmd": "many",
        "id": "m",
        "count": CLIENTS,
        "url": server.base,
        "token": token(&admin),
        "event": event,
        "transports": ["websocket", "polling"],
    }))
    .await;
    let up = d
        .expect_within("all clients connected", Duration::from_secs(120), |v| {
            v["ev"] == "many_connected" && v["id"] == "m"
        })
        .await;
    assert_eq!(up["connected"], CLIENTS, "{up}");
    assert_eq!(
        server.prepared.gateway.local_sockets(),
        usize::try_from(CLIENTS).unwrap_or_default()
    );

    d.send(json!({"cmd": "mark", "id": "m"})).await;
    d.expect("marked", |v| v["ev"] == "marked").await;
    send_text(&admin, inbound.ticket_id, "para todos")
        .await
        .ok();
    let all = d
        .expect_within("the event at every client", Duration::from_secs(60), |v| {
            v["ev"] == "report"
        })
        .await;
    assert_eq!(all["received"], CLIENTS, "{all}");

    // Wait for stragglers and duplicates, then count again.
    d.settle(Duration::from_secs(1)).await;
    d.send(json!({"cmd": "report", "id": "m"})).await;
    let last = d.expect("the final counts", |v| v["ev"] == "report").await;
    assert_eq!(last["sockets"], CLIENTS, "{last}");
    assert_eq!(last["received"], CLIENTS, "{last}");
    assert_eq!(last["total"], CLIENTS, "exactly once each: {last}");
    assert_eq!(last["maxPerSocket"], 1, "{last}");
    println!(
        "{CLIENTS} clients connected in {} ms; one chat:create reached all of them: \
         p50 {} ms, p99 {} ms, max {} ms after the request was sent",
        up["ms"], last["p50Ms"], last["p99Ms"], last["maxMs"]
    );
    d.disconnect("m").await;
}
