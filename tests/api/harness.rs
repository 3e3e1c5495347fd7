//! The server under test: the real `tiktickets` wiring, started in process on 127.0.0.1:0 on
//! a fresh database (SQLite always, PostgreSQL too when `TEST_DATABASE_URL` is set), driven
//! over real HTTP with awc.

#![allow(
    clippy::expect_used,
    reason = "test harness: a broken fixture must stop the test"
)]

use std::time::Duration;

use actix_web::dev::ServerHandle;
use serde_json::{Value, json};
use tiktickets_app::serve::{Prepared, http_server, prepare};
use tiktickets_app::settings::Settings;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::password::hash_password;
use tiktickets_domain::store::users::NewUser;
use tiktickets_persistence::provision_tenant;
use tiktickets_test_support::TestDb;

/// Seeded admin of tenant 1.
pub const ADMIN_EMAIL: &str = "admin@tenant1.test";
/// Its password.
pub const ADMIN_PASSWORD: &str = "admin-password-1";
/// Seeded super-admin.
pub const SUPER_EMAIL: &str = "super@platform.test";
/// Its password.
pub const SUPER_PASSWORD: &str = "super-password-1";
/// Password of every user the fixtures create.
pub const USER_PASSWORD: &str = "user-password-1";
/// The secret access tokens are signed with (every test server uses it).
pub const JWT_SECRET: &str = "test-access-secret-0123456789abcdefghijkl";
/// The secret refresh tokens are signed with.
pub const REFRESH_SECRET: &str = "test-refresh-secret-0123456789abcdefghijk";

