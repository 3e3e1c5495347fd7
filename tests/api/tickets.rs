//! Tickets, messages, protocols, ticket logs and media (client-contract.md §4; behaviour.md
//! §3.8, §3.9, §3.17; data-model.md §7.4, §7.6, §7.8).

use serde_json::json;
use tiktickets_domain::store::channels::ChannelInput;

use crate::fixtures::system_cx;
use crate::harness::{FilePart, Session, TestServer};

async fn ticket_ids(s: &Session, query: &str) -> Vec<i64> {
    let r = s.get(&format!("/tickets?{query}")).await;
    r.ok()["tickets"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|t| t["id"].as_i64()).collect())
        .unwrap_or_default()
}

#[actix_web::test]
async fn agents_see_only_the_tickets_of_the_visibility_rule() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let other_agent = server.agent(&admin).await;
        let a = server.inbound(&admin, "5511900000001", "Ana", "oi").await;
        let b = server.inbound(&admin, "5511900000002", "Bia", "oi").await;
        let mine = server.inbound(&admin, "5511900000003", "Caio", "oi").await;

        // Without queues in the tenant every ticket is visible.
        let all = "status[]=pending&status[]=open";
        assert_eq!(ticket_ids(&agent, all).await.len(), 3);

        // With a queue, only the agent's queue, own tickets and wallet contacts remain.
        let sales = admin
            .post("/queue", &json!({"queue": "Vendas", "isActive": true}))
            .await;
        let sales_id = sales.ok()["id"].as_i64().unwrap_or_default();
        admin
            .put(
                &format!("/tickets/{}", a.ticket_id),
                &json!({"queueId": sales_id}),
            )
            .await
            .ok();
        admin
            .put(
                &format!("/users/{}", agent.user_id),
                &json!({"name": "Agent", "email": agent.email, "profile": "user", "queues": [sales_id]}),
            )
            .await
            .ok();
        admin
            .put(
                &format!("/tickets/{}", mine.ticket_id),
                &json!({"status": "open", "userId": agent.user_id}),
            )
            .await
            .ok();
        let seen = ticket_ids(&agent, all).await;
        assert!(seen.contains(&a.ticket_id), "queue branch");
        assert!(seen.contains(&mine.ticket_id), "assigned branch");
        assert!(
            !seen.contains(&b.ticket_id),
            "no queue, no owner: hidden from agents"
        );
        assert!(ticket_ids(&other_agent, all).await.is_empty());
        // Wallet branch.
        admin
            .put(
                &format!("/contact-wallet/{}", b.contact_id),
                &json!({"wallets": [other_agent.user_id]}),
            )
            .await
            .ok();
        assert_eq!(ticket_ids(&other_agent, all).await, vec![b.ticket_id]);
        // Admins see everything with showAll; agents cannot use it.
        assert_eq!(
            ticket_ids(&admin, &format!("{all}&showAll=true"))
                .await
                .len(),
            3
        );
        assert_eq!(
            ticket_ids(&other_agent, &format!("{all}&showAll=true"))
                .await
                .len(),
            1
        );
        // Filters.
        assert_eq!(
            ticket_ids(
                &admin,
                &format!("{all}&showAll=true&isNotAssignedUser=true")
            )
            .await
            .len(),
            2
        );
        assert_eq!(
            ticket_ids(
                &admin,
                &format!("{all}&showAll=true&queuesIds[]={sales_id}")
            )
            .await,
            vec![a.ticket_id]
        );
        assert_eq!(
            ticket_ids(&admin, "status[]=pending&showAll=true&searchParam=Bia").await,
            vec![b.ticket_id]
        );
        assert_eq!(
            ticket_ids(
                &admin,
                &format!("status=open&showAll=true&searchParam={}", mine.ticket_id)
            )
            .await,
            vec![mine.ticket_id]
        );
        assert!(
            ticket_ids(&admin, &format!("{all}&showAll=true&isGroup=true"))
                .await
                .is_empty()
        );
        // Paging and limit.
        let page = admin
            .get(&format!("/tickets?{all}&showAll=true&limit=2&pageNumber=1"))
            .await;
        assert_eq!(page.ok()["tickets"].as_array().map(Vec::len), Some(2));
        assert_eq!(page.body["count"], 3);
        assert_eq!(page.body["hasMore"], true);
        let page2 = admin
            .get(&format!("/tickets?{all}&showAll=true&limit=2&pageNumber=2"))
            .await;
        assert_eq!(page2.ok()["hasMore"], false);
    }
}

