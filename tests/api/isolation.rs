//! The tenant isolation matrix over HTTP (architecture.md "Tenancy"): tenant A's admin calls
//! every route that takes an id with tenant B's ids and gets 404; B's data reads back
//! unchanged; A's lists never show B's rows; references to B's rows inside A's bodies are
//! refused.

use serde_json::{Value, json};

use crate::harness::{Session, TestServer};

/// Ids of the rows tenant B owns.
struct Owned {
    ticket: i64,
    contact: i64,
    message: String,
    queue: i64,
    tag: i64,
    user: i64,
    channel: i64,
    fast_reply: i64,
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_default()
}

async fn populate(server: &TestServer, b: &Session) -> Owned {
    let inbound = server
        .inbound(b, "5521988887777", "Segredo Beta", "mensagem beta")
        .await;
    let queue = b
        .post(
            "/queue",
            &json!({"queue": "BetaOnlyQueue", "isActive": true}),
        )
        .await;
    let tag = b
        .post(
            "/tags",
            &json!({"tag": "BetaOnlyTag", "color": "#112233", "isActive": true, "autoTag": ""}),
        )
        .await;
    let user = server.agent(b).await;
    let fast = b
        .post(
            "/fastreply",
            &json!({"key": "betaonly", "message": "BetaOnly reply"}),
        )
        .await;
    let fast_id = if fast.status < 300 {
        id(&fast.body)
    } else {
        let m = b
            .multipart(
                "POST",
                "/fastreply",
                &[("key", "betaonly"), ("message", "BetaOnly reply")],
                &[],
            )
            .await;
        id(m.ok())
    };
    Owned {
        ticket: inbound.ticket_id,
        contact: inbound.contact_id,
        message: inbound.message_id,
        queue: id(queue.ok()),
        tag: id(tag.ok()),
        user: user.user_id,
        channel: i64::from(server.channel_of(b).await),
        fast_reply: fast_id,
    }
}

