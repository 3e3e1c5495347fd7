//! Login, refresh, logout, token checks, throttling, CORS and the API document
//! (client-contract.md §2, §3).

use serde_json::json;

use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, SUPER_EMAIL, TestServer};

#[actix_web::test]
async fn login_returns_what_the_client_stores() {
    for server in TestServer::all().await {
        let r = server
            .anon()
            .post(
                "/auth/login",
                &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
            )
            .await;
        let body = r.ok();
        assert!(body["token"].as_str().is_some_and(|t| t.len() > 20));
        assert_eq!(body["newToken"], body["token"]);
        assert!(body["refreshToken"].is_string());
        assert_eq!(body["email"], ADMIN_EMAIL);
        assert_eq!(body["profile"], "admin");
        assert_eq!(body["status"], "online");
        assert!(body["userId"].is_i64(), "userId must be a number");
        assert!(body["tenantId"].is_i64(), "tenantId must be a number");
        assert!(body["username"].is_string());
        assert!(body["queues"].is_array());
        assert!(body["configs"].is_object());

        // E-mails are case-insensitive; the token works on a protected route.
        let admin = server
            .login(&ADMIN_EMAIL.to_uppercase(), ADMIN_PASSWORD)
            .await;
        assert_eq!(admin.get("/queue").await.status, 200);
    }
}

#[actix_web::test]
async fn wrong_credentials_are_401_and_never_reveal_which() {
    for server in TestServer::all().await {
        let anon = server.anon();
        anon.post(
            "/auth/login",
            &json!({"email": ADMIN_EMAIL, "password": "nope-nope"}),
        )
        .await
        .err(401, "ERR_INVALID_CREDENTIALS");
        anon.post(
            "/auth/login",
            &json!({"email": "ghost@x.test", "password": "whatever"}),
        )
        .await
        .err(401, "ERR_INVALID_CREDENTIALS");
        anon.post("/auth/login", &json!({"email": ADMIN_EMAIL}))
            .await
            .client_error();
        anon.post("/auth/login", &json!({"email": 5, "password": []}))
            .await
            .client_error();
        anon.raw("POST", "/auth/login", "application/json", b"{\"email\":")
            .await
            .err(400, "ERR_INVALID_JSON");
        anon.post(
            "/auth/login",
            &json!({"email": "a".repeat(10_000), "password": "x"}),
        )
        .await
        .client_error();
    }
}

#[actix_web::test]
async fn repeated_failures_are_throttled_per_ip_and_email() {
    for server in TestServer::all().await {
        let anon = server.anon();
        for _ in 0..5 {
            anon.post(
                "/auth/login",
                &json!({"email": SUPER_EMAIL, "password": "bad-bad"}),
            )
            .await
            .err(401, "ERR_INVALID_CREDENTIALS");
        }
        let blocked = anon
            .post(
                "/auth/login",
                &json!({"email": SUPER_EMAIL, "password": "bad-bad"}),
            )
            .await;
        blocked.err(429, "ERR_TOO_MANY_LOGIN_ATTEMPTS");
        assert!(blocked.header("retry-after").is_some());
        // Even the right password waits out the window: the pair is blocked.
        anon.post(
            "/auth/login",
            &json!({"email": SUPER_EMAIL, "password": crate::harness::SUPER_PASSWORD}),
        )
        .await
        .err(429, "ERR_TOO_MANY_LOGIN_ATTEMPTS");
        // Another e-mail from the same address is not blocked.
        server.admin().await;
    }
}

