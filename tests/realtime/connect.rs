//! The handshake as the web client makes it (client-contract.md §16.1, §16.2): a token in the
//! `auth` callback, the joins it emits on `connect`, presence; and every way to be refused.

use std::time::Duration;

use serde_json::{Value, json};
use tiktickets_domain::ids::UserId;
use tiktickets_http_api::auth::TokenKeys;

use crate::fixtures::system_cx;
use crate::harness::{JWT_SECRET, REFRESH_SECRET, TestServer};
use crate::node::Driver;
use crate::{client_joins, token};

fn user_ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .map(|l| l.iter().filter_map(|u| u["id"].as_i64()).collect())
        .unwrap_or_default()
}

#[actix_web::test]
async fn a_client_with_a_token_connects_joins_and_sees_presence() {
    for server in TestServer::all().await {
        let Some(mut d) = Driver::start().await else {
            return;
        };
        let admin = server.admin().await;
        let t = admin.tenant_id;
        let inbound = server
            .inbound(&admin, "5511987654321", "Maria Cliente", "Olá")
            .await;

        d.connected("a", &server.base, token(&admin)).await;
        client_joins(&mut d, "a", t, Some(inbound.ticket_id)).await;

        // setUserActive puts the agent in the online list of every socket of the tenant.
        let bubbles = d
            .event_where("a", &format!("{t}:chat:updateOnlineBubbles"), |p| {
                user_ids(&p["sortedUserList"]).contains(&admin.user_id)
            })
            .await;
        assert!(bubbles["sortedIdleList"].is_array(), "{bubbles}");
        let me = bubbles["sortedUserList"]
            .as_array()
            .and_then(|l| l.iter().find(|u| u["id"] == admin.user_id))
            .cloned()
            .unwrap_or_default();
        assert!(
            me["name"].as_str().is_some_and(|n| !n.is_empty()),
            "{bubbles}"
        );

        // The same connect can emit the joins two or three times (§16.5): still accepted; the
        // reference's spellings too; setUserIdle moves the agent to the idle list.
        for (event, args) in [
            (format!("{t}:joinNotification"), json!([])),
            (format!("{t}:joinTickets"), json!(["pending"])),
            (format!("{t}:joinChatBox"), json!([inbound.ticket_id])),
        ] {
            assert_eq!(
                d.emit_ack("a", &event, args).await,
                json!({"ok": true}),
                "{event}"
            );
        }
        assert_eq!(
            d.emit_ack("a", &format!("{t}:setUserIdle"), json!([]))
                .await,
            json!({"ok": true})
        );
        d.event_where("a", &format!("{t}:chat:updateOnlineBubbles"), |p| {
            user_ids(&p["sortedIdleList"]).contains(&admin.user_id)
                && !user_ids(&p["sortedUserList"]).contains(&admin.user_id)
        })
        .await;

        // Nonsense joins are answered, not obeyed.
        for (event, args) in [
            (format!("tenant:{t}:joinTickets"), json!(["everything"])),
            (format!("tenant:{t}:joinChatBox"), json!(["not-a-number"])),
            (format!("{t}:noSuchThing"), json!([])),
            ("joinNotification".to_owned(), json!([])),
        ] {
            assert_eq!(
                d.emit_ack("a", &event, args).await,
                json!({"ok": false}),
                "{event}"
            );
        }

        // A client disconnect is reported as the client library names it.
        d.disconnect("a").await;
        let gone = d
            .expect("disconnect of a", |v| {
                v["ev"] == "disconnect" && v["id"] == "a"
            })
            .await;
        assert_eq!(gone["reason"], "io client disconnect");
    }
}

