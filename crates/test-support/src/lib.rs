//! Test harnesses shared by the workspace's test suites (a dev-dependency only).
//!
//! [`TestDb`] hands every test its own fresh database: a temporary SQLite file always, and a
//! randomly named PostgreSQL database when `TEST_DATABASE_URL` points at a server. With
//! `REQUIRE_SERVICES=1` (CI) a missing or unreachable service fails the test instead of being
//! skipped; a skip always prints why.

#![allow(
    clippy::expect_used,
    reason = "test harness: a broken fixture must stop the test"
)]

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database};

/// True when CI demands every external service (`REQUIRE_SERVICES=1`).
pub fn services_required() -> bool {
    std::env::var("REQUIRE_SERVICES").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Reports a missing service: a failure under `REQUIRE_SERVICES=1`, a printed skip otherwise.
pub fn missing_service(what: &str) {
    assert!(!services_required(), "REQUIRE_SERVICES=1 but {what}");
    eprintln!("skipping the {what} part of this test: {what}");
}

enum Kind {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, name: String },
}

/// A fresh, empty database for one test, removed when dropped.
pub struct TestDb {
    url: String,
    kind: Kind,
}

impl TestDb {
    /// A new SQLite database in a temporary directory.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path: PathBuf = dir.path().join("test.db");
        TestDb {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            kind: Kind::Sqlite { _dir: dir },
        }
    }

    /// A new PostgreSQL database on the server of `TEST_DATABASE_URL`, or `None` (with the
    /// reason printed) when it is not set. Panics under `REQUIRE_SERVICES=1` when unavailable.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            missing_service("TEST_DATABASE_URL is not set (no PostgreSQL)");
            return None;
        };
        let admin = match Database::connect(admin_url.as_str()).await {
            Ok(db) => db,
            Err(e) => {
                missing_service(&format!(
                    "PostgreSQL at TEST_DATABASE_URL is unreachable: {e}"
                ));
                return None;
            }
        };
        let name = format!("tt_test_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let url = replace_database(&admin_url, &name);
        Some(TestDb {
            url,
            kind: Kind::Postgres { admin_url, name },
        })
    }

    /// SQLite always, plus PostgreSQL when configured: run a test body once per backend.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite()];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    /// The connection URL of this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `"sqlite"` or `"postgres"`, for assertion messages.
    pub fn backend_name(&self) -> &'static str {
        match self.kind {
            Kind::Sqlite { .. } => "sqlite",
            Kind::Postgres { .. } => "postgres",
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Kind::Postgres { admin_url, name } = &self.kind else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs inside the test's runtime; a fresh thread with its own runtime can block.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = admin.execute_unprepared(&sql).await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// `postgres://u@h:5432/test?x=y` with the database part replaced by `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("postgres://h/test?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://h", "x"), "postgres://h/x");
    }
}
