//! Users (client-contract.md §7, behaviour.md §3.2, data-model.md §7.10), end to end.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{TicketChannel, TicketStatus, UserProfile};
use tiktickets_domain::ids::{TenantId, TicketId, UserId};
use tiktickets_domain::phone::normalize;
use tiktickets_domain::store::contacts::ContactInput;
use tiktickets_domain::store::queues::QueueInput;
use tiktickets_domain::store::tickets::NewTicket;
use tiktickets_domain::store::users::NewUser;

use crate::harness::{Session, TestServer, USER_PASSWORD};

fn cx_of(s: &Session) -> TenantCtx {
    TenantCtx::system(TenantId::from_verified(
        i32::try_from(s.tenant_id).unwrap_or_default(),
    ))
}

fn raw_id(v: i64) -> i32 {
    i32::try_from(v).unwrap_or_default()
}

fn id_of(v: &Value) -> i64 {
    v["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no numeric id in {v}"))
}

fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@users.test", uuid::Uuid::new_v4().simple())
}

fn queue_ids(user: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = user["queues"]
        .as_array()
        .unwrap_or_else(|| panic!("no queues array in {user}"))
        .iter()
        .map(id_of)
        .collect();
    ids.sort_unstable();
    ids
}

async fn queue(server: &TestServer, owner: &Session, name: &str) -> i64 {
    let q = server
        .prepared
        .state
        .stores
        .queues
        .create(
            &cx_of(owner),
            QueueInput {
                queue: name.to_owned(),
                is_active: true,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("create queue: {e}"));
    i64::from(q.id.get())
}

/// Creates a user through the API as `admin` and returns the response body.
async fn create_user(admin: &Session, profile: &str) -> Value {
    let email = unique_email(profile);
    admin
        .post(
            "/users",
            &json!({"name": "Maria Agent", "email": email, "profile": profile,
                    "password": USER_PASSWORD, "confirmPassword": USER_PASSWORD}),
        )
        .await
        .ok()
        .clone()
}

/// The row as its own tenant's admin reads it.
async fn read_back(owner_admin: &Session, id: i64) -> Value {
    owner_admin.get(&format!("/users/{id}")).await.ok().clone()
}

// ---------------------------------------------------------------- list and show

#[actix_web::test]
async fn list_search_page_and_show() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;

        let list = admin.get("/users?pageNumber=1&hasMore=true").await;
        let body = list.ok();
        assert!(
            body["count"].is_u64(),
            "{}: count must be a number",
            server.backend
        );
        assert_eq!(body["hasMore"], false);
        let users = body["users"].as_array().expect("users");
        let me = users
            .iter()
            .find(|u| u["id"].as_i64() == Some(admin.user_id))
            .expect("admin listed");
        assert_eq!(me["email"], admin.email.as_str());
        assert_eq!(me["profile"], "admin");
        assert!(me["name"].is_string() && me["queues"].is_array());
        assert!(me.get("passwordHash").is_none() && me.get("tokenVersion").is_none());

        // Search on e-mail (case-insensitive) and on name; agents may list too.
        let term = &agent.email[..12].to_uppercase();
        let found = agent
            .get(&format!("/users?searchParam={term}&pageNumber=1"))
            .await;
        let found = found.ok();
        assert_eq!(found["count"], 1, "{found}");
        assert_eq!(found["users"][0]["id"].as_i64(), Some(agent.user_id));
        let none = admin.get("/users?searchParam=no-such-user-anywhere").await;
        assert_eq!(none.ok()["users"], json!([]));
        // Wildcards are not patterns.
        let pct = admin.get("/users?searchParam=%25").await;
        assert_eq!(pct.ok()["count"], 0);

        // Past the last page: empty, no more.
        let far = admin.get("/users?pageNumber=50").await;
        assert_eq!(far.ok()["users"], json!([]));
        assert_eq!(far.body["hasMore"], false);

        let shown = agent.get(&format!("/users/{}", admin.user_id)).await;
        let shown = shown.ok();
        assert_eq!(shown["id"].as_i64(), Some(admin.user_id));
        assert_eq!(shown["tenantId"].as_i64(), Some(admin.tenant_id));
        assert!(shown.get("passwordHash").is_none());

        // Other tenants' users are invisible.
        let beta = server.new_tenant("Beta").await;
        let listed = beta.get("/users").await;
        assert!(
            listed.ok()["users"]
                .as_array()
                .expect("users")
                .iter()
                .all(|u| u["tenantId"].as_i64() == Some(beta.tenant_id))
        );
        beta.get(&format!("/users/{}", admin.user_id))
            .await
            .err(404, "ERR_NO_USER_FOUND");
        admin
            .get("/users/99999999")
            .await
            .err(404, "ERR_NO_USER_FOUND");
        admin.get("/users/-3").await.err(404, "ERR_NO_USER_FOUND");
    }
}

