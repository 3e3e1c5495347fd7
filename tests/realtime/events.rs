//! Changes made through the REST API arrive at the web client as the events of
//! client-contract.md §16.3, with the payloads it reads, and only at its own tenant's clients.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::TestServer;
use crate::node::Driver;
use crate::{client_joins, send_text, token};

#[actix_web::test]
async fn rest_changes_arrive_as_events_and_only_in_their_tenant() {
    for server in TestServer::all().await {
        let Some(mut d) = Driver::start().await else {
            return;
        };
        let admin = server.admin().await;
        let beta = server.new_tenant("Beta").await;
        let (t, tb) = (admin.tenant_id, beta.tenant_id);
        let inbound = server
            .inbound(&admin, "5511987654321", "Maria Cliente", "Olá")
            .await;
        let ticket = inbound.ticket_id;

        // Both tenants' web clients are connected and did their joins at the same time.
        d.connected("a", &server.base, token(&admin)).await;
        d.connected("b", &server.base, token(&beta)).await;
        client_joins(&mut d, "b", tb, None).await;
        client_joins(&mut d, "a", t, Some(ticket)).await;
        d.event_where("b", &format!("{tb}:chat:updateOnlineBubbles"), |_| true)
            .await;
        d.event_where("a", &format!("{t}:chat:updateOnlineBubbles"), |_| true)
            .await;
        let quiet_from = d.history().len();
        let list = format!("{t}:ticketList");

        // 1. A message sent through the API: chat:create with the message and its ticket.
        let text = format!(
            "Claro! Como posso ajudar? {}",
            uuid::Uuid::new_v4().simple()
        );
        send_text(&admin, ticket, &text).await.ok();
        let created = d
            .event_where("a", &list, |p| {
                p["type"] == "chat:create" && p["payload"]["body"] == text.as_str()
            })
            .await;
        let m = &created["payload"];
        assert!(m["id"].as_str().is_some_and(|s| !s.is_empty()), "{m}");
        assert_eq!(m["ticketId"], ticket, "{m}");
        assert_eq!(m["fromMe"], true, "{m}");
        assert_eq!(m["ack"], 0, "{m}");
        assert_eq!(m["ticket"]["id"], ticket, "{m}");
        assert_eq!(m["ticket"]["status"], "pending", "{m}");
        assert_eq!(m["ticket"]["isGroup"], false, "{m}");
        assert!(
            m["ticket"]
                .as_object()
                .is_some_and(|o| o.contains_key("userId")),
            "{m}"
        );
        assert_eq!(m["ticket"]["contact"]["name"], "Maria Cliente", "{m}");
        assert_eq!(m["ticket"]["contact"]["id"], inbound.contact_id, "{m}");

        // 2. Accepting the ticket: ticket:update, assigned to the caller.
        admin
            .put(&format!("/tickets/{ticket}"), &json!({"status": "open"}))
            .await
            .ok();
        let updated = d
            .event_where("a", &list, |p| {
                p["type"] == "ticket:update"
                    && p["payload"]["id"] == ticket
                    && p["payload"]["status"] == "open"
            })
            .await;
        assert_eq!(updated["payload"]["userId"], admin.user_id, "{updated}");
        assert_eq!(updated["payload"]["isGroup"], false, "{updated}");
        // The client merges it as a full ticket: the contact must come with it.
        assert_eq!(
            updated["payload"]["contact"]["name"], "Maria Cliente",
            "{updated}"
        );

        // 3. A contact edit: {t}:contactList with the contact.
        admin
            .put(
                &format!("/contacts/{}", inbound.contact_id),
                &json!({"name": "Maria Atualizada"}),
            )
            .await
            .ok();
        d.event_where("a", &format!("{t}:contactList"), |p| {
            p["payload"]["id"] == inbound.contact_id && p["payload"]["name"] == "Maria Atualizada"
        })
        .await;

        // 4. A new channel: {t}:whatsapp {action: "update", whatsapp}.
        let channel = admin
            .post("/whatsapp", &json!({"name": "Linha 2", "type": "whatsapp"}))
            .await
            .ok()
            .clone();
        let announced = d
            .event_where("a", &format!("{t}:whatsapp"), |p| {
                p["action"] == "update" && p["whatsapp"]["id"] == channel["id"]
            })
            .await;
        assert_eq!(announced["whatsapp"]["name"], "Linha 2", "{announced}");

        // Tenant B's client, connected all along, received none of it; nothing arrives twice.
        d.settle(Duration::from_secs(1)).await;
        let after: Vec<&Value> = d.history()[quiet_from..]
            .iter()
            .filter(|v| v["ev"] == "event")
            .collect();
        let at_b: Vec<&&Value> = after.iter().filter(|v| v["id"] == "b").collect();
        assert!(
            at_b.is_empty(),
            "a client of tenant {tb} received tenant {t}'s events: {at_b:?}"
        );
        for (event, _) in d.events_of("a") {
            assert!(
                event.starts_with(&format!("{t}:")),
                "tenant {t} received {event}"
            );
        }
        for (event, _) in d.events_of("b") {
            assert!(
                event.starts_with(&format!("{tb}:")),
                "tenant {tb} received {event}"
            );
        }
        let copies = after
            .iter()
            .filter(|v| {
                v["event"] == list.as_str()
                    && v["args"][0]["type"] == "chat:create"
                    && v["args"][0]["payload"]["body"] == text.as_str()
            })
            .count();
        assert_eq!(
            copies, 1,
            "one message, one chat:create (the socket is in several rooms)"
        );
    }
}