#[actix_web::test]
async fn joins_naming_another_tenant_are_refused() {
    let server = TestServer::start(tiktickets_test_support::TestDb::sqlite()).await;
    let Some(mut d) = Driver::start().await else {
        return;
    };
    let admin = server.admin().await;
    let beta = server.new_tenant("Beta").await;
    let (t, tb) = (admin.tenant_id, beta.tenant_id);
    let theirs = server
        .inbound(&beta, "5511911112222", "Cliente B", "Oi")
        .await;

    d.connected("a", &server.base, token(&admin)).await;
    for (event, args) in [
        (format!("{tb}:joinNotification"), json!([])),
        (format!("{tb}:setUserActive"), json!([])),
        (format!("{tb}:setUserIdle"), json!([])),
        (format!("tenant:{tb}:joinTickets"), json!(["open"])),
        (format!("{tb}:joinTickets"), json!(["open"])),
        (
            format!("tenant:{tb}:joinChatBox"),
            json!([theirs.ticket_id.to_string()]),
        ),
        (format!("{tb}:joinChatBox"), json!([theirs.ticket_id])),
        // Tenant ids are compared as numbers, not as text prefixes.
        (format!("{t}{t}:joinNotification"), json!([])),
    ] {
        assert_eq!(
            d.emit_ack("a", &event, args).await,
            json!({"ok": false}),
            "{event} must be refused to a client of tenant {t}"
        );
    }
    // The refused emits changed nothing for tenant B: its own presence list holds only its
    // own user, and B's client saw nothing else.
    d.connected("b", &server.base, token(&beta)).await;
    assert_eq!(
        d.emit_ack("b", &format!("{tb}:setUserActive"), json!([]))
            .await,
        json!({"ok": true})
    );
    let bubbles = d
        .event_where("b", &format!("{tb}:chat:updateOnlineBubbles"), |_| true)
        .await;
    assert_eq!(user_ids(&bubbles["sortedUserList"]), vec![beta.user_id]);
    assert_eq!(user_ids(&bubbles["sortedIdleList"]), Vec::<i64>::new());
    d.settle(Duration::from_millis(500)).await;
    let seen = d.events_of("b");
    assert_eq!(seen.len(), 1, "tenant B received {seen:?}");
    let at_a = d.events_of("a");
    assert!(at_a.is_empty(), "tenant A received {at_a:?}");
}