#[actix_web::test]
async fn list_refuses_bad_query_values() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        for page in ["0", "-1", "abc", "1.5", "99999999999999999999"] {
            admin
                .get(&format!("/users?pageNumber={page}"))
                .await
                .err(400, "ERR_INVALID_PAGE");
        }
        let long = "x".repeat(10_000);
        admin
            .get(&format!("/users?searchParam={long}"))
            .await
            .client_error();
        admin
            .get("/users/abc")
            .await
            .err(400, "ERR_INVALID_PATH_PARAMETER");
        server.anon().get("/users").await.client_error();
        assert_eq!(server.anon().get("/users").await.status, 401);
    }
}

// ---------------------------------------------------------------- create

#[actix_web::test]
async fn admin_creates_users_that_can_log_in() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let email = unique_email("New.Person");
        let created = admin
            .post(
                "/users",
                &json!({"name": "  New Person ", "email": email, "profile": "admin",
                        "password": USER_PASSWORD, "confirmPassword": USER_PASSWORD}),
            )
            .await;
        assert_eq!(created.status, 200, "{}: {}", server.backend, created.text);
        let user = created.ok();
        assert!(user["id"].is_i64());
        assert_eq!(user["name"], "New Person");
        assert_eq!(user["email"], email.to_lowercase());
        assert_eq!(user["profile"], "admin");
        assert_eq!(user["tenantId"].as_i64(), Some(admin.tenant_id));
        assert_eq!(user["queues"], json!([]));
        assert!(user.get("passwordHash").is_none());
        let session = server.login(&email, USER_PASSWORD).await;
        assert_eq!(session.user_id, id_of(user));

        // Profile defaults to `user` (not `admin` as in the reference); confirmPassword optional.
        let plain = admin
            .post(
                "/users",
                &json!({"name": "Plain", "email": unique_email("plain"), "password": USER_PASSWORD}),
            )
            .await;
        assert_eq!(plain.ok()["profile"], "user");
    }
}

