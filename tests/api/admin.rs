//! Super-admin routes (client-contract.md §15, behaviour.md §3.18), end to end.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::ChannelType;
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::store::channels::ChannelInput;
use tiktickets_domain::store::settings::DEFAULT_SETTINGS;

use crate::harness::{Session, TestServer, USER_PASSWORD};

fn id_of(v: &Value) -> i64 {
    v["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no numeric id in {v}"))
}

fn tenant_cx(id: i64) -> TenantCtx {
    TenantCtx::system(TenantId::from_verified(
        i32::try_from(id).unwrap_or_default(),
    ))
}

fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@admin.test", uuid::Uuid::new_v4().simple())
}

async fn create_tenant(sup: &Session, name: &str, max_users: i64) -> Value {
    let r = sup
        .post(
            "/admin/tenants",
            &json!({"name": name, "maxUsers": max_users, "maxConnections": 3, "status": "active"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

async fn create_tenant_user(sup: &Session, tenant: i64, profile: &str) -> Value {
    sup.post(
        "/admin/userTenants",
        &json!({"tenantId": tenant, "name": "Tenant User", "email": unique_email(profile),
                "profile": profile, "password": USER_PASSWORD}),
    )
    .await
    .ok()
    .clone()
}

async fn tenant_row(sup: &Session, id: i64) -> Option<Value> {
    sup.get("/admin/tenants")
        .await
        .ok()
        .as_array()
        .expect("tenants")
        .iter()
        .find(|t| id_of(t) == id)
        .cloned()
}

// ---------------------------------------------------------------- guard

#[actix_web::test]
async fn only_super_admins_pass() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let beta = server.new_tenant("Beta").await;
        let tenant_body =
            json!({"name": "Sneaky", "maxUsers": 5, "maxConnections": 5, "status": "active"});
        let user_body = json!({"tenantId": beta.tenant_id, "name": "Sneaky", "email": unique_email("s"),
                               "profile": "super", "password": USER_PASSWORD});
        for who in [&admin, &agent, &beta] {
            who.get("/admin/tenants")
                .await
                .err(403, "ERR_NO_PERMISSION");
            who.post("/admin/tenants", &tenant_body)
                .await
                .err(403, "ERR_NO_PERMISSION");
            who.put(
                &format!("/admin/tenantsUpdate/{}", beta.tenant_id),
                &json!({"status": "inactive"}),
            )
            .await
            .err(403, "ERR_NO_PERMISSION");
            who.delete(&format!("/admin/tenants/{}", beta.tenant_id))
                .await
                .err(403, "ERR_NO_PERMISSION");
            who.get("/admin/users").await.err(403, "ERR_NO_PERMISSION");
            who.post("/admin/userTenants", &user_body)
                .await
                .err(403, "ERR_NO_PERMISSION");
            who.put(
                &format!("/admin/users/{}", agent.user_id),
                &json!({"profile": "super"}),
            )
            .await
            .err(403, "ERR_NO_PERMISSION");
            who.get("/admin/channels")
                .await
                .err(403, "ERR_NO_PERMISSION");
        }
        assert_eq!(server.anon().get("/admin/tenants").await.status, 401);
        // Nothing changed: Beta is alive and active, the agent is still an agent.
        beta.get("/users").await.ok();
        let me = agent.get(&format!("/users/{}", agent.user_id)).await;
        assert_eq!(me.ok()["profile"], "user", "{}", server.backend);
        let sup = server.superadmin().await;
        let found = sup.get("/admin/users?searchParam=sneaky").await;
        assert_eq!(found.ok()["count"], 0);
    }
}

// ---------------------------------------------------------------- tenants

#[actix_web::test]
async fn tenant_lifecycle() {
    for server in TestServer::all().await {
        let sup = server.superadmin().await;
        let list = sup.get("/admin/tenants").await;
        let own = list
            .ok()
            .as_array()
            .expect("array")
            .iter()
            .find(|t| t["id"].as_i64() == Some(sup.tenant_id))
            .cloned()
            .expect("own tenant listed");
        for field in [
            "name",
            "status",
            "maxUsers",
            "maxConnections",
            "createdAt",
            "updatedAt",
        ] {
            assert!(
                !own[field].is_null(),
                "{}: {field} missing in {own}",
                server.backend
            );
        }

        // Create: 201, defaults for hours, away text and settings.
        let created = sup
            .post(
                "/admin/tenants",
                &json!({"name": "  Acme Ltda ", "maxUsers": "4", "maxConnections": 2, "status": "active"}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        let t = &created.body;
        let id = id_of(t);
        assert_eq!(t["name"], "Acme Ltda");
        assert_eq!(t["status"], "active");
        assert_eq!(t["maxUsers"], 4);
        assert_eq!(t["maxConnections"], 2);
        let hours = t["businessHours"].as_array().expect("business hours");
        assert_eq!(hours.len(), 7);
        assert!(
            hours
                .iter()
                .all(|d| d["type"] == "O" && d["hr1"] == "08:00")
        );
        assert!(
            t["messageBusinessHours"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        let settings = server
            .prepared
            .state
            .stores
            .settings
            .list(&tenant_cx(id))
            .await
            .expect("settings");
        for (key, value) in DEFAULT_SETTINGS {
            let s = settings.iter().find(|s| s.key == *key);
            assert_eq!(s.map(|s| s.value.as_str()), Some(*value), "setting {key}");
        }
        assert_eq!(
            tenant_row(&sup, id).await.expect("listed")["name"],
            "Acme Ltda"
        );

        // Its admin works inside it.
        let admin_row = create_tenant_user(&sup, id, "admin").await;
        let admin = server
            .login(admin_row["email"].as_str().expect("email"), USER_PASSWORD)
            .await;
        assert_eq!(admin.tenant_id, id);

        // Partial update (the client also sends `id`); status off blocks logins.
        let r = sup
            .put(
                &format!("/admin/tenantsUpdate/{id}"),
                &json!({"id": id, "name": "Acme Renamed", "maxUsers": 6}),
            )
            .await;
        let r = r.ok();
        assert_eq!(r["name"], "Acme Renamed");
        assert_eq!(r["maxUsers"], 6);
        assert_eq!(r["maxConnections"], 2);
        sup.put(
            &format!("/admin/tenantsUpdate/{id}"),
            &json!({"status": "inactive"}),
        )
        .await
        .ok();
        let login = server
            .anon()
            .post(
                "/auth/login",
                &json!({"email": admin_row["email"], "password": USER_PASSWORD}),
            )
            .await;
        login.err(401, "ERR_COMPANY_NOT_ACTIVE");

        // The super-admin's own company can be neither deactivated nor deleted.
        sup.put(
            &format!("/admin/tenantsUpdate/{}", sup.tenant_id),
            &json!({"status": "inactive"}),
        )
        .await
        .err(409, "ERR_CANNOT_DEACTIVATE_OWN_TENANT");
        sup.delete(&format!("/admin/tenants/{}", sup.tenant_id))
            .await
            .err(409, "ERR_CANNOT_DELETE_OWN_TENANT");
        assert_eq!(
            tenant_row(&sup, sup.tenant_id).await.expect("own")["status"],
            "active"
        );

        // Delete: 204, everything of it gone.
        let r = sup.delete(&format!("/admin/tenants/{id}")).await;
        assert_eq!(r.status, 204, "{}", r.text);
        assert!(tenant_row(&sup, id).await.is_none());
        assert_eq!(admin.get("/users").await.status, 401);
        sup.delete(&format!("/admin/tenants/{id}"))
            .await
            .err(404, "ERR_NO_TENANT_FOUND");
        sup.put(
            &format!("/admin/tenantsUpdate/{id}"),
            &json!({"name": "Ghost"}),
        )
        .await
        .err(404, "ERR_NO_TENANT_FOUND");
        let users = sup
            .get(&format!("/admin/users?searchParam={}", admin.email))
            .await;
        assert_eq!(users.ok()["count"], 0);
    }
}

#[actix_web::test]
async fn tenant_bad_input() {
    for server in TestServer::all().await {
        let sup = server.superadmin().await;
        let before = sup.get("/admin/tenants").await.ok().clone();
        let bad = [
            json!({"name": "ab", "maxUsers": 1, "maxConnections": 1, "status": "active"}),
            json!({"name": "x".repeat(10_000), "maxUsers": 1, "maxConnections": 1, "status": "active"}),
            json!({"name": "Valid Name", "maxUsers": 0, "maxConnections": 1, "status": "active"}),
            json!({"name": "Valid Name", "maxUsers": 1, "maxConnections": -1, "status": "active"}),
            json!({"name": "Valid Name", "maxUsers": "abc", "maxConnections": 1, "status": "active"}),
            json!({"name": "Valid Name", "maxUsers": 1.5, "maxConnections": 1, "status": "active"}),
            json!({"name": "Valid Name", "maxUsers": 99_999_999_999i64, "maxConnections": 1}),
            json!({"name": "Valid Name", "maxUsers": 1, "maxConnections": 1, "status": "weird"}),
            json!({"name": "Valid Name", "maxUsers": 1, "maxConnections": 1, "status": 1}),
            json!({"maxUsers": 1, "maxConnections": 1, "status": "active"}),
            json!({"name": "Valid Name", "maxConnections": 1}),
            json!({"name": 7, "maxUsers": 1, "maxConnections": 1}),
            json!([]),
        ];
        for b in &bad {
            sup.post("/admin/tenants", b).await.client_error();
        }
        sup.raw("POST", "/admin/tenants", "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        assert_eq!(
            sup.get("/admin/tenants")
                .await
                .ok()
                .as_array()
                .map(Vec::len),
            before.as_array().map(Vec::len),
            "{}",
            server.backend
        );

        let t = create_tenant(&sup, "Target Co", 5).await;
        let path = format!("/admin/tenantsUpdate/{}", id_of(&t));
        for b in [
            json!({"name": "ab"}),
            json!({"name": "x".repeat(10_000)}),
            json!({"maxUsers": 0}),
            json!({"maxConnections": "many"}),
            json!({"status": "deleted"}),
        ] {
            sup.put(&path, &b).await.client_error();
        }
        sup.raw("PUT", &path, "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        let row = tenant_row(&sup, id_of(&t)).await.expect("row");
        assert_eq!(row["name"], "Target Co");
        assert_eq!(row["maxUsers"], 5);
        assert_eq!(row["status"], "active");

        sup.put("/admin/tenantsUpdate/abc", &json!({"name": "Name"}))
            .await
            .err(400, "ERR_INVALID_PATH_PARAMETER");
        sup.put("/admin/tenantsUpdate/99999999", &json!({"name": "Name"}))
            .await
            .err(404, "ERR_NO_TENANT_FOUND");
        sup.delete("/admin/tenants/abc")
            .await
            .err(400, "ERR_INVALID_PATH_PARAMETER");
        sup.delete("/admin/tenants/-1")
            .await
            .err(404, "ERR_NO_TENANT_FOUND");
    }
}

// ---------------------------------------------------------------- users

#[actix_web::test]
async fn platform_user_management() {
    for server in TestServer::all().await {
        let sup = server.superadmin().await;
        let admin = server.admin().await;
        // A tenant allowing one user: the super-admin is not bound by quotas.
        let t = create_tenant(&sup, "Tiny Co", 1).await;
        let tid = id_of(&t);
        let r = sup
            .post(
                "/admin/userTenants",
                &json!({"tenantId": tid.to_string(), "name": "Tiny Admin", "email": unique_email("tiny"),
                        "profile": "admin", "password": USER_PASSWORD}),
            )
            .await;
        let first = r.ok().clone();
        assert_eq!(first["tenantId"], tid, "{}", server.backend);
        assert_eq!(first["tenant"], json!({"id": tid, "name": "Tiny Co"}));
        assert_eq!(first["profile"], "admin");
        let second = create_tenant_user(&sup, tid, "user").await;
        let tiny = server
            .login(first["email"].as_str().expect("email"), USER_PASSWORD)
            .await;
        assert_eq!(tiny.tenant_id, tid);
        let agent = server
            .login(second["email"].as_str().expect("email"), USER_PASSWORD)
            .await;
        // Inside the tenant, the quota holds for its admin.
        tiny.post(
            "/users",
            &json!({"name": "Third", "email": unique_email("third"), "password": USER_PASSWORD}),
        )
        .await
        .err(400, "ERR_USER_LIMIT_USER_CREATION");

        // List across tenants, with the tenant label; filter by tenant and search.
        let all = sup.get("/admin/users?pageNumber=1&hasMore=true").await;
        let all = all.ok();
        assert!(all["count"].as_u64().is_some_and(|c| c >= 4));
        let users = all["users"].as_array().expect("users");
        let row = users
            .iter()
            .find(|u| u["id"].as_i64() == Some(admin.user_id))
            .expect("tenant 1 admin listed");
        assert_eq!(row["tenant"]["id"].as_i64(), Some(admin.tenant_id));
        assert!(row["tenant"]["name"].is_string());
        assert!(row["queues"].is_array() && row.get("passwordHash").is_none());
        let only = sup.get(&format!("/admin/users?tenantId={tid}")).await;
        let only = only.ok();
        assert_eq!(only["count"], 2);
        assert!(
            only["users"]
                .as_array()
                .expect("users")
                .iter()
                .all(|u| u["tenantId"] == tid && u["tenant"]["name"] == "Tiny Co")
        );
        let searched = sup
            .get(&format!("/admin/users?searchParam={}", &agent.email[..10]))
            .await;
        assert_eq!(searched.ok()["count"], 1);

        // Update any user: name, role, password (which ends their sessions).
        let r = sup
            .put(
                &format!("/admin/users/{}", agent.user_id),
                &json!({"name": "Promoted", "email": agent.email, "profile": "admin",
                        "password": "platform-set-1"}),
            )
            .await;
        let r = r.ok();
        assert_eq!(r["name"], "Promoted");
        assert_eq!(r["profile"], "admin");
        assert_eq!(r["tenant"]["id"], tid);
        assert_eq!(agent.get("/users").await.status, 401);
        let promoted = server.login(&agent.email, "platform-set-1").await;
        promoted
            .post(
                "/users",
                &json!({"name": "Over", "email": unique_email("o"), "password": USER_PASSWORD}),
            )
            .await
            .err(400, "ERR_USER_LIMIT_USER_CREATION");
        // No password typed: sessions survive.
        sup.put(
            &format!("/admin/users/{}", agent.user_id),
            &json!({"name": "Promoted Again", "password": ""}),
        )
        .await
        .ok();
        promoted.get("/users").await.ok();

        // Conflicts and unknowns.
        sup.put(
            &format!("/admin/users/{}", agent.user_id),
            &json!({"email": admin.email}),
        )
        .await
        .err(409, "ERR_EMAIL_ALREADY_EXISTS");
        sup.post(
            "/admin/userTenants",
            &json!({"tenantId": tid, "name": "Dup", "email": admin.email, "password": USER_PASSWORD}),
        )
        .await
        .err(409, "ERR_EMAIL_ALREADY_EXISTS");
        sup.post(
            "/admin/userTenants",
            &json!({"tenantId": 99_999_999, "name": "Nobody", "email": unique_email("n"), "password": USER_PASSWORD}),
        )
        .await
        .err(404, "ERR_NO_TENANT_FOUND");
        sup.put("/admin/users/99999999", &json!({"name": "Nobody"}))
            .await
            .err(404, "ERR_NO_USER_FOUND");
        let back = sup
            .get(&format!("/admin/users?tenantId={}", admin.tenant_id))
            .await;
        let back = back.ok();
        let me = back["users"]
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["id"].as_i64() == Some(admin.user_id))
            .expect("admin");
        assert_eq!(me["email"], admin.email.as_str());

        // A super-admin may create another super-admin.
        let other = create_tenant_user(&sup, sup.tenant_id, "super").await;
        let other = server
            .login(other["email"].as_str().expect("email"), USER_PASSWORD)
            .await;
        other.get("/admin/tenants").await.ok();
    }
}

#[actix_web::test]
async fn platform_user_bad_input() {
    for server in TestServer::all().await {
        let sup = server.superadmin().await;
        let admin = server.admin().await;
        for page in ["0", "-2", "abc"] {
            sup.get(&format!("/admin/users?pageNumber={page}"))
                .await
                .err(400, "ERR_INVALID_PAGE");
        }
        sup.get("/admin/users?tenantId=abc")
            .await
            .err(400, "ERR_INVALID_QUERY");
        sup.get("/admin/users?tenantId=99999999")
            .await
            .err(404, "ERR_NO_TENANT_FOUND");
        sup.get(&format!("/admin/users?searchParam={}", "x".repeat(10_000)))
            .await
            .client_error();

        let tid = admin.tenant_id;
        let bad = [
            json!({"tenantId": "abc", "name": "Ok Name", "email": unique_email("a"), "password": USER_PASSWORD}),
            json!({"tenantId": 1.5, "name": "Ok Name", "email": unique_email("b"), "password": USER_PASSWORD}),
            json!({"tenantId": -1, "name": "Ok Name", "email": unique_email("c"), "password": USER_PASSWORD}),
            json!({"tenantId": tid, "name": "x".repeat(10_000), "email": unique_email("d"), "password": USER_PASSWORD}),
            json!({"tenantId": tid, "name": "Ok Name", "email": "nope", "password": USER_PASSWORD}),
            json!({"tenantId": tid, "name": "Ok Name", "email": unique_email("e"), "password": "123"}),
            json!({"tenantId": tid, "name": "Ok Name", "email": unique_email("f"), "password": USER_PASSWORD, "profile": "root"}),
            json!({"name": "Ok Name", "email": unique_email("g"), "password": USER_PASSWORD}),
            json!({"tenantId": tid, "email": unique_email("h"), "password": USER_PASSWORD}),
        ];
        for b in &bad {
            sup.post("/admin/userTenants", b).await.client_error();
        }
        sup.raw(
            "POST",
            "/admin/userTenants",
            "application/json",
            b"{not json",
        )
        .await
        .err(400, "ERR_INVALID_JSON");
        let none = sup.get("/admin/users?searchParam=ok%20name").await;
        assert_eq!(none.ok()["count"], 0, "{}", server.backend);

        let path = format!("/admin/users/{}", admin.user_id);
        for b in [
            json!({"profile": "root"}),
            json!({"name": "x".repeat(10_000)}),
            json!({"email": "nope"}),
            json!({"password": "123"}),
            json!({"name": 3}),
        ] {
            sup.put(&path, &b).await.client_error();
        }
        sup.raw("PUT", &path, "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        sup.put("/admin/users/abc", &json!({"name": "Name"}))
            .await
            .err(400, "ERR_INVALID_PATH_PARAMETER");
        // The admin is untouched and still logged in.
        let me = admin.get(&format!("/users/{}", admin.user_id)).await;
        assert_eq!(me.ok()["profile"], "admin");
    }
}

// ---------------------------------------------------------------- channels

#[actix_web::test]
async fn channels_of_every_tenant() {
    for server in TestServer::all().await {
        let sup = server.superadmin().await;
        let beta = server.new_tenant("Beta Channels").await;
        let channel = server
            .prepared
            .state
            .stores
            .channels
            .create(
                &tenant_cx(beta.tenant_id),
                ChannelInput {
                    name: "Beta WhatsApp".into(),
                    r#type: ChannelType::Whatsapp,
                    is_default: true,
                    is_active: true,
                    farewell_message: None,
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
            .expect("channel");
        let all = sup.get("/admin/channels").await;
        let rows = all.ok().as_array().expect("array").clone();
        let row = rows
            .iter()
            .find(|c| c["id"].as_i64() == Some(i64::from(channel.id.get())))
            .expect("beta channel listed");
        assert_eq!(row["name"], "Beta WhatsApp", "{}", server.backend);
        assert_eq!(row["type"], "whatsapp");
        assert!(row["status"].is_string() && row["updatedAt"].is_string());
        assert_eq!(
            row["tenant"],
            json!({"id": beta.tenant_id, "name": "Beta Channels"})
        );
        assert!(row.get("qrcode").is_none());
        assert!(row.get("tokenTelegram").is_none() && row.get("session").is_none());

        let only = sup
            .get(&format!("/admin/channels?tenantId={}", beta.tenant_id))
            .await;
        let only = only.ok().as_array().expect("array").clone();
        assert_eq!(only.len(), 1);
        assert_eq!(only[0]["tenantId"], beta.tenant_id);

        sup.get("/admin/channels?tenantId=abc")
            .await
            .err(400, "ERR_INVALID_QUERY");
        sup.get("/admin/channels?tenantId=99999999")
            .await
            .err(404, "ERR_NO_TENANT_FOUND");
        beta.get("/admin/channels")
            .await
            .err(403, "ERR_NO_PERMISSION");
    }
}