#[actix_web::test]
async fn bad_expired_forged_and_missing_tokens_are_refused() {
    for server in TestServer::all().await {
        let Some(mut d) = Driver::start().await else {
            return;
        };
        let admin = server.admin().await;
        let base = server.base.clone();

        // The expired one: signed with the server's own secret, valid for no time at all.
        let user = server
            .prepared
            .state
            .stores
            .users
            .get(
                &system_cx(&admin),
                UserId::new(i32::try_from(admin.user_id).unwrap_or_default()),
            )
            .await
            .unwrap_or_else(|e| panic!("admin user: {e}"));
        let keys = TokenKeys::new(
            JWT_SECRET,
            REFRESH_SECRET,
            Duration::ZERO,
            Duration::from_secs(60),
        );
        let expired = keys
            .issue_access(&user)
            .unwrap_or_else(|e| panic!("sign: {e}"));
        // Signed with another secret (the one the api tests use).
        let forged = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MSwidGVuYW50SWQiOjEsInByb2ZpbGUiOiJhZG1pbiIsInVzZXJuYW1lIjoieCIsInRva2VuVmVyc2lvbiI6MCwiaWF0IjoxLCJleHAiOjk5OTk5OTk5OTksInR5cCI6ImFjY2VzcyJ9.c2lnbmF0dXJl";
        let login = server
            .anon()
            .post(
                "/auth/login",
                &json!({"email": crate::harness::ADMIN_EMAIL, "password": crate::harness::ADMIN_PASSWORD}),
            )
            .await;
        let refresh = login.ok()["refreshToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        // A user who logged out: the API refuses the old token, so must the socket.
        let agent = server.agent(&admin).await;
        agent
            .post(
                "/auth/logout",
                &json!({"userId": agent.user_id.to_string()}),
            )
            .await
            .ok();
        agent.get("/queue").await.err(401, "ERR_SESSION_EXPIRED");
        tokio::time::sleep(Duration::from_millis(1_100)).await;

        for (id, tok, code) in [
            ("none", None, Some("ERR_TOKEN_NOT_PROVIDED")),
            ("empty", Some(""), Some("ERR_TOKEN_NOT_PROVIDED")),
            ("garbage", Some("not-a-jwt"), Some("ERR_INVALID_TOKEN")),
            ("forged", Some(forged), Some("ERR_INVALID_TOKEN")),
            (
                "expired",
                Some(expired.as_str()),
                Some("ERR_SESSION_EXPIRED"),
            ),
            ("refresh", Some(refresh.as_str()), None),
            (
                "logged-out",
                Some(token(&agent)),
                Some("ERR_SESSION_EXPIRED"),
            ),
        ] {
            let line = d.connect(id, &base, tok).await;
            assert_eq!(
                line["ev"], "connect_error",
                "{id} token on {}: {line}",
                server.backend
            );
            let message = line["message"].as_str().unwrap_or_default();
            assert!(message.starts_with("ERR_"), "{id}: {line}");
            if let Some(code) = code {
                assert_eq!(message, code, "{id}: {line}");
            }
        }
        // A refused client never joins a room: a change of the tenant reaches none of them.
        d.connected("ok", &base, token(&admin)).await;
        let inbound = server
            .inbound(&admin, "5511987650000", "Cliente", "Oi")
            .await;
        crate::send_text(&admin, inbound.ticket_id, "só para os conectados")
            .await
            .ok();
        d.event_where("ok", &format!("{}:ticketList", admin.tenant_id), |p| {
            p["payload"]["body"] == "só para os conectados"
        })
        .await;
        d.settle(Duration::from_millis(300)).await;
        let leaked: Vec<&Value> = d
            .history()
            .iter()
            .filter(|v| v["ev"] == "event" && v["id"] != "ok")
            .collect();
        assert!(leaked.is_empty(), "refused clients received {leaked:?}");
    }
}

#[actix_web::test]
async fn long_polling_clients_and_upgrading_clients_work_too() {
    let server = TestServer::start(tiktickets_test_support::TestDb::sqlite()).await;
    let Some(mut d) = Driver::start().await else {
        return;
    };
    let admin = server.admin().await;
    let t = admin.tenant_id;
    let inbound = server
        .inbound(&admin, "5511987654321", "Maria Cliente", "Olá")
        .await;
    // Long-polling only (the client's fallback), and polling first then the upgrade to a
    // WebSocket (socket.io-client's default order).
    for (id, transports) in [
        ("polling", &["polling"][..]),
        ("upgrade", &["polling", "websocket"][..]),
    ] {
        let line = d
            .connect_with(id, &server.base, Some(token(&admin)), transports)
            .await;
        assert_eq!(line["ev"], "connect", "{id}: {line}");
        client_joins(&mut d, id, t, Some(inbound.ticket_id)).await;
    }
    let upgraded = d
        .expect("the upgrade to a WebSocket", |v| {
            v["ev"] == "upgrade" && v["id"] == "upgrade"
        })
        .await;
    assert_eq!(upgraded["transport"], "websocket");
    let refused = d
        .connect_with("polling-bad", &server.base, Some("not-a-jwt"), &["polling"])
        .await;
    assert_eq!(refused["ev"], "connect_error", "{refused}");
    assert_eq!(refused["message"], "ERR_INVALID_TOKEN", "{refused}");

    let text = format!("por polling {}", uuid::Uuid::new_v4().simple());
    crate::send_text(&admin, inbound.ticket_id, &text)
        .await
        .ok();
    for id in ["polling", "upgrade"] {
        d.event_where(id, &format!("{t}:ticketList"), |p| {
            p["type"] == "chat:create" && p["payload"]["body"] == text.as_str()
        })
        .await;
    }
    d.settle(Duration::from_millis(500)).await;
    for id in ["polling", "upgrade"] {
        let copies = d
            .events_of(id)
            .iter()
            .filter(|(_, p)| p["payload"]["body"] == text.as_str())
            .count();
        assert_eq!(copies, 1, "{id} received the message {copies} times");
        assert!(
            !d.history()
                .iter()
                .any(|v| v["ev"] == "disconnect" && v["id"] == id),
            "{id} was disconnected"
        );
    }
}