#[actix_web::test]
async fn another_tenants_ids_are_not_found_and_stay_unchanged() {
    for server in TestServer::all().await {
        let a = server.admin().await;
        let b = server.new_tenant("Beta").await;
        let o = populate(&server, &b).await;
        let own = server.inbound(&a, "5511911112222", "Cliente A", "oi").await;

        let calls: Vec<(&str, String, Value)> = vec![
            ("GET", format!("/tickets/{}", o.ticket), Value::Null),
            (
                "PUT",
                format!("/tickets/{}", o.ticket),
                json!({"status": "closed"}),
            ),
            ("DELETE", format!("/tickets/{}", o.ticket), Value::Null),
            ("GET", format!("/tickets/{}/logs", o.ticket), Value::Null),
            ("POST", format!("/tickets/{}/sync", o.ticket), json!({})),
            ("GET", format!("/messages/{}", o.ticket), Value::Null),
            (
                "POST",
                format!("/messages/{}", o.ticket),
                json!({"body": "intrusion"}),
            ),
            (
                "DELETE",
                "/messages/null".to_owned(),
                json!({"id": o.message}),
            ),
            (
                "GET",
                format!("/protocols/ticket/{}", o.ticket),
                Value::Null,
            ),
            (
                "POST",
                "/protocols".to_owned(),
                json!({"ticketId": o.ticket}),
            ),
            (
                "POST",
                "/tickets".to_owned(),
                json!({"contactId": o.contact, "status": "open"}),
            ),
            (
                "POST",
                "/forward-messages".to_owned(),
                json!({"messages": [{"id": o.message}], "contact": {"id": own.contact_id}}),
            ),
            (
                "POST",
                "/forward-messages".to_owned(),
                json!({"messages": [{"id": own.message_id}], "contact": {"id": o.contact}}),
            ),
            ("GET", format!("/contacts/{}", o.contact), Value::Null),
            (
                "PUT",
                format!("/contacts/{}", o.contact),
                json!({"name": "Hacked", "number": "5521988887777"}),
            ),
            ("DELETE", format!("/contacts/{}", o.contact), Value::Null),
            (
                "PUT",
                format!("/contact-tags/{}", o.contact),
                json!({"tags": []}),
            ),
            (
                "PUT",
                format!("/contact-wallet/{}", o.contact),
                json!({"wallets": []}),
            ),
            (
                "PUT",
                format!("/queue/{}", o.queue),
                json!({"queue": "Hacked", "isActive": false}),
            ),
            ("DELETE", format!("/queue/{}", o.queue), Value::Null),
            (
                "PUT",
                format!("/tags/{}", o.tag),
                json!({"tag": "Hacked", "color": "#000000", "isActive": false, "autoTag": ""}),
            ),
            ("DELETE", format!("/tags/{}", o.tag), Value::Null),
            ("GET", format!("/users/{}", o.user), Value::Null),
            (
                "PUT",
                format!("/users/{}", o.user),
                json!({"name": "Hacked", "profile": "admin"}),
            ),
            (
                "PUT",
                format!("/users/{}/configs", o.user),
                json!({"isDark": true}),
            ),
            ("DELETE", format!("/users/{}", o.user), Value::Null),
            ("GET", format!("/whatsapp/{}", o.channel), Value::Null),
            (
                "PUT",
                format!("/whatsapp/{}", o.channel),
                json!({"name": "Hacked", "type": "whatsapp"}),
            ),
            ("DELETE", format!("/whatsapp/{}", o.channel), Value::Null),
            ("POST", format!("/whatsappsession/{}", o.channel), json!({})),
            (
                "PUT",
                format!("/whatsappsession/{}", o.channel),
                json!({"isQrcode": true}),
            ),
            (
                "DELETE",
                format!("/whatsappsession/{}", o.channel),
                Value::Null,
            ),
            (
                "PUT",
                format!("/fastreply/{}", o.fast_reply),
                json!({"key": "hacked", "message": "x"}),
            ),
            (
                "DELETE",
                format!("/fastreply/{}", o.fast_reply),
                Value::Null,
            ),
            (
                "POST",
                "/fastreply/delete-images".to_owned(),
                json!({"fastReplyId": o.fast_reply}),
            ),
            // References to B's rows inside A's own changes.
            (
                "PUT",
                format!("/tickets/{}", own.ticket_id),
                json!({"userId": o.user}),
            ),
            (
                "PUT",
                format!("/tickets/{}", own.ticket_id),
                json!({"queueId": o.queue}),
            ),
            (
                "PUT",
                format!("/users/{}", a.user_id),
                json!({"queues": [o.queue]}),
            ),
            (
                "PUT",
                format!("/contact-tags/{}", own.contact_id),
                json!({"tags": [o.tag]}),
            ),
            (
                "PUT",
                format!("/contact-wallet/{}", own.contact_id),
                json!({"wallets": [o.user]}),
            ),
            (
                "POST",
                "/contacts".to_owned(),
                json!({"name": "Novo", "number": "5511933334444", "wallets": [o.user]}),
            ),
        ];
        for (method, path, body) in &calls {
            let r = match *method {
                "GET" => a.get(path).await,
                "DELETE" if body.is_null() => a.delete(path).await,
                "DELETE" => a.delete_json(path, body).await,
                "POST" => a.post(path, body).await,
                _ => a.put(path, body).await,
            };
            assert_eq!(
                r.status, 404,
                "{method} {path} as another tenant must be 404 ({}): {}",
                server.backend, r.text
            );
            r.client_error();
        }

        // Tenant B's data is intact.
        let ticket = b.get(&format!("/tickets/{}", o.ticket)).await;
        assert_eq!(ticket.ok()["status"], "pending");
        assert!(ticket.body["queueId"].is_null());
        let msgs = b.get(&format!("/messages/{}", o.ticket)).await;
        assert_eq!(msgs.ok()["messages"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            b.get(&format!("/contacts/{}", o.contact)).await.ok()["name"],
            "Segredo Beta"
        );
        let queues = b.get("/queue").await;
        assert!(queues.text.contains("BetaOnlyQueue"));
        let tags = b.get("/tags").await;
        assert!(tags.text.contains("BetaOnlyTag"));
        let user = b.get(&format!("/users/{}", o.user)).await;
        assert_eq!(user.ok()["profile"], "user");
        assert_eq!(b.get(&format!("/whatsapp/{}", o.channel)).await.status, 200);
        assert!(b.get("/fastreply").await.text.contains("BetaOnly reply"));
        // A's own rows were not touched by the refused references.
        let own_ticket = a.get(&format!("/tickets/{}", own.ticket_id)).await;
        assert!(own_ticket.ok()["userId"].is_null());
        assert!(own_ticket.body["queueId"].is_null());
    }
}

#[actix_web::test]
async fn lists_and_settings_never_cross_tenants() {
    for server in TestServer::all().await {
        let a = server.admin().await;
        let b = server.new_tenant("Beta").await;
        populate(&server, &b).await;
        let a_agent = server.agent(&a).await;
        for path in [
            "/tickets?status[]=open&status[]=pending&status[]=closed&showAll=true",
            "/contacts",
            "/queue",
            "/tags",
            "/users",
            "/whatsapp",
            "/fastreply",
            "/settings",
            "/dash-tickets-queues?showAll=true",
            "/contacts-report",
        ] {
            for who in [&a, &a_agent] {
                let r = who.get(path).await;
                r.ok();
                for secret in ["BetaOnly", "Segredo Beta", "5521988887777"] {
                    assert!(
                        !r.text.contains(secret),
                        "{path} leaks {secret}: {}",
                        r.text
                    );
                }
            }
        }
        // Settings and business hours are per tenant.
        a.put(
            "/settings/daysToClose",
            &json!({"key": "daysToClose", "value": "3"}),
        )
        .await
        .ok();
        let b_settings = b.get("/settings").await;
        let b_days = b_settings
            .ok()
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["key"] == "daysToClose").cloned());
        assert_ne!(b_days.map(|r| r["value"].clone()), Some(json!("3")));
        a.put(
            "/tenants/message-business-hours",
            &json!({"messageBusinessHours": "A fechado"}),
        )
        .await
        .ok();
        let b_hours = b.get("/tenants/business-hours").await;
        assert_ne!(b_hours.ok()["messageBusinessHours"], "A fechado");
    }
}