#[actix_web::test]
async fn ticket_list_refuses_bad_filters() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        for q in [
            "status[]=bogus",
            "status[]=open&pageNumber=0",
            "status[]=open&pageNumber=-1",
            "status[]=open&pageNumber=abc",
            "status[]=open&limit=0",
            "status[]=open&limit=5000",
            "status[]=open&queuesIds[]=x",
            "status[]=open&isGroup=maybe",
            "pageNumber=1",
        ] {
            admin.get(&format!("/tickets?{q}")).await.client_error();
        }
        let long = "x".repeat(5_000);
        admin
            .get(&format!("/tickets?status[]=open&searchParam={long}"))
            .await
            .client_error();
    }
}

#[actix_web::test]
async fn status_changes_write_protocols_logs_and_times() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let t = server.inbound(&admin, "5511911110000", "Duda", "oi").await;
        let path = format!("/tickets/{}", t.ticket_id);

        let opened = agent.put(&path, &json!({"status": "open"})).await;
        assert_eq!(opened.ok()["userId"], agent.user_id);
        assert!(opened.body["startedAttendanceAt"].is_i64());
        assert_eq!(opened.body["attendanceCount"], 1);
        let back = agent.put(&path, &json!({"status": "pending"})).await;
        assert_eq!(back.ok()["status"], "pending");
        let closed = agent.put(&path, &json!({"status": "close"})).await;
        assert_eq!(closed.ok()["status"], "closed");
        let logs = agent
            .get(&format!("{path}/logs?ticketId={}", t.ticket_id))
            .await;
        let types: Vec<String> = logs
            .ok()
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|r| r["type"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for kind in ["open", "pending", "closed"] {
            assert!(
                types.iter().any(|t| t == kind),
                "{kind} missing from {types:?}"
            );
        }
        assert!(logs.body[0]["user"]["name"].is_string());

        // A new inbound message reopens the same closed ticket as pending (rule T-4).
        let again = server
            .inbound(&admin, "5511911110000", "Duda", "de novo")
            .await;
        assert_eq!(again.ticket_id, t.ticket_id);
        assert_eq!(admin.get(&path).await.ok()["status"], "pending");
        admin.put(&path, &json!({"status": "closed"})).await.ok();

        // Reopening while the contact has another active ticket: 409, not the reference's 500.
        let other = admin
            .post(
                "/tickets",
                &json!({"contactId": t.contact_id, "status": "open", "channel": "whatsapp"}),
            )
            .await;
        assert_ne!(other.ok()["id"], t.ticket_id);
        admin
            .put(&path, &json!({"status": "open"}))
            .await
            .err(409, "ERR_OTHER_OPEN_TICKET");
        assert_eq!(admin.get(&path).await.ok()["status"], "closed");
    }
}