#[actix_web::test]
async fn create_refusals() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let body = |email: &str| {
            json!({"name": "Someone", "email": email, "profile": "user",
                   "password": USER_PASSWORD, "confirmPassword": USER_PASSWORD})
        };

        // Agents may not create users.
        agent
            .post("/users", &body(&unique_email("by-agent")))
            .await
            .err(403, "ERR_NO_PERMISSION");
        // E-mails are unique across tenants, whatever the case.
        admin
            .post("/users", &body(&agent.email.to_uppercase()))
            .await
            .err(409, "ERR_EMAIL_ALREADY_EXISTS");
        let beta = server.new_tenant("Beta").await;
        beta.post("/users", &body(&agent.email))
            .await
            .err(409, "ERR_EMAIL_ALREADY_EXISTS");
        // An admin cannot mint super-admins.
        let mut sup = body(&unique_email("sup"));
        sup["profile"] = json!("super");
        admin
            .post("/users", &sup)
            .await
            .err(403, "ERR_NO_PERMISSION");
        // Passwords must match and follow the rules.
        let mut mismatch = body(&unique_email("mm"));
        mismatch["confirmPassword"] = json!("something-else");
        admin
            .post("/users", &mismatch)
            .await
            .err(400, "ERR_PASSWORD_MISMATCH");
        let mut short = body(&unique_email("short"));
        short["password"] = json!("12345");
        short["confirmPassword"] = json!("12345");
        admin.post("/users", &short).await.client_error();

        // Bad input is a 4xx with an ERR_ code, never a 5xx.
        let bad = [
            json!({"name": "X", "email": unique_email("a"), "password": USER_PASSWORD}),
            json!({"name": "x".repeat(10_000), "email": unique_email("b"), "password": USER_PASSWORD}),
            json!({"name": "Ok Name", "email": format!("{}@x.test", "e".repeat(10_000)), "password": USER_PASSWORD}),
            json!({"name": "Ok Name", "email": "not-an-email", "password": USER_PASSWORD}),
            json!({"name": "Ok Name", "email": unique_email("c"), "password": "p".repeat(10_000)}),
            json!({"name": "Ok Name", "email": unique_email("d"), "password": USER_PASSWORD, "profile": "root"}),
            json!({"name": "Ok Name", "email": unique_email("e"), "password": USER_PASSWORD, "profile": 1}),
            json!({"name": 5, "email": unique_email("f"), "password": USER_PASSWORD}),
            json!({"email": unique_email("g"), "password": USER_PASSWORD}),
            json!({"name": "Ok Name", "email": unique_email("h")}),
            json!([]),
            json!("text"),
        ];
        for b in &bad {
            let r = admin.post("/users", b).await;
            r.client_error();
        }
        admin
            .raw("POST", "/users", "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        admin
            .raw("POST", "/users", "text/plain", b"name=x")
            .await
            .client_error();
        // Nothing of the above was created.
        let listed = admin.get("/users?searchParam=ok%20name").await;
        assert_eq!(listed.ok()["count"], 0, "{}", server.backend);
    }
}

#[actix_web::test]
async fn quota_counts_every_user() {
    for server in TestServer::all().await {
        let sup = server.superadmin().await;
        // A tenant allowing 45 users, so a count capped at one page of 40 would be wrong (L-1).
        let tenant = sup
            .post(
                "/admin/tenants",
                &json!({"name": "Quota Co", "maxUsers": 45, "maxConnections": 1, "status": "active"}),
            )
            .await;
        let tenant_id = id_of(tenant.ok());
        let admin_email = unique_email("quota-admin");
        sup.post(
            "/admin/userTenants",
            &json!({"tenantId": tenant_id, "name": "Quota Admin", "email": admin_email,
                    "profile": "admin", "password": USER_PASSWORD}),
        )
        .await
        .ok();
        let admin = server.login(&admin_email, USER_PASSWORD).await;
        let cx = cx_of(&admin);
        let hash = tiktickets_domain::password::hash_password(USER_PASSWORD).expect("hash");
        for i in 0..43 {
            server
                .prepared
                .state
                .stores
                .users
                .create(
                    &cx,
                    NewUser {
                        name: format!("Filler {i}"),
                        email: unique_email("filler"),
                        password_hash: hash.clone(),
                        profile: UserProfile::User,
                        configs: None,
                    },
                )
                .await
                .expect("filler");
        }
        // 44 users now: one more fits, the next does not.
        create_user(&admin, "user").await;
        let refused = admin
            .post(
                "/users",
                &json!({"name": "One Too Many", "email": unique_email("over"),
                        "password": USER_PASSWORD}),
            )
            .await;
        refused.err(400, "ERR_USER_LIMIT_USER_CREATION");
        let listed = admin.get("/users").await;
        assert_eq!(listed.ok()["count"], 45, "{}", server.backend);
        assert_eq!(listed.body["hasMore"], true);
        let second = admin.get("/users?pageNumber=2").await;
        assert_eq!(second.ok()["users"].as_array().map(Vec::len), Some(5));
        assert_eq!(second.body["hasMore"], false);
    }
}

// ---------------------------------------------------------------- update

