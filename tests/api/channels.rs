//! Channels and their sessions (client-contract.md §8, behaviour.md §3.11), end to end.

use serde_json::{Value, json};
use tiktickets_domain::enums::ChannelStatus;
use tiktickets_domain::ids::{TenantId, WhatsappId};
use tiktickets_domain::store::channels::SessionState;
use tiktickets_domain::store::tenants::TenantPatch;
use tiktickets_domain::{PlatformCtx, TenantCtx};

use crate::harness::{Session, TestServer};

fn tenant_of(s: &Session) -> TenantId {
    TenantId::from_verified(i32::try_from(s.tenant_id).unwrap_or_default())
}

fn id_of(v: &Value) -> i64 {
    v["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no numeric id in {v}"))
}

async fn create(s: &Session, body: Value) -> Value {
    s.post("/whatsapp", &body).await.ok().clone()
}

async fn whatsapp(s: &Session, name: &str) -> Value {
    create(s, json!({"name": name, "type": "whatsapp", "id": null})).await
}

/// The row as its owner reads it.
async fn read(s: &Session, id: i64) -> Value {
    s.get(&format!("/whatsapp/{id}")).await.ok().clone()
}

async fn set_session(server: &TestServer, owner: &Session, id: i64, state: SessionState) {
    let id = WhatsappId::new(i32::try_from(id).unwrap_or_default());
    server
        .prepared
        .state
        .stores
        .channels
        .set_session_state(&TenantCtx::system(tenant_of(owner)), id, state)
        .await
        .unwrap_or_else(|e| panic!("set session state: {e}"));
}

#[actix_web::test]
async fn list_and_show_return_the_fields_the_client_reads() {
    for server in TestServer::all().await {
        let admin = server.new_tenant("Chan List").await;
        assert_eq!(
            admin.get("/whatsapp").await.ok(),
            &json!([]),
            "{}",
            server.backend
        );
        let first = whatsapp(&admin, "  Sales line  ").await;
        assert_eq!(first["name"], "Sales line", "names are trimmed");
        assert_eq!(first["type"], "whatsapp");
        assert_eq!(first["status"], "DISCONNECTED");
        assert_eq!(
            first["isDefault"], true,
            "the first channel is the default (W-1)"
        );
        assert_eq!(first["isDeleted"], false);
        assert!(first["qrcode"].is_null() && first["chatFlowId"].is_null());
        assert!(first["updatedAt"].is_string());
        assert_eq!(first["tenantId"], admin.tenant_id);
        for secret in [
            "session",
            "tokenTelegram",
            "instagramKey",
            "tokenAPI",
            "tokenHook",
        ] {
            assert!(
                first.get(secret).is_none(),
                "{secret} must not leave the server"
            );
        }
        let second = whatsapp(&admin, "Support").await;
        assert_eq!(second["isDefault"], false);

        let agent = server.agent(&admin).await;
        let list = agent.get("/whatsapp").await;
        let rows = list.ok().as_array().cloned().unwrap_or_default();
        assert_eq!(rows.len(), 2, "agents read the channel list");
        assert_eq!(rows[0]["id"], first["id"]);
        assert!(rows[0]["id"].is_i64());
        let one = agent.get(&format!("/whatsapp/{}", id_of(&second))).await;
        assert_eq!(one.ok()["name"], "Support");

        // Another tenant's channel does not exist for us.
        let other = server.new_tenant("Chan Other").await;
        other
            .get(&format!("/whatsapp/{}", id_of(&first)))
            .await
            .err(404, "ERR_NO_WAPP_FOUND");
        assert_eq!(other.get("/whatsapp").await.ok(), &json!([]));
        for bad in ["0", "-1", "99999999"] {
            let r = admin.get(&format!("/whatsapp/{bad}")).await;
            assert_eq!(r.status, 404, "{bad}: {}", r.text);
        }
        admin.get("/whatsapp/abc").await.client_error();
        server.anon().get("/whatsapp").await.client_error();
    }
}