#[actix_web::test]
async fn agents_cannot_take_over_other_agents_tickets() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let intruder = server.agent(&admin).await;
        let t = server.inbound(&admin, "5511922220000", "Eva", "oi").await;
        let path = format!("/tickets/{}", t.ticket_id);
        agent.put(&path, &json!({"status": "open"})).await.ok();
        intruder
            .put(&path, &json!({"status": "closed"}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        assert_eq!(admin.get(&path).await.ok()["status"], "open");
        // An agent assigns to someone else only as a transfer.
        agent
            .put(&path, &json!({"userId": intruder.user_id}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        let transferred = agent
            .put(
                &path,
                &json!({"userId": intruder.user_id, "status": "open", "isTransference": 1}),
            )
            .await;
        assert_eq!(transferred.ok()["userId"], intruder.user_id);
        assert_eq!(transferred.body["isTransference"], true);
        let logs = admin.get(&format!("{path}/logs")).await;
        let text = logs.text.clone();
        assert!(
            text.contains("transfered") && text.contains("receivedTransfer"),
            "{text}"
        );
    }
}

#[actix_web::test]
async fn ticket_updates_refuse_bad_input_and_foreign_ids() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let beta = server.new_tenant("Beta").await;
        let t = server.inbound(&admin, "5511933330000", "Fabi", "oi").await;
        let foreign = server.inbound(&beta, "5511933330001", "Gabi", "oi").await;
        let path = format!("/tickets/{}", t.ticket_id);
        admin
            .put(&path, &json!({"status": "archived"}))
            .await
            .client_error();
        admin.put(&path, &json!({"status": 3})).await.client_error();
        admin
            .put(&path, &json!({"userId": "abc"}))
            .await
            .client_error();
        admin
            .put(&path, &json!({"userId": -4}))
            .await
            .client_error();
        admin
            .raw("PUT", &path, "application/json", b"{\"status\": ")
            .await
            .err(400, "ERR_INVALID_JSON");
        admin
            .raw("PUT", &path, "application/json", b"[1,2]")
            .await
            .client_error();
        admin
            .put("/tickets/abc", &json!({"status": "open"}))
            .await
            .client_error();
        // Another tenant's user or queue: 404 and nothing changes.
        admin
            .put(&path, &json!({"userId": beta.user_id}))
            .await
            .err(404, "ERR_NO_USER_FOUND");
        assert!(admin.get(&path).await.ok()["userId"].is_null());
        // Another tenant's ticket: 404 everywhere, unchanged.
        let fpath = format!("/tickets/{}", foreign.ticket_id);
        admin.get(&fpath).await.err(404, "ERR_NO_TICKET_FOUND");
        admin
            .put(&fpath, &json!({"status": "closed"}))
            .await
            .err(404, "ERR_NO_TICKET_FOUND");
        admin
            .get(&format!("{fpath}/logs"))
            .await
            .err(404, "ERR_NO_TICKET_FOUND");
        admin
            .post(&format!("{fpath}/sync"), &json!({}))
            .await
            .err(404, "ERR_NO_TICKET_FOUND");
        admin
            .get(&format!("/messages/{}", foreign.ticket_id))
            .await
            .err(404, "ERR_NO_TICKET_FOUND");
        admin
            .post(
                &format!("/messages/{}", foreign.ticket_id),
                &json!({"body": "x"}),
            )
            .await
            .err(404, "ERR_NO_TICKET_FOUND");
        admin
            .get(&format!("/protocols/ticket/{}", foreign.ticket_id))
            .await
            .err(404, "ERR_NO_TICKET_FOUND");
        assert_eq!(beta.get(&fpath).await.ok()["status"], "pending");
        let msgs = beta.get(&format!("/messages/{}", foreign.ticket_id)).await;
        assert_eq!(msgs.ok()["messages"].as_array().map(Vec::len), Some(1));
        // Tickets are never deleted.
        admin
            .delete(&path)
            .await
            .err(409, "ERR_TICKET_DELETE_NOT_SUPPORTED");
    }
}

#[actix_web::test]
async fn agents_create_tickets_for_contacts() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let beta = server.new_tenant("Beta").await;
        server.channel_of(&admin).await;
        let contact = admin
            .post(
                "/contacts",
                &json!({"name": "Helena", "number": "5511944440000", "email": ""}),
            )
            .await;
        let contact_id = contact.ok()["id"].as_i64().unwrap_or_default();
        let created = agent
            .post(
                "/tickets",
                &json!({"contactId": contact_id, "isActiveDemand": true, "userId": agent.user_id.to_string(), "channel": "whatsapp", "status": "open"}),
            )
            .await;
        let body = created.ok();
        assert_eq!(body["status"], "open");
        assert_eq!(body["userId"], agent.user_id);
        assert_eq!(body["isGroup"], false);
        assert_eq!(body["isActiveDemand"], true);
        assert_eq!(body["contact"]["name"], "Helena");
        agent
            .post(
                "/tickets",
                &json!({"contactId": contact_id, "status": "open", "channel": "whatsapp"}),
            )
            .await
            .err(409, "ERR_OTHER_OPEN_TICKET");
        let beta_contact = beta
            .post(
                "/contacts",
                &json!({"name": "Iris", "number": "5511944440001"}),
            )
            .await;
        let beta_contact_id = beta_contact.ok()["id"].as_i64().unwrap_or_default();
        admin
            .post(
                "/tickets",
                &json!({"contactId": beta_contact_id, "status": "open"}),
            )
            .await
            .err(404, "ERR_NO_CONTACT_FOUND");
        admin
            .post("/tickets", &json!({"status": "open"}))
            .await
            .client_error();
        admin
            .post(
                "/tickets",
                &json!({"contactId": contact_id, "channel": "fax"}),
            )
            .await
            .client_error();
    }
}