#[actix_web::test]
async fn admin_updates_profile_and_queues_from_the_whole_object() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let created = create_user(&admin, "user").await;
        let id = id_of(&created);
        let q1 = queue(&server, &admin, "Vendas").await;
        let q2 = queue(&server, &admin, "Suporte").await;

        // The queue dialog sends the whole user object, queues as ids or objects.
        let mut whole = created.clone();
        whole["queues"] = json!([q1, {"id": q2, "queue": "Suporte", "isActive": true}]);
        whole["profile"] = json!("admin");
        whole["name"] = json!("Maria Renamed");
        let updated = admin.put(&format!("/users/{id}"), &whole).await;
        let updated = updated.ok();
        assert_eq!(updated["profile"], "admin", "{}", server.backend);
        assert_eq!(updated["name"], "Maria Renamed");
        assert_eq!(queue_ids(updated), {
            let mut v = vec![q1, q2];
            v.sort_unstable();
            v
        });
        assert!(updated["queues"][0]["queue"].is_string());
        // The list shows the same queues (read in one batch for the whole page).
        let listed = admin.get("/users").await;
        let listed = listed.ok();
        let row = listed["users"]
            .as_array()
            .and_then(|users| users.iter().find(|u| id_of(u) == id))
            .unwrap_or_else(|| panic!("user {id} not listed: {listed}"));
        assert_eq!(queue_ids(row), queue_ids(updated), "{}", server.backend);

        // Ids as numeric strings; an empty list clears.
        let one = admin
            .put(
                &format!("/users/{id}"),
                &json!({"queues": [q1.to_string()]}),
            )
            .await;
        assert_eq!(queue_ids(one.ok()), vec![q1]);
        let cleared = admin
            .put(&format!("/users/{id}"), &json!({"queues": []}))
            .await;
        assert_eq!(queue_ids(cleared.ok()), Vec::<i64>::new());

        // A queue of another tenant is unknown, and nothing changes.
        admin
            .put(&format!("/users/{id}"), &json!({"queues": [q1]}))
            .await
            .ok();
        let beta = server.new_tenant("Beta").await;
        let foreign = queue(&server, &beta, "Foreign").await;
        let r = admin
            .put(
                &format!("/users/{id}"),
                &json!({"name": "Should Not Stick", "queues": [q1, foreign]}),
            )
            .await;
        assert_eq!(r.status, 404, "{}", r.text);
        let back = read_back(&admin, id).await;
        assert_eq!(queue_ids(&back), vec![q1]);
        assert_eq!(back["name"], "Maria Renamed");

        // Another tenant's admin cannot touch this user.
        beta.put(
            &format!("/users/{id}"),
            &json!({"name": "Hijacked", "profile": "user"}),
        )
        .await
        .err(404, "ERR_NO_USER_FOUND");
        let back = read_back(&admin, id).await;
        assert_eq!(back["name"], "Maria Renamed");
        assert_eq!(back["profile"], "admin");
    }
}

#[actix_web::test]
async fn update_refuses_bad_input() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let id = id_of(&create_user(&admin, "user").await);
        let path = format!("/users/{id}");
        let bad = [
            json!({"profile": "root"}),
            json!({"profile": 3}),
            json!({"name": "x".repeat(10_000)}),
            json!({"name": "x"}),
            json!({"email": "nope"}),
            json!({"email": 12}),
            json!({"password": "123"}),
            json!({"password": "p".repeat(10_000)}),
            json!({"queues": ["abc"]}),
            json!({"queues": [1.5]}),
            json!({"queues": [0]}),
            json!({"queues": [-4]}),
            json!({"queues": [{"name": "no id"}]}),
            json!({"queues": "1"}),
            json!([]),
        ];
        for b in &bad {
            let r = admin.put(&path, b).await;
            r.client_error();
        }
        admin
            .raw("PUT", &path, "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        admin
            .put("/users/abc", &json!({"name": "Name"}))
            .await
            .err(400, "ERR_INVALID_PATH_PARAMETER");
        admin
            .put("/users/99999999", &json!({"name": "Name"}))
            .await
            .err(404, "ERR_NO_USER_FOUND");
        // The row is unchanged.
        let back = read_back(&admin, id).await;
        assert_eq!(back["name"], "Maria Agent", "{}", server.backend);
        assert_eq!(back["profile"], "user");
    }
}