/// A running server on its own database.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The database URL (another instance can share it).
    #[allow(dead_code, reason = "used by the sessions tests")]
    pub db_url: String,
    /// The wiring (database handle for fixtures).
    pub prepared: Prepared,
    handle: ServerHandle,
    /// The database, when this server owns it (not for [`TestServer::start_on`]).
    _db: Option<TestDb>,
    _media: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server on `db`.
    pub async fn start(db: TestDb) -> TestServer {
        TestServer::start_with(db, &[]).await
    }

    /// Starts a server on `db` with more settings (`("realtime.ping_interval_ms", "200")`),
    /// which win over the harness's own.
    pub async fn start_with(db: TestDb, extra_overrides: &[(&str, &str)]) -> TestServer {
        let mut server = TestServer::start_on(db.url(), extra_overrides).await;
        server.backend = db.backend_name();
        server._db = Some(db);
        server
    }

    /// Starts another instance on a database some other server owns (`url`), e.g. a second
    /// API instance sharing the first one's database and Redis. The database is migrated and
    /// seeded again, which leaves an already prepared one as it is.
    pub async fn start_on(url: &str, extra_overrides: &[(&str, &str)]) -> TestServer {
        let media = tempfile::tempdir().expect("media dir");
        let media_dir = media.path().display().to_string();
        let mut overrides: Vec<(&str, &str)> = vec![
            ("database.url", url),
            ("server.port", "0"),
            ("seed.admin_email", ADMIN_EMAIL),
            ("seed.admin_password", ADMIN_PASSWORD),
            ("seed.super_email", SUPER_EMAIL),
            ("seed.super_password", SUPER_PASSWORD),
            ("auth.jwt_secret", JWT_SECRET),
            ("auth.refresh_secret", REFRESH_SECRET),
            ("media.dir", &media_dir),
            // Small, so that the over-the-limit upload tests stay cheap.
            ("http.upload_limit_bytes", "2097152"),
            ("log.filter", "warn"),
            // The API tests need no browser; the session tests (tests/sessions) start them.
            ("sessions.enabled", "false"),
        ];
        overrides.extend_from_slice(extra_overrides);
        let settings = Settings::from_overrides(&overrides).expect("test settings");
        let prepared = prepare(&settings).await.expect("prepare server");
        let (server, addrs) =
            http_server(&prepared, "127.0.0.1", 0, Some(1)).expect("bind test server");
        let handle = server.handle();
        actix_web::rt::spawn(server);
        let addr = addrs.first().expect("bound address");
        TestServer {
            base: format!("http://{addr}"),
            db_url: url.to_owned(),
            backend: if url.starts_with("postgres") {
                "postgres"
            } else {
                "sqlite"
            },
            prepared,
            handle,
            _db: None,
            _media: media,
        }
    }

    /// One server per configured backend (SQLite, then PostgreSQL when configured).
    pub async fn all() -> Vec<TestServer> {
        let mut servers = Vec::new();
        for db in TestDb::all().await {
            servers.push(TestServer::start(db).await);
        }
        servers
    }

    /// Where this server keeps media files.
    #[allow(dead_code, reason = "used by the sessions tests")]
    pub fn media_dir(&self) -> &std::path::Path {
        self._media.path()
    }

    /// A client without a token.
    pub fn anon(&self) -> Session {
        Session {
            base: self.base.clone(),
            token: None,
            user_id: 0,
            tenant_id: 0,
            email: String::new(),
        }
    }

    /// Logs in; panics on failure.
    pub async fn login(&self, email: &str, password: &str) -> Session {
        let r = self
            .anon()
            .post(
                "/auth/login",
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(r.status, 200, "login {email}: {}", r.text);
        Session {
            base: self.base.clone(),
            token: Some(r.body["token"].as_str().expect("token").to_owned()),
            user_id: r.body["userId"].as_i64().expect("userId"),
            tenant_id: r.body["tenantId"].as_i64().expect("tenantId"),
            email: email.to_owned(),
        }
    }

    /// The seeded admin of tenant 1.
    pub async fn admin(&self) -> Session {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// The seeded super-admin.
    pub async fn superadmin(&self) -> Session {
        self.login(SUPER_EMAIL, SUPER_PASSWORD).await
    }

    /// A new tenant with its admin, logged in.
    pub async fn new_tenant(&self, name: &str) -> Session {
        let email = format!(
            "admin-{}@{}.test",
            uuid::Uuid::new_v4().simple(),
            name.to_lowercase().replace(' ', "-")
        );
        provision_tenant(&self.prepared.db, name, &email, Some(USER_PASSWORD))
            .await
            .expect("provision tenant");
        self.login(&email, USER_PASSWORD).await
    }

    /// A new user (agent by default) in the tenant of `of`, logged in.
    pub async fn new_user(&self, of: &Session, profile: UserProfile) -> Session {
        let email = format!(
            "{}-{}@users.test",
            profile.as_str(),
            uuid::Uuid::new_v4().simple()
        );
        let cx = TenantCtx::system(TenantId::from_verified(
            i32::try_from(of.tenant_id).expect("tenant id"),
        ));
        self.prepared
            .state
            .stores
            .users
            .create(
                &cx,
                NewUser {
                    name: format!("Agent {}", &email[..12]),
                    email: email.clone(),
                    password_hash: hash_password(USER_PASSWORD).expect("hash"),
                    profile,
                    configs: None,
                },
            )
            .await
            .expect("create user");
        self.login(&email, USER_PASSWORD).await
    }

    /// An agent (profile `user`) in the tenant of `of`.
    pub async fn agent(&self, of: &Session) -> Session {
        self.new_user(of, UserProfile::User).await
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
    }
}

/// A response: status, parsed JSON body (Null when empty or not JSON) and raw text.
#[derive(Debug)]
pub struct Resp {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Value,
    /// Raw body.
    pub text: String,
    /// Response headers (lower-case names).
    pub headers: Vec<(String, String)>,
}

impl Resp {
    /// Asserts a 2xx and returns the body.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert!(
            (200..300).contains(&self.status),
            "expected 2xx, got {}: {}",
            self.status,
            self.text
        );
        &self.body
    }

    /// Asserts an error status and `error` code, with a `message`.
    #[track_caller]
    pub fn err(&self, status: u16, code: &str) {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.body["error"], code,
            "unexpected error code; body: {}",
            self.text
        );
        assert!(
            self.body["message"].is_string(),
            "error without message: {}",
            self.text
        );
    }

    /// Asserts a 4xx with an `ERR_` code (never 5xx), for bad-input tests.
    #[track_caller]
    pub fn client_error(&self) {
        assert!(
            (400..500).contains(&self.status),
            "expected 4xx, got {}: {}",
            self.status,
            self.text
        );
        assert!(
            self.body["error"]
                .as_str()
                .is_some_and(|c| c.starts_with("ERR_")),
            "4xx without an ERR_ code: {}",
            self.text
        );
    }

    /// A header value.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A client, with or without a token.
