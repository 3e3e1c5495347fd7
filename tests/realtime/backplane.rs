//! Two API instances sharing one database and one Redis: a change made through either reaches
//! the clients connected to the other, once, and only in its tenant; presence is shared.

use std::time::Duration;

use serde_json::{Value, json};
use tiktickets_domain::ids::UserId;
use tiktickets_test_support::{TestDb, missing_service};
use tokio::sync::{Mutex, MutexGuard};

use crate::fixtures::system_cx;
use crate::harness::{Session, TestServer};
use crate::node::Driver;
use crate::{send_text, token};

/// The Redis channel and presence hashes have fixed names (no setting changes them), so two
/// tests running at once would see each other's tenant-1 traffic: one at a time.
static REDIS: Mutex<()> = Mutex::const_new(());

/// Two instances on one database (PostgreSQL when configured, what several instances share in
/// production; else one SQLite file opened by both) and one Redis, and the driver.
struct TwoInstances {
    one: TestServer,
    two: TestServer,
    d: Driver,
    _turn: MutexGuard<'static, ()>,
}

/// `None` when Redis or node is missing.
async fn two_instances() -> Option<TwoInstances> {
    let Ok(redis) = std::env::var("TEST_REDIS_URL") else {
        missing_service("TEST_REDIS_URL is not set (no Redis for the two-instance tests)");
        return None;
    };
    let db = if std::env::var("TEST_DATABASE_URL").is_ok() {
        TestDb::postgres().await?
    } else {
        TestDb::sqlite()
    };
    let d = Driver::start().await?;
    let turn = REDIS.lock().await;
    let url = db.url().to_owned();
    let shared = [("redis.url", redis.as_str())];
    let one = TestServer::start_with(db, &shared).await;
    let two = TestServer::start_on(&url, &shared).await;
    println!("two instances on {} and Redis", one.backend);
    Some(TwoInstances {
        one,
        two,
        d,
        _turn: turn,
    })
}

/// The user's name, as presence lists show it.
async fn name_of(server: &TestServer, s: &Session) -> String {
    server
        .prepared
        .state
        .stores
        .users
        .get(
            &system_cx(s),
            UserId::new(i32::try_from(s.user_id).unwrap_or_default()),
        )
        .await
        .unwrap_or_else(|e| panic!("user {}: {e}", s.user_id))
        .name
}

/// True when the bubbles list `(id, name)` as online. Names are unique per test (presence
/// entries of earlier runs on the same Redis may linger for a TTL with the same ids).
fn online(bubbles: &Value, (id, name): (i64, &str)) -> bool {
    bubbles["sortedUserList"]
        .as_array()
        .is_some_and(|l| l.iter().any(|u| u["id"] == id && u["name"] == name))
}