#[actix_web::test]
async fn messages_are_sent_through_the_outbox_and_paged_oldest_first() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let beta = server.new_tenant("Beta").await;
        let t = server
            .inbound(&admin, "5511955550000", "Joana", "primeira")
            .await;
        let path = format!("/messages/{}", t.ticket_id);
        for i in 0..4 {
            admin
                .post(
                    &path,
                    &json!({"body": format!("resposta {i}"), "fromMe": true}),
                )
                .await
                .ok();
        }
        // Pages: newest slice first, each page oldest first.
        let p1 = admin.get(&format!("{path}?pageNumber=1&pageSize=2")).await;
        let bodies: Vec<String> = p1.ok()["messages"]
            .as_array()
            .map(|m| {
                m.iter()
                    .filter_map(|x| x["body"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(bodies, vec!["resposta 2", "resposta 3"]);
        assert_eq!(p1.body["hasMore"], true);
        assert_eq!(p1.body["count"], 5);
        let p3 = admin.get(&format!("{path}?pageNumber=3&pageSize=2")).await;
        assert_eq!(p3.ok()["messages"][0]["body"], "primeira");
        assert_eq!(p3.body["hasMore"], false);

        // A quoted reply, a template, a scheduled message.
        let reply = admin
            .post(&path, &json!({"body": "Oi {{name}}", "quotedMsg": {"id": t.message_id, "body": "primeira"}}))
            .await;
        assert_eq!(reply.ok()[0]["body"], "Oi Joana");
        assert_eq!(reply.body[0]["quotedMsg"]["body"], "primeira");
        let later = admin
            .post(
                &path,
                &json!({"body": "lembrete", "scheduleDate": "2999-01-01 09:00"}),
            )
            .await;
        let scheduled_id = later.ok()[0]["id"].as_str().unwrap_or_default().to_owned();
        let ticket = admin.get(&format!("/tickets/{}", t.ticket_id)).await;
        assert_eq!(ticket.ok()["scheduledMessages"][0]["body"], "lembrete");
        admin
            .delete_json(
                &format!("/messages/{}", "null"),
                &json!({"id": scheduled_id}),
            )
            .await
            .ok();
        let ticket = admin.get(&format!("/tickets/{}", t.ticket_id)).await;
        assert_eq!(
            ticket.ok()["scheduledMessages"].as_array().map(Vec::len),
            Some(0)
        );

        // Bad input.
        admin
            .post(&path, &json!({"body": "   "}))
            .await
            .err(400, "ERR_EMPTY_MESSAGE");
        admin
            .post(&path, &json!({"body": "x".repeat(70_000)}))
            .await
            .client_error();
        admin.post(&path, &json!({"body": 12})).await.client_error();
        admin
            .post(&path, &json!({"body": "x", "scheduleDate": "tomorrow"}))
            .await
            .client_error();
        admin
            .post(
                &path,
                &json!({"body": "x", "scheduleDate": "2001-01-01 09:00"}),
            )
            .await
            .client_error();
        admin
            .raw("POST", &path, "application/json", b"{\"body\":")
            .await
            .err(400, "ERR_INVALID_JSON");
        admin
            .get(&format!("{path}?pageNumber=-2"))
            .await
            .err(400, "ERR_INVALID_PAGE");
        admin
            .get(&format!("{path}?pageSize=1000"))
            .await
            .client_error();
        // A quoted message of another tenant is unknown here.
        let foreign = server
            .inbound(&beta, "5511955550001", "Lia", "segredo")
            .await;
        admin
            .post(
                &path,
                &json!({"body": "x", "quotedMsg": {"id": foreign.message_id}}),
            )
            .await
            .err(404, "ERR_NO_MESSAGE_FOUND");
        // Cancelling a message of another tenant or a received message.
        admin
            .delete_json("/messages/null", &json!({"id": foreign.message_id}))
            .await
            .err(404, "ERR_NO_MESSAGE_FOUND");
        admin
            .delete_json("/messages/null", &json!({"id": t.message_id}))
            .await
            .err(409, "ERR_WAPP_SESSIONS_NOT_AVAILABLE");
    }
}

#[actix_web::test]
async fn media_is_served_only_to_its_tenant() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let beta = server.new_tenant("Beta").await;
        let t = server.inbound(&admin, "5511966660000", "Nina", "oi").await;
        let sent = admin
            .multipart(
                "POST",
                &format!("/messages/{}", t.ticket_id),
                &[("body", ""), ("fromMe", "true")],
                &[FilePart {
                    field: "medias",
                    file_name: "../../etc/passwd.png",
                    mime: "image/png",
                    bytes: b"PNGDATA",
                }],
            )
            .await;
        let msg = sent.ok()[0].clone();
        assert_eq!(msg["mediaType"], "image");
        let url = msg["mediaUrl"].as_str().unwrap_or_default().to_owned();
        let path = url
            .split_once("://")
            .and_then(|(_, r)| r.split_once('/'))
            .map(|(_, p)| format!("/{p}"))
            .unwrap_or_default();
        assert!(
            !path.contains(".."),
            "client names never reach the path: {path}"
        );
        assert_eq!(server.anon().get(&path).await.text, "PNGDATA");
        let bare = path.split('?').next().unwrap_or_default().to_owned();
        assert_eq!(admin.get(&bare).await.status, 200, "owner's token opens it");
        beta.get(&bare).await.err(404, "ERR_MEDIA_NOT_FOUND");
        server
            .anon()
            .get(&bare)
            .await
            .err(404, "ERR_MEDIA_NOT_FOUND");
        let other_tenant = bare.replacen(
            &format!("/media/{}/", admin.tenant_id),
            &format!("/media/{}/", beta.tenant_id),
            1,
        );
        let token = path
            .split_once("token=")
            .map(|(_, t)| t.to_owned())
            .unwrap_or_default();
        server
            .anon()
            .get(&format!("{other_tenant}?token={token}"))
            .await
            .err(404, "ERR_MEDIA_NOT_FOUND");

        // Files over the configured limit (2 MiB in the tests) are refused; nothing is stored.
        let big = vec![7u8; 3 * 1024 * 1024];
        let refused = admin
            .multipart(
                "POST",
                &format!("/messages/{}", t.ticket_id),
                &[("body", "grande.pdf")],
                &[FilePart {
                    field: "medias",
                    file_name: "grande.pdf",
                    mime: "application/pdf",
                    bytes: &big,
                }],
            )
            .await;
        refused.err(413, "ERR_PAYLOAD_TOO_LARGE");
        let count = admin.get(&format!("/messages/{}", t.ticket_id)).await;
        assert_eq!(count.ok()["count"], 2);
    }
}