#[derive(Debug, Clone)]
pub struct Session {
    /// Server base URL.
    pub base: String,
    /// Bearer token.
    pub token: Option<String>,
    /// `userId` of the login response.
    pub user_id: i64,
    /// `tenantId` of the login response.
    pub tenant_id: i64,
    /// Login e-mail.
    pub email: String,
}

/// A file part of a multipart body.
pub struct FilePart<'a> {
    /// Field name.
    pub field: &'a str,
    /// File name.
    pub file_name: &'a str,
    /// MIME type.
    pub mime: &'a str,
    /// Contents.
    pub bytes: &'a [u8],
}

fn client() -> awc::Client {
    awc::Client::builder()
        .timeout(Duration::from_secs(60))
        .finish()
}

impl Session {
    /// The same session with another token (e.g. a forged or expired one).
    pub fn with_token(&self, token: &str) -> Session {
        Session {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    fn request(&self, method: awc::http::Method, path: &str) -> awc::ClientRequest {
        let mut req = client().request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        req
    }

    async fn finish(
        res: Result<
            awc::ClientResponse<
                impl futures_util::Stream<
                    Item = Result<actix_web::web::Bytes, awc::error::PayloadError>,
                > + Unpin,
            >,
            awc::error::SendRequestError,
        >,
    ) -> Resp {
        let mut res = res.expect("request sent");
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let bytes = res
            .body()
            .limit(64 * 1024 * 1024)
            .await
            .expect("response body");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            body,
            text,
            headers,
        }
    }

    /// GET.
    pub async fn get(&self, path: &str) -> Resp {
        Self::finish(self.request(awc::http::Method::GET, path).send().await).await
    }

    /// DELETE.
    pub async fn delete(&self, path: &str) -> Resp {
        Self::finish(self.request(awc::http::Method::DELETE, path).send().await).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        Self::finish(
            self.request(awc::http::Method::POST, path)
                .send_json(body)
                .await,
        )
        .await
    }

    /// PUT with a JSON body.
    pub async fn put(&self, path: &str, body: &Value) -> Resp {
        Self::finish(
            self.request(awc::http::Method::PUT, path)
                .send_json(body)
                .await,
        )
        .await
    }

    /// DELETE with a JSON body.
    pub async fn delete_json(&self, path: &str, body: &Value) -> Resp {
        Self::finish(
            self.request(awc::http::Method::DELETE, path)
                .send_json(body)
                .await,
        )
        .await
    }

    /// Any method with a raw body and content type (malformed-input tests).
    pub async fn raw(&self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Resp {
        let method = awc::http::Method::from_bytes(method.as_bytes()).expect("method");
        Self::finish(
            self.request(method, path)
                .insert_header(("Content-Type", content_type.to_owned()))
                .send_body(body.to_vec())
                .await,
        )
        .await
    }

    /// Any method with extra headers and no body (CORS preflights).
    pub async fn raw_with_headers(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Resp {
        let method = awc::http::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.request(method, path);
        for (k, v) in headers {
            req = req.insert_header(((*k).to_owned(), (*v).to_owned()));
        }
        Self::finish(req.send().await).await
    }

    /// A multipart form (text fields and files) with the given method.
    pub async fn multipart(
        &self,
        method: &str,
        path: &str,
        fields: &[(&str, &str)],
        files: &[FilePart<'_>],
    ) -> Resp {
        let boundary = format!("----tiktickets{}", uuid::Uuid::new_v4().simple());
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for f in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                    f.field, f.file_name, f.mime
                )
                .as_bytes(),
            );
            body.extend_from_slice(f.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.raw(
            method,
            path,
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
        )
        .await
    }
}