#[actix_web::test]
async fn agents_edit_only_themselves_and_never_their_role_or_queues() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let other = server.agent(&admin).await;
        let me = format!("/users/{}", agent.user_id);
        let q = queue(&server, &admin, "Vendas").await;

        // The profile form: name and e-mail, with the unchanged profile and queue list.
        let new_email = unique_email("renamed");
        let r = agent
            .put(
                &me,
                &json!({"name": "Agent Renamed", "email": new_email, "profile": "user", "queues": []}),
            )
            .await;
        let r = r.ok();
        assert_eq!(r["name"], "Agent Renamed", "{}", server.backend);
        assert_eq!(r["email"], new_email.as_str());

        // Raising one's own role or picking queues is refused (U-4), and changes nothing.
        agent
            .put(&me, &json!({"name": "Escalated", "profile": "admin"}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .put(&me, &json!({"queues": [q]}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        let back = read_back(&admin, agent.user_id).await;
        assert_eq!(back["profile"], "user");
        assert_eq!(back["name"], "Agent Renamed");
        assert_eq!(back["queues"], json!([]));

        // Another user of the same tenant is off limits.
        agent
            .put(
                &format!("/users/{}", other.user_id),
                &json!({"name": "Changed By Peer"}),
            )
            .await
            .err(403, "ERR_NO_PERMISSION");
        agent
            .put(
                &format!("/users/{}", other.user_id),
                &json!({"password": "new-password-9"}),
            )
            .await
            .err(403, "ERR_NO_PERMISSION");
        assert_ne!(
            read_back(&admin, other.user_id).await["name"],
            "Changed By Peer"
        );
        other.get("/users").await.ok();

        // Admins cannot grant or touch super-admin accounts.
        admin
            .put(&me, &json!({"profile": "super"}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        let sup = server.superadmin().await;
        if sup.tenant_id == admin.tenant_id {
            admin
                .put(
                    &format!("/users/{}", sup.user_id),
                    &json!({"password": "taken-over-1"}),
                )
                .await
                .err(403, "ERR_NO_PERMISSION");
            admin
                .delete(&format!("/users/{}", sup.user_id))
                .await
                .err(403, "ERR_NO_PERMISSION");
            sup.get("/users").await.ok();
        }
    }
}

#[actix_web::test]
async fn password_change_ends_old_sessions() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let me = format!("/users/{}", agent.user_id);

        // Own password change: the old token stops working, the new password logs in.
        agent
            .put(
                &me,
                &json!({"name": "Agent", "password": "brand-new-pass-1"}),
            )
            .await
            .ok();
        let stale = agent.get("/users").await;
        assert_eq!(stale.status, 401, "{}: {}", server.backend, stale.text);
        let again = server.login(&agent.email, "brand-new-pass-1").await;
        again.get("/users").await.ok();
        let old = server
            .anon()
            .post(
                "/auth/login",
                &json!({"email": agent.email, "password": USER_PASSWORD}),
            )
            .await;
        old.err(401, "ERR_INVALID_CREDENTIALS");

        // An empty password box changes nothing and keeps the session.
        again
            .put(&me, &json!({"name": "Agent", "password": ""}))
            .await
            .ok();
        again.get("/users").await.ok();

        // An admin resetting the password ends the agent's sessions too.
        admin
            .put(&me, &json!({"password": "admin-set-pass-1"}))
            .await
            .ok();
        assert_eq!(again.get("/users").await.status, 401);
        server.login(&agent.email, "admin-set-pass-1").await;
        // The admin's own session is untouched.
        admin.get("/users").await.ok();
    }
}

// ---------------------------------------------------------------- configs

#[actix_web::test]
async fn configs_merge_and_come_back_at_login() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let path = format!("/users/{}/configs", agent.user_id);
        let filters = json!({"searchParam": "", "pageNumber": 1, "status": ["open", "pending"],
                             "showAll": false, "queuesIds": []});
        let r = agent
            .put(
                &path,
                &json!({"filtrosAtendimento": filters, "isDark": true}),
            )
            .await;
        assert_eq!(r.ok()["isDark"], true, "{}", server.backend);
        let r = agent.put(&path, &json!({"isDark": false})).await;
        let merged = r.ok();
        assert_eq!(merged["isDark"], false);
        assert_eq!(merged["filtrosAtendimento"], filters);

        let login = server
            .anon()
            .post(
                "/auth/login",
                &json!({"email": agent.email, "password": USER_PASSWORD}),
            )
            .await;
        let login = login.ok();
        assert_eq!(login["configs"]["isDark"], false);
        assert_eq!(login["configs"]["filtrosAtendimento"], filters);

        // Admins may set them for others; peers may not; other tenants see nothing.
        admin.put(&path, &json!({"fromAdmin": 1})).await.ok();
        let peer = server.agent(&admin).await;
        peer.put(&path, &json!({"isDark": true}))
            .await
            .err(403, "ERR_NO_PERMISSION");
        let beta = server.new_tenant("Beta").await;
        beta.put(&path, &json!({"isDark": true}))
            .await
            .err(404, "ERR_NO_USER_FOUND");
        let now = agent.put(&path, &json!({})).await;
        assert_eq!(now.ok()["isDark"], false);
        assert_eq!(now.body["fromAdmin"], 1);

        // Only objects, of a sane size.
        for bad in [json!([]), json!("dark"), json!(1), json!(null)] {
            agent.put(&path, &bad).await.client_error();
        }
        agent
            .raw("PUT", &path, "application/json", b"{not json")
            .await
            .err(400, "ERR_INVALID_JSON");
        agent
            .put(&path, &json!({"blob": "x".repeat(70_000)}))
            .await
            .client_error();
        agent
            .put("/users/abc/configs", &json!({}))
            .await
            .err(400, "ERR_INVALID_PATH_PARAMETER");
        let still = agent.put(&path, &json!({})).await;
        assert!(still.ok().get("blob").is_none());
    }
}