#[actix_web::test]
async fn closing_queues_the_channel_farewell_and_forwarding_works() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let t = server.inbound(&admin, "5511977770000", "Olga", "oi").await;
        let cx = system_cx(&admin);
        let stores = &server.prepared.state.stores;
        let channel_id = tiktickets_domain::ids::WhatsappId::new(server.channel_of(&admin).await);
        let channel = stores.channels.get(&cx, channel_id).await.ok();
        if let Some(c) = channel {
            stores
                .channels
                .update(
                    &cx,
                    channel_id,
                    ChannelInput {
                        name: c.name,
                        r#type: c.r#type,
                        is_default: c.is_default,
                        is_active: true,
                        farewell_message: Some("Tchau {{name}}, protocolo {{protocol}}".into()),
                        chat_flow_id: None,
                        token_telegram: None,
                        instagram_user: None,
                        instagram_key: None,
                        token_api: None,
                        waba_bsp: None,
                        fb_page_id: None,
                    },
                )
                .await
                .ok();
        }
        let path = format!("/tickets/{}", t.ticket_id);
        admin.put(&path, &json!({"status": "open"})).await.ok();
        let closed = admin.put(&path, &json!({"status": "closed"})).await;
        assert_eq!(closed.ok()["isFarewellMessage"], true);
        let msgs = admin.get(&format!("/messages/{}", t.ticket_id)).await;
        let last = msgs.ok()["messages"]
            .as_array()
            .and_then(|m| m.last().cloned())
            .unwrap_or_default();
        assert_eq!(
            last["body"],
            format!("Tchau Olga, protocolo (1)-{}", t.ticket_id)
        );
        assert_eq!(last["sendType"], "bot");

        // Forward the customer's message to another contact: a new open ticket of the caller.
        let target = admin
            .post(
                "/contacts",
                &json!({"name": "Paula", "number": "5511977770001"}),
            )
            .await;
        let target_id = target.ok()["id"].as_i64().unwrap_or_default();
        let fwd = admin
            .post(
                "/forward-messages",
                &json!({"messages": [{"id": t.message_id, "body": "oi"}], "contact": {"id": target_id}}),
            )
            .await;
        let new_ticket = fwd.ok()[0]["ticketId"].as_i64().unwrap_or_default();
        let nt = admin.get(&format!("/tickets/{new_ticket}")).await;
        assert_eq!(nt.ok()["status"], "open");
        assert_eq!(nt.body["userId"], admin.user_id);
        assert_eq!(nt.body["channel"], "whatsapp");
        admin
            .post(
                "/forward-messages",
                &json!({"messages": [], "contact": {"id": target_id}}),
            )
            .await
            .client_error();
        admin
            .post(
                "/forward-messages",
                &json!({"messages": [{"id": t.message_id}], "contact": {}}),
            )
            .await
            .client_error();
    }
}