#[actix_web::test]
async fn protected_routes_need_a_valid_token_and_answer_401() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        server
            .anon()
            .get("/tickets?status[]=open")
            .await
            .err(401, "ERR_TOKEN_NOT_PROVIDED");
        admin
            .with_token("not-a-jwt")
            .get("/queue")
            .await
            .err(401, "ERR_INVALID_TOKEN");
        // A token signed with another secret.
        let forged = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MSwidGVuYW50SWQiOjEsInByb2ZpbGUiOiJhZG1pbiIsInVzZXJuYW1lIjoieCIsInRva2VuVmVyc2lvbiI6MCwiaWF0IjoxLCJleHAiOjk5OTk5OTk5OTksInR5cCI6ImFjY2VzcyJ9.c2lnbmF0dXJl";
        admin
            .with_token(forged)
            .get("/queue")
            .await
            .err(401, "ERR_INVALID_TOKEN");
        // A refresh token is not an access token.
        let login = server
            .anon()
            .post(
                "/auth/login",
                &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
            )
            .await;
        let refresh = login.body["refreshToken"].as_str().unwrap_or_default();
        admin
            .with_token(refresh)
            .get("/queue")
            .await
            .err(401, "ERR_INVALID_TOKEN");
    }
}

#[actix_web::test]
async fn refresh_rotates_tokens_for_every_tenant_and_logout_revokes_them() {
    for server in TestServer::all().await {
        // A second tenant: the reference could refresh only tenant 1.
        let beta = server.new_tenant("Beta").await;
        let login = server
            .anon()
            .post(
                "/auth/login",
                &json!({"email": beta.email, "password": crate::harness::USER_PASSWORD}),
            )
            .await;
        let first_refresh = login.body["refreshToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let r = server
            .anon()
            .post(
                "/auth/refresh_token",
                &json!({"refreshToken": first_refresh}),
            )
            .await;
        let body = r.ok();
        let new_token = body["newToken"].as_str().unwrap_or_default().to_owned();
        assert_eq!(body["token"], body["newToken"]);
        assert_eq!(body["tenantId"], beta.tenant_id);
        let rotated = body["refreshToken"].as_str().unwrap_or_default().to_owned();
        assert_ne!(rotated, first_refresh);
        let refreshed = beta.with_token(&new_token);
        assert_eq!(refreshed.get("/queue").await.status, 200);

        // Garbage and missing refresh tokens.
        server
            .anon()
            .post("/auth/refresh_token", &json!({"refreshToken": "garbage"}))
            .await
            .err(401, "ERR_SESSION_EXPIRED");
        server
            .anon()
            .post("/auth/refresh_token", &json!({}))
            .await
            .client_error();

        // Logout ends every session of the user: access and refresh tokens.
        refreshed
            .post("/auth/logout", &json!({"userId": beta.user_id.to_string()}))
            .await
            .ok();
        refreshed
            .get("/queue")
            .await
            .err(401, "ERR_SESSION_EXPIRED");
        beta.get("/queue").await.err(401, "ERR_SESSION_EXPIRED");
        server
            .anon()
            .post("/auth/refresh_token", &json!({"refreshToken": rotated}))
            .await
            .err(401, "ERR_SESSION_EXPIRED");
        // Logout without a token is refused (the reference logged out any user id).
        server
            .anon()
            .post("/auth/logout", &json!({"userId": "1"}))
            .await
            .err(401, "ERR_TOKEN_NOT_PROVIDED");
    }
}

#[actix_web::test]
async fn inactive_tenants_cannot_log_in() {
    for server in TestServer::all().await {
        let beta = server.new_tenant("Dormant").await;
        let cx = tiktickets_domain::PlatformCtx::system();
        server
            .prepared
            .state
            .stores
            .tenants
            .update(
                &cx,
                tiktickets_domain::ids::TenantId::from_verified(
                    i32::try_from(beta.tenant_id).unwrap_or_default(),
                ),
                tiktickets_domain::store::tenants::TenantPatch {
                    status: Some(tiktickets_domain::enums::TenantStatus::Inactive),
                    ..Default::default()
                },
            )
            .await
            .ok();
        server
            .anon()
            .post(
                "/auth/login",
                &json!({"email": beta.email, "password": crate::harness::USER_PASSWORD}),
            )
            .await
            .err(401, "ERR_COMPANY_NOT_ACTIVE");
    }
}

#[actix_web::test]
async fn cors_preflight_allows_the_client_headers() {
    for server in TestServer::all().await {
        let preflight = server
            .anon()
            .raw_with_headers(
                "OPTIONS",
                "/tickets",
                &[
                    ("Origin", "http://localhost:8080"),
                    ("Access-Control-Request-Method", "GET"),
                    (
                        "Access-Control-Request-Headers",
                        "authorization,cache-control,expires,pragma,if-none-match,x-priority",
                    ),
                ],
            )
            .await;
        assert!(preflight.status < 300, "preflight: {}", preflight.status);
        assert_eq!(
            preflight.header("access-control-allow-origin"),
            Some("http://localhost:8080")
        );
        let allowed = preflight
            .header("access-control-allow-headers")
            .unwrap_or_default()
            .to_ascii_lowercase();
        for h in [
            "authorization",
            "cache-control",
            "x-priority",
            "if-none-match",
        ] {
            assert!(allowed.contains(h), "{h} not allowed: {allowed}");
        }
        let methods = preflight
            .header("access-control-allow-methods")
            .unwrap_or_default();
        for m in ["GET", "POST", "PUT", "DELETE"] {
            assert!(methods.contains(m), "{m} not allowed: {methods}");
        }
    }
}

#[actix_web::test]
async fn unknown_routes_methods_and_trailing_slashes() {
    for server in TestServer::all().await {
        let admin = server.admin().await;
        admin
            .get("/no-such-route")
            .await
            .err(404, "ERR_ROUTE_NOT_FOUND");
        assert_eq!(admin.get("/queue/").await.status, 200);
        assert_eq!(admin.get("/tags/?isActive=null").await.status, 200);
        let wrong_method = admin
            .raw("PATCH", "/auth/login", "application/json", b"{}")
            .await;
        wrong_method.client_error();
    }
}

#[actix_web::test]
async fn openapi_document_and_page_are_served() {
    for server in TestServer::all().await {
        let doc = server.anon().get("/api-docs/openapi.json").await;
        let body = doc.ok();
        assert!(
            body["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3."))
        );
        let paths = body["paths"].as_object().cloned().unwrap_or_default();
        for p in [
            "/auth/login",
            "/tickets",
            "/tickets/{id}",
            "/messages/{ticketId}",
        ] {
            assert!(paths.contains_key(p), "{p} missing from the document");
        }
        let page = server.anon().get("/api-docs/").await;
        assert_eq!(page.status, 200);
        assert!(
            page.text.to_lowercase().contains("swagger"),
            "not the docs page"
        );
    }
}