// ---------------------------------------------------------------- delete

#[actix_web::test]
async fn delete_moves_open_tickets_back_to_pending() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        let agent = server.agent(&admin).await;
        let cx = cx_of(&admin);
        let stores = &server.prepared.state.stores;
        let contact = stores
            .contacts
            .create(
                &cx,
                ContactInput {
                    name: "Customer".into(),
                    number: Some(normalize("5511988887777").expect("number")),
                    email: None,
                    profile_pic_url: None,
                },
            )
            .await
            .expect("contact");
        let ticket = stores
            .tickets
            .create(
                &cx,
                NewTicket {
                    contact_id: contact.id,
                    whatsapp_id: None,
                    status: TicketStatus::Open,
                    user_id: Some(UserId::new(raw_id(agent.user_id))),
                    queue_id: None,
                    is_group: false,
                    channel: TicketChannel::Whatsapp,
                    is_active_demand: false,
                },
            )
            .await
            .expect("ticket");

        // Agents cannot delete; other tenants cannot see; nobody deletes themself.
        let path = format!("/users/{}", agent.user_id);
        server
            .agent(&admin)
            .await
            .delete(&path)
            .await
            .err(403, "ERR_NO_PERMISSION");
        let beta = server.new_tenant("Beta").await;
        beta.delete(&path).await.err(404, "ERR_NO_USER_FOUND");
        read_back(&admin, agent.user_id).await;
        admin
            .delete(&format!("/users/{}", admin.user_id))
            .await
            .err(409, "ERR_CANNOT_DELETE_SELF");
        admin
            .delete("/users/abc")
            .await
            .err(400, "ERR_INVALID_PATH_PARAMETER");
        admin
            .delete("/users/99999999")
            .await
            .err(404, "ERR_NO_USER_FOUND");

        let r = admin.delete(&path).await;
        assert_eq!(r.ok()["message"], "User deleted", "{}", server.backend);
        admin.get(&path).await.err(404, "ERR_NO_USER_FOUND");
        assert_eq!(agent.get("/users").await.status, 401);
        let after = stores
            .tickets
            .get(&cx, TicketId::new(ticket.id.get()))
            .await
            .expect("ticket survives");
        assert_eq!(after.status, TicketStatus::Pending);
        assert_eq!(after.user_id, None);
    }
}