#[actix_web::test]
async fn create_applies_the_type_rules_and_the_default_flag() {
    for server in TestServer::all().await {
        let admin = server.new_tenant("Chan Create").await;
        let a = whatsapp(&admin, "Line A").await;
        let b = create(
            &admin,
            json!({"name": "Line B", "type": "whatsapp", "isDefault": true, "farewellMessage": "Bye {{name}}"}),
        )
        .await;
        assert_eq!(b["isDefault"], true);
        assert_eq!(b["farewellMessage"], "Bye {{name}}");
        assert_eq!(
            read(&admin, id_of(&a)).await["isDefault"],
            false,
            "one default per tenant"
        );

        let tele = admin
            .post("/whatsapp", &json!({"name": "Tele", "type": "telegram"}))
            .await;
        tele.err(400, "ERR_TELEGRAM_TOKEN_REQUIRED");
        let tele = create(
            &admin,
            json!({"name": "Tele", "type": "telegram", "tokenTelegram": "123:abc"}),
        )
        .await;
        assert_eq!(tele["type"], "telegram");
        // Choosing a bot on the card sends the card back without the secret: the stored
        // token is kept, so the update is accepted.
        let card = admin
            .put(
                &format!("/whatsapp/{}", id_of(&tele)),
                &json!({"id": id_of(&tele), "name": "Tele", "type": "telegram", "tokenTelegram": "", "chatFlowId": null, "status": "DISCONNECTED"}),
            )
            .await;
        assert_eq!(card.ok()["type"], "telegram");
        admin
            .post("/whatsapp", &json!({"name": "Insta", "type": "instagram"}))
            .await
            .err(400, "ERR_INSTAGRAM_USER_REQUIRED");
        let insta = create(
            &admin,
            json!({"name": "Insta", "type": "instagram", "instagramUser": "shop", "instagramKey": "k"}),
        )
        .await;
        assert_eq!(insta["instagramUser"], "shop");
        admin
            .post(
                "/whatsapp",
                &json!({"name": "Waba", "type": "waba", "tokenAPI": "key"}),
            )
            .await
            .err(400, "ERR_WABA_CONFIG_REQUIRED");
        let waba = create(
            &admin,
            json!({"name": "Waba", "type": "waba", "tokenAPI": "key", "wabaBSP": "360"}),
        )
        .await;
        assert_eq!(waba["wabaBSP"], "360");

        // Names are unique per tenant, not globally.
        admin
            .post("/whatsapp", &json!({"name": "Line A", "type": "whatsapp"}))
            .await
            .err(409, "ERR_WAPP_NAME_ALREADY_EXISTS");
        let other = server.new_tenant("Chan Create 2").await;
        whatsapp(&other, "Line A").await;

        // A flow of nobody.
        let r = admin
            .post(
                "/whatsapp",
                &json!({"name": "Bot line", "type": "whatsapp", "chatFlowId": 999999}),
            )
            .await;
        assert_eq!(r.status, 404, "{}", r.text);
    }
}

#[actix_web::test]
async fn create_refuses_bad_input_with_4xx() {
    for server in TestServer::all().await {
        let admin = server.new_tenant("Chan Bad").await;
        let long = "x".repeat(10_001);
        let cases = [
            json!({"type": "whatsapp"}),
            json!({"name": "ab", "type": "whatsapp"}),
            json!({"name": "   ab   ", "type": "whatsapp"}),
            json!({"name": "x".repeat(51), "type": "whatsapp"}),
            json!({"name": long, "type": "whatsapp"}),
            json!({"name": "Fine name", "type": "fax"}),
            json!({"name": "Fine name", "type": 3}),
            json!({"name": 12345, "type": "whatsapp"}),
            json!({"name": "Fine name", "isDefault": "yes"}),
            json!({"name": "Fine name", "farewellMessage": long}),
            json!({"name": "Fine name", "tokenTelegram": "t".repeat(256)}),
            json!({"name": "Fine name", "chatFlowId": "abc"}),
            json!({"name": "Fine name", "chatFlowId": -4}),
            json!({"name": "Fine name", "wabaBSP": "acme"}),
            json!(["not", "an", "object"]),
        ];
        for body in cases {
            let r = admin.post("/whatsapp", &body).await;
            r.client_error();
            assert_ne!(r.status, 403, "{body}");
        }
        admin
            .raw("POST", "/whatsapp", "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        assert_eq!(
            admin.get("/whatsapp").await.ok(),
            &json!([]),
            "nothing was created"
        );
        // Accepted as the client sends it: id null, extra fields, a 10 000-character farewell.
        let ok = create(
            &admin,
            json!({"id": null, "name": "Fine name", "type": "whatsapp", "status": "CONNECTED",
                   "farewellMessage": "f".repeat(10_000), "tokenTelegram": null}),
        )
        .await;
        assert_eq!(
            ok["status"], "DISCONNECTED",
            "status is not taken from the body"
        );
    }
}