#[actix_web::test]
async fn a_change_through_one_instance_reaches_clients_of_the_other() {
    // `_turn` is bound, so the turn is held to the end of the test.
    let Some(TwoInstances {
        one,
        two,
        mut d,
        _turn,
    }) = two_instances().await
    else {
        return;
    };
    let admin = one.admin().await;
    let beta = one.new_tenant("Beta").await;
    let (t, tb) = (admin.tenant_id, beta.tenant_id);
    let inbound = one
        .inbound(&admin, "5511987654321", "Maria Cliente", "Olá")
        .await;
    let first_agent = one.agent(&admin).await;
    let second_agent = one.agent(&admin).await;
    let a1 = (first_agent.user_id, name_of(&one, &first_agent).await);
    let a2 = (second_agent.user_id, name_of(&one, &second_agent).await);
    let list = format!("{t}:ticketList");

    // A token issued by one instance is accepted by the other (same secrets, same users).
    d.connected("on1", &one.base, token(&first_agent)).await;
    d.connected("on2", &two.base, token(&second_agent)).await;
    d.connected("beta-on2", &two.base, token(&beta)).await;
    assert_eq!(one.prepared.gateway.local_sockets(), 1);
    assert_eq!(two.prepared.gateway.local_sockets(), 2);

    // Presence is shared: who is working on one instance shows in the bubbles of the other.
    let bubbles = format!("{t}:chat:updateOnlineBubbles");
    assert_eq!(
        d.emit_ack("on2", &format!("{t}:setUserActive"), json!([]))
            .await,
        json!({"ok": true})
    );
    d.event_where("on1", &bubbles, |p| online(p, (a2.0, &a2.1)))
        .await;
    assert_eq!(
        d.emit_ack("on1", &format!("{t}:setUserActive"), json!([]))
            .await,
        json!({"ok": true})
    );
    d.event_where("on2", &bubbles, |p| {
        online(p, (a1.0, &a1.1)) && online(p, (a2.0, &a2.1))
    })
    .await;

    // Through instance 1: the client on instance 2 gets chat:create (and so does the one on 1).
    let first = format!("pela instância 1 {}", uuid::Uuid::new_v4().simple());
    send_text(&admin, inbound.ticket_id, &first).await.ok();
    let seen = d
        .event_where("on2", &list, |p| {
            p["type"] == "chat:create" && p["payload"]["body"] == first.as_str()
        })
        .await;
    assert_eq!(seen["payload"]["ticket"]["id"], inbound.ticket_id, "{seen}");
    assert_eq!(
        seen["payload"]["ticket"]["contact"]["name"], "Maria Cliente",
        "{seen}"
    );
    d.event_where("on1", &list, |p| p["payload"]["body"] == first.as_str())
        .await;

    // Through instance 2 (same user, another instance's API): the client on 1 gets it.
    let on_two = Session {
        base: two.base.clone(),
        ..admin.clone()
    };
    let second = format!("pela instância 2 {}", uuid::Uuid::new_v4().simple());
    send_text(&on_two, inbound.ticket_id, &second).await.ok();
    d.event_where("on1", &list, |p| p["payload"]["body"] == second.as_str())
        .await;
    d.event_where("on2", &list, |p| p["payload"]["body"] == second.as_str())
        .await;

    // Once each, and nothing for the other tenant's client.
    d.settle(Duration::from_secs(1)).await;
    for id in ["on1", "on2"] {
        for body in [&first, &second] {
            let copies = d
                .events_of(id)
                .iter()
                .filter(|(e, p)| *e == list && p["payload"]["body"] == body.as_str())
                .count();
            assert_eq!(copies, 1, "{id} received {body:?} {copies} times");
        }
    }
    let at_beta: Vec<(String, Value)> = d.events_of("beta-on2");
    assert!(
        at_beta
            .iter()
            .all(|(e, _)| e.starts_with(&format!("{tb}:"))),
        "tenant {tb} received {at_beta:?}"
    );
}

#[actix_web::test]
async fn a_user_connected_to_both_instances_stays_online_until_the_last_socket_closes() {
    // `_turn` is bound, so the turn is held to the end of the test.
    let Some(TwoInstances {
        one,
        two,
        mut d,
        _turn,
    }) = two_instances().await
    else {
        return;
    };
    let admin = one.admin().await;
    let agent = one.agent(&admin).await;
    let me = (agent.user_id, name_of(&one, &agent).await);
    let me = (me.0, me.1.as_str());
    let t = admin.tenant_id;
    let bubbles = format!("{t}:chat:updateOnlineBubbles");

    // The admin watches from instance 2; the agent has a tab on each instance.
    d.connected("watcher", &two.base, token(&admin)).await;
    d.connected("tab1", &one.base, token(&agent)).await;
    d.connected("tab2", &two.base, token(&agent)).await;
    for tab in ["tab1", "tab2"] {
        assert_eq!(
            d.emit_ack(tab, &format!("{t}:setUserActive"), json!([]))
                .await,
            json!({"ok": true})
        );
    }
    d.event_where("watcher", &bubbles, |p| online(p, me)).await;

    // Closing the tab on instance 1 leaves the agent connected (on instance 2): still online.
    d.disconnect("tab1").await;
    d.settle(Duration::from_millis(1_500)).await;
    let last = d
        .events_of("watcher")
        .into_iter()
        .filter(|(e, _)| *e == bubbles)
        .map(|(_, p)| p)
        .next_back()
        .unwrap_or_default();
    assert!(
        online(&last, me),
        "agent {me:?} still has a socket on instance 2, but after its socket on instance 1 \
         closed the bubbles say offline: {last}"
    );

    // Closing the last one: offline.
    d.disconnect("tab2").await;
    d.event_where("watcher", &bubbles, |p| !online(p, me)).await;
}