#[actix_web::test]
async fn imported_bcrypt_passwords_log_in_and_are_upgraded_without_ending_sessions() {
    use tiktickets_domain::enums::UserProfile;
    use tiktickets_domain::store::users::NewUser;

    for server in TestServer::all().await {
        let admin = server.admin().await;
        let cx = crate::fixtures::system_cx(&admin);
        let users = &server.prepared.state.stores.users;
        let legacy = bcrypt::hash("legacy-pass-1", 4).unwrap_or_default();
        let user = users
            .create(
                &cx,
                NewUser {
                    name: "Legado".into(),
                    email: "legacy@tenant1.test".into(),
                    password_hash: legacy,
                    profile: UserProfile::User,
                    configs: None,
                },
            )
            .await
            .ok();
        let Some(user) = user else {
            panic!("user not created")
        };
        let first = server.login("legacy@tenant1.test", "legacy-pass-1").await;
        let stored = users.password_hash(&cx, user.id).await.unwrap_or_default();
        assert!(
            stored.starts_with("$argon2id$"),
            "upgraded to argon2id: {stored}"
        );
        // The upgrade is not a password change: the session stays valid, the password works.
        assert_eq!(first.get("/queue").await.status, 200);
        server.login("legacy@tenant1.test", "legacy-pass-1").await;
        server
            .anon()
            .post(
                "/auth/login",
                &json!({"email": "legacy@tenant1.test", "password": "wrong-pass"}),
            )
            .await
            .err(401, "ERR_INVALID_CREDENTIALS");
    }
}