#[actix_web::test]
async fn agents_cannot_write_channels() {
    for server in TestServer::all().await {
        let admin = server.new_tenant("Chan Agent").await;
        let agent = server.agent(&admin).await;
        let line = whatsapp(&admin, "Line").await;
        let path = format!("/whatsapp/{}", id_of(&line));
        agent
            .post("/whatsapp", &json!({"name": "Mine", "type": "whatsapp"}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .put(&path, &json!({"name": "Renamed"}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent.delete(&path).await.err(403, "ERR_NO_PERMISSION");
        assert_eq!(read(&admin, id_of(&line)).await, line, "unchanged");
        assert_eq!(
            admin.get("/whatsapp").await.ok().as_array().map(Vec::len),
            Some(1)
        );
    }
}

#[actix_web::test]
async fn quota_limits_channel_creation() {
    for server in TestServer::all().await {
        let admin = server.new_tenant("Chan Quota").await;
        server
            .prepared
            .state
            .stores
            .tenants
            .update(
                &PlatformCtx::system(),
                tenant_of(&admin),
                TenantPatch {
                    max_connections: Some(2),
                    ..TenantPatch::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("set quota: {e}"));
        whatsapp(&admin, "One").await;
        whatsapp(&admin, "Two").await;
        admin
            .post("/whatsapp", &json!({"name": "Three", "type": "whatsapp"}))
            .await
            .err(400, "ERR_NO_PERMISSION_CONNECTIONS_LIMIT");
        assert_eq!(
            admin.get("/whatsapp").await.ok().as_array().map(Vec::len),
            Some(2)
        );
    }
}

#[actix_web::test]
async fn update_overlays_the_editable_fields_of_the_whole_card() {
    for server in TestServer::all().await {
        let admin = server.new_tenant("Chan Update").await;
        let a = whatsapp(&admin, "Line A").await;
        let b = create(
            &admin,
            json!({"name": "Line B", "type": "whatsapp", "farewellMessage": "Bye", "fbPageId": "page-1"}),
        )
        .await;
        let b_id = id_of(&b);
        let b_path = format!("/whatsapp/{b_id}");

        // The client sends the whole card back, session fields included.
        let mut card = b.clone();
        card["name"] = json!("Line B renamed");
        card["isDefault"] = json!(true);
        card["status"] = json!("CONNECTED");
        card["qrcode"] = json!("forged-qr");
        card["number"] = json!("5511999990000");
        card["tenantId"] = json!(admin.tenant_id + 1000);
        let updated = admin.put(&b_path, &card).await.ok().clone();
        assert_eq!(updated["name"], "Line B renamed");
        assert_eq!(updated["isDefault"], true);
        assert_eq!(
            updated["status"], "DISCONNECTED",
            "status is not editable here"
        );
        assert!(updated["qrcode"].is_null() && updated["number"].is_null());
        assert_eq!(updated["tenantId"], admin.tenant_id);
        assert_eq!(updated["farewellMessage"], "Bye");
        assert_eq!(
            read(&admin, id_of(&a)).await["isDefault"],
            false,
            "W-1 on update"
        );

        // Absent fields keep their values; an empty text clears; chatFlowId null clears.
        let partial = admin
            .put(&b_path, &json!({"farewellMessage": "", "chatFlowId": null}))
            .await
            .ok()
            .clone();
        assert_eq!(partial["name"], "Line B renamed");
        assert_eq!(partial["fbPageId"], "page-1");
        assert!(partial["farewellMessage"].is_null());
        assert!(partial["chatFlowId"].is_null());
        admin
            .put(&b_path, &json!({"chatFlowId": 999999}))
            .await
            .err(404, "ERR_NO_CHAT_FLOW_FOUND");

        // Conflicts and bad input.
        admin
            .put(&b_path, &json!({"name": "Line A"}))
            .await
            .err(409, "ERR_WAPP_NAME_ALREADY_EXISTS");
        for body in [
            json!({"name": "ab"}),
            json!({"type": "pager"}),
            json!({"isActive": "maybe"}),
            json!({"farewellMessage": "x".repeat(10_001)}),
            json!({"type": "telegram"}),
        ] {
            admin.put(&b_path, &body).await.client_error();
        }
        admin
            .raw("PUT", &b_path, "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        let tele = admin
            .put(
                &b_path,
                &json!({"type": "telegram", "tokenTelegram": "1:x"}),
            )
            .await;
        assert_eq!(tele.ok()["type"], "telegram");

        // Another tenant: 404, and the row is unchanged.
        let before = read(&admin, b_id).await;
        let other = server.new_tenant("Chan Update 2").await;
        other
            .put(&b_path, &json!({"name": "Hijacked"}))
            .await
            .err(404, "ERR_NO_WAPP_FOUND");
        assert_eq!(read(&admin, b_id).await, before);
        admin
            .put("/whatsapp/99999999", &json!({"name": "Nobody"}))
            .await
            .err(404, "ERR_NO_WAPP_FOUND");
        admin
            .put("/whatsapp/x", &json!({"name": "Nobody"}))
            .await
            .client_error();
    }
}

#[actix_web::test]
async fn delete_removes_the_channel_of_the_tenant_only() {
    for server in TestServer::all().await {
        let admin = server.new_tenant("Chan Delete").await;
        let line = whatsapp(&admin, "Doomed").await;
        let path = format!("/whatsapp/{}", id_of(&line));
        let other = server.new_tenant("Chan Delete 2").await;
        other.delete(&path).await.err(404, "ERR_NO_WAPP_FOUND");
        assert_eq!(read(&admin, id_of(&line)).await, line);
        let r = admin.delete(&path).await;
        assert_eq!(r.ok()["message"], "Whatsapp deleted.");
        admin.get(&path).await.err(404, "ERR_NO_WAPP_FOUND");
        admin.delete(&path).await.err(404, "ERR_NO_WAPP_FOUND");
        admin
            .delete("/whatsapp/0")
            .await
            .err(404, "ERR_NO_WAPP_FOUND");
        admin.delete("/whatsapp/abc").await.client_error();
    }
}

#[actix_web::test]
async fn sessions_are_refused_when_sessions_are_disabled() {
    for server in TestServer::all().await {
        let admin = server.new_tenant("Chan Session").await;
        let agent = server.agent(&admin).await;
        let line = whatsapp(&admin, "Phone").await;
        let path = format!("/whatsappsession/{}", id_of(&line));
        for s in [&admin, &agent] {
            s.post(&path, &json!({}))
                .await
                .err(409, "ERR_WAPP_SESSIONS_NOT_AVAILABLE");
            let r = s
                .put(&path, &json!({"id": id_of(&line), "isQrcode": true}))
                .await;
            r.err(409, "ERR_WAPP_SESSIONS_NOT_AVAILABLE");
            assert!(
                r.body["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("disabled")),
                "{}",
                r.text
            );
        }
        admin
            .raw("PUT", &path, "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        admin
            .put(&path, &json!({"isQrcode": "please"}))
            .await
            .err(400, "ERR_INVALID_BODY");

        // Another tenant's channel: 404 everywhere, and nothing changes.
        set_session(
            &server,
            &admin,
            id_of(&line),
            SessionState {
                status: Some(ChannelStatus::Qrcode),
                qrcode: Some(Some("2@qr-payload".into())),
                retries: Some(3),
                ..SessionState::default()
            },
        )
        .await;
        let before = read(&admin, id_of(&line)).await;
        assert_eq!(before["status"], "qrcode");
        let other = server.new_tenant("Chan Session 2").await;
        other
            .post(&path, &json!({}))
            .await
            .err(404, "ERR_NO_WAPP_FOUND");
        other
            .put(&path, &json!({"isQrcode": true}))
            .await
            .err(404, "ERR_NO_WAPP_FOUND");
        other.delete(&path).await.err(404, "ERR_NO_WAPP_FOUND");
        assert_eq!(read(&admin, id_of(&line)).await, before);

        // Logout (agents may disconnect too).
        let r = agent.delete(&path).await;
        assert_eq!(r.ok()["message"], "Session disconnected.");
        let after = read(&admin, id_of(&line)).await;
        assert_eq!(after["status"], "DISCONNECTED");
        assert!(after["qrcode"].is_null());
        assert_eq!(after["retries"], 0);

        admin
            .post("/whatsappsession/99999999", &json!({}))
            .await
            .err(404, "ERR_NO_WAPP_FOUND");
        admin.delete("/whatsappsession/abc").await.client_error();
    }
}
