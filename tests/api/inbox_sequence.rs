//! The minimal working inbox of client-contract.md §18, call by call, as the web client makes
//! them (the realtime push of row 10 belongs to the realtime gateway).

use serde_json::json;

use crate::harness::{FilePart, TestServer};

#[actix_web::test]
async fn the_minimal_inbox_sequence_works_end_to_end() {
    for server in TestServer::all().await {
        // 1. Login.
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;

        // A customer writes in (what the WhatsApp session will do).
        let inbound = server
            .inbound(
                &admin,
                "5511987654321",
                "Maria Cliente",
                "Olá, preciso de ajuda",
            )
            .await;

        // 3. Dashboard: queues and the six statistics calls must answer, never 401/403.
        let dates = "startDate=2026-01-01&endDate=2026-12-31&isGroup=false";
        assert!(agent.get("/queue").await.ok().is_array());
        for path in [
            "/statistics-tickets-times",
            "/statistics-tickets-queue",
            "/statistics-tickets-channels",
            "/statistics-tickets-evolution-channels",
            "/statistics-tickets-evolution-by-period",
            "/statistics-tickets-per-users-detail",
        ] {
            let r = agent.get(&format!("{path}?{dates}")).await;
            assert!(r.ok().is_array(), "{path}: {}", r.text);
        }

        // 4. Layout: channels, settings, unread and pending counters.
        assert!(agent.get("/whatsapp").await.ok().is_array());
        assert!(agent.get("/settings").await.ok().is_array());
        let unread = agent
            .get("/tickets?status[]=open&withUnreadMessages=true&pageNumber=1")
            .await;
        assert!(unread.ok()["count"].is_u64());
        let pending = agent.get("/tickets?status[]=pending&pageNumber=1").await;
        assert_eq!(pending.ok()["count"], 1);

        // 5. The inbox list, with the exact query of the open tab (and the pending one).
        let t = chrono::Utc::now().timestamp_millis();
        let open_tab = agent
            .get(&format!(
                "/tickets?searchParam=&pageNumber=1&status[]=open&showAll=false&withUnreadMessages=false&isNotAssignedUser=false&includeNotQueueDefined=true&isGroup=false&_t={t}"
            ))
            .await;
        let open_body = open_tab.ok();
        assert_eq!(open_body["count"], 0);
        assert_eq!(open_body["hasMore"], false);
        assert!(open_body["tickets"].as_array().is_some_and(Vec::is_empty));
        let pending_tab = agent
            .get(&format!(
                "/tickets?searchParam=&pageNumber=1&status[]=pending&showAll=false&withUnreadMessages=false&isNotAssignedUser=false&includeNotQueueDefined=true&isGroup=false&_t={t}"
            ))
            .await;
        let row = pending_tab.ok()["tickets"][0].clone();
        assert_eq!(row["id"], inbound.ticket_id);
        assert_eq!(row["status"], "pending");
        assert_eq!(row["isGroup"], false);
        assert_eq!(row["name"], "Maria Cliente");
        assert_eq!(row["unreadMessages"], 1);
        assert_eq!(row["lastMessage"], "Olá, preciso de ajuda");
        assert_eq!(row["channel"], "whatsapp");
        assert_eq!(row["contact"]["name"], "Maria Cliente");
        assert!(row["userId"].is_null());

        // 6. Side calls of the inbox.
        assert!(agent.get("/tags/?isActive=null").await.ok().is_array());
        assert!(agent.get("/users").await.ok()["users"].is_array());
        for status in [
            "status[]=open&isGroup=false",
            "status[]=pending&isGroup=false",
            "status[]=closed&isGroup=false",
            "status[]=open&status[]=pending&isGroup=true",
        ] {
            let c = agent
                .get(&format!("/tickets?{status}&limit=1&pageNumber=1"))
                .await;
            assert!(c.ok()["count"].is_u64());
        }
        let contact = agent
            .get(&format!("/contacts/{}", inbound.contact_id))
            .await;
        assert!(contact.ok()["tags"].is_array());
        assert!(contact.body["wallets"].is_array());

        // 11. Accept the pending ticket: no userId is sent, the server assigns the caller.
        let accepted = agent
            .put(
                &format!("/tickets/{}", inbound.ticket_id),
                &json!({"status": "open"}),
            )
            .await;
        assert_eq!(accepted.ok()["status"], "open");
        assert_eq!(accepted.body["userId"], agent.user_id);
        assert_eq!(accepted.body["unreadMessages"], 0);

        // 7. Open the chat: messages oldest first.
        let messages = agent
            .get(&format!(
                "/messages/{0}?ticketId={0}&pageNumber=1&pageSize=20",
                inbound.ticket_id
            ))
            .await;
        let body = messages.ok();
        assert_eq!(body["hasMore"], false);
        let list = body["messages"].as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["body"], "Olá, preciso de ajuda");
        assert_eq!(list[0]["fromMe"], false);
        assert!(
            list[0]["createdAt"]
                .as_str()
                .is_some_and(|s| s.contains('T')),
            "ISO createdAt"
        );

        // 8. Header, side panel, protocols (twice), fast replies.
        let ticket = agent.get(&format!("/tickets/{}", inbound.ticket_id)).await;
        let tb = ticket.ok();
        assert!(tb["user"]["name"].is_string());
        assert!(tb["scheduledMessages"].is_array());
        assert!(tb["whatsapp"].is_object());
        assert!(
            agent
                .get(&format!("/contacts/{}", inbound.contact_id))
                .await
                .ok()
                .is_object()
        );
        for _ in 0..2 {
            let protocols = agent
                .get(&format!("/protocols/ticket/{}", inbound.ticket_id))
                .await;
            let rows = protocols.ok().as_array().cloned().unwrap_or_default();
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0]["status"], "ABER");
            assert_eq!(
                rows[0]["protocolNumber"],
                format!("(1)-{}", inbound.ticket_id)
            );
        }
        assert!(agent.get("/fastreply").await.ok().is_array());

        // 9. Send: multipart, text only, as the client does; then a file.
        let sent = agent
            .multipart(
                "POST",
                &format!("/messages/{}", inbound.ticket_id),
                &[("body", "Claro! Como posso ajudar?"), ("fromMe", "true")],
                &[],
            )
            .await;
        sent.ok();
        let with_file = agent
            .multipart(
                "POST",
                &format!("/messages/{}", inbound.ticket_id),
                &[
                    ("body", "nota.txt"),
                    ("fromMe", "true"),
                    ("id", "client-123"),
                ],
                &[FilePart {
                    field: "medias",
                    file_name: "nota.txt",
                    mime: "text/plain",
                    bytes: b"conteudo",
                }],
            )
            .await;
        with_file.ok();
        let after = agent
            .get(&format!("/messages/{}?pageNumber=1", inbound.ticket_id))
            .await;
        let list = after.ok()["messages"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(list.len(), 3, "{}", after.text);
        assert_eq!(list[1]["body"], "Claro! Como posso ajudar?");
        assert_eq!(list[1]["fromMe"], true);
        assert_eq!(list[1]["ack"], 0);
        assert_eq!(
            list[1]["status"], "pending",
            "kept in the outbox until a sender runs"
        );
        let media_url = list[2]["mediaUrl"].as_str().unwrap_or_default().to_owned();
        assert!(
            media_url.starts_with("http"),
            "absolute media URL: {media_url}"
        );
        let path = media_url
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('/'))
            .map(|(_, p)| format!("/{p}"))
            .unwrap_or_default();
        let file = server.anon().get(&path).await;
        assert_eq!(file.status, 200);
        assert_eq!(file.text, "conteudo");
        let row = agent.get(&format!("/tickets/{}", inbound.ticket_id)).await;
        assert_eq!(row.ok()["lastMessage"], "nota.txt");
        assert_eq!(row.body["answered"], true);

        // 11. Close.
        let closed = agent
            .put(
                &format!("/tickets/{}", inbound.ticket_id),
                &json!({"status": "closed"}),
            )
            .await;
        assert_eq!(closed.ok()["status"], "closed");
        assert!(closed.body["closedAt"].is_i64());
        let protocols = agent
            .get(&format!("/protocols/ticket/{}", inbound.ticket_id))
            .await;
        let rows = protocols.ok().as_array().cloned().unwrap_or_default();
        assert_eq!(rows[0]["status"], "FECH");
    }
}
