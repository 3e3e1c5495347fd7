//! End-to-end: the real `tiktickets` binary, started in a fresh working directory, on SQLite
//! always and on PostgreSQL when `TEST_DATABASE_URL` is set.

#![allow(
    clippy::expect_used,
    reason = "test helpers: a broken fixture must stop the test"
)]
#![allow(
    clippy::zombie_processes,
    reason = "Server::drop kills and waits for the child"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tiktickets_test_support::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_tiktickets");

/// A `tiktickets` command in `dir`, with no inherited TIKTICKETS__* settings.
fn tiktickets(dir: &Path, database_url: Option<&str>) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).env("RUST_LOG", "warn");
    for (key, _) in std::env::vars() {
        if key.starts_with("TIKTICKETS") || key == "DATABASE_URL" || key == "REDIS_URL" {
            cmd.env_remove(key);
        }
    }
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd
}

/// A running server and the lines it printed before listening.
struct Server {
    child: Child,
    port: u16,
    banner: Vec<String>,
}

impl Server {
    fn start(dir: &Path, database_url: Option<&str>) -> Server {
        let mut child = tiktickets(dir, database_url)
            .args(["serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn tiktickets serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut banner = Vec::new();
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(120))
                .expect("server printed its address");
            if let Some(addr) = line.strip_prefix("listening on http://") {
                let port = addr
                    .rsplit(':')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .expect("port");
                return Server {
                    child,
                    port,
                    banner,
                };
            }
            banner.push(line);
        }
    }

    fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .expect("write");
        let mut raw = String::new();
        stream.read_to_string(&mut raw).expect("read");
        let status = raw
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        let body = raw.split("\r\n\r\n").nth(1).unwrap_or_default();
        (
            status,
            serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn output(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("run tiktickets");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn serve_on_a_fresh_directory_creates_sqlite_prints_logins_and_answers_health() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), None);
    assert!(
        dir.path().join("data/tiktickets.db").is_file(),
        "the SQLite file is created in ./data"
    );
    let banner = server.banner.join("\n");
    assert!(
        banner.contains("admin@tiktickets.local  password: "),
        "{banner}"
    );
    assert!(
        banner.contains("super@tiktickets.local  password: "),
        "{banner}"
    );
    let (status, body) = server.get("/health");
    assert_eq!(status, 200);
    assert_eq!(
        body,
        serde_json::json!({"status": "ok", "database": "sqlite"})
    );
    drop(server);

    // Second start: the seed is recorded, so no new password is generated or printed.
    let again = Server::start(dir.path(), None);
    let banner = again.banner.join("\n");
    assert!(!banner.contains("password: "), "{banner}");
    assert!(
        banner.contains("Log in as admin@tiktickets.local"),
        "{banner}"
    );
    assert_eq!(again.get("/health").0, 200);
}

#[tokio::test]
async fn serve_on_postgres_reports_postgres() {
    let Some(pg) = TestDb::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), Some(pg.url()));
    let (status, body) = server.get("/health");
    assert_eq!(status, 200);
    assert_eq!(
        body,
        serde_json::json!({"status": "ok", "database": "postgres"})
    );
    assert!(
        !dir.path().join("data/tiktickets.db").exists(),
        "no SQLite file when PostgreSQL is configured"
    );
}

#[tokio::test]
async fn migrate_seed_and_create_tenant_commands_work_on_every_backend() {
    for db in TestDb::all().await {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = Some(db.url());
        let name = db.backend_name();

        let (ok, text) = output(tiktickets(dir.path(), url).args(["migrate", "status"]));
        assert!(
            ok && text.contains("pending") && !text.contains("applied "),
            "{name}: {text}"
        );
        let (ok, text) = output(tiktickets(dir.path(), url).args(["migrate", "up"]));
        assert!(ok, "{name}: {text}");
        let (ok, text) = output(tiktickets(dir.path(), url).args(["migrate", "status"]));
        assert!(ok && !text.contains("pending"), "{name}: {text}");

        let (ok, text) = output(
            tiktickets(dir.path(), url)
                .env("TIKTICKETS__SEED__ADMIN_PASSWORD", "admin-secret")
                .env("TIKTICKETS__SEED__SUPER_PASSWORD", "super-secret")
                .arg("seed"),
        );
        assert!(ok && text.contains("as configured"), "{name}: {text}");
        assert!(
            !text.contains("admin-secret"),
            "{name}: configured passwords are never printed"
        );
        let (ok, text) = output(tiktickets(dir.path(), url).arg("seed"));
        assert!(
            ok && text.contains("Log in as"),
            "{name}: second seed is a no-op: {text}"
        );

        let (ok, text) = output(tiktickets(dir.path(), url).args([
            "create-tenant",
            "--name",
            "Acme",
            "--admin-email",
            "boss@acme.test",
        ]));
        assert!(
            ok && text.contains("Created tenant") && text.contains("boss@acme.test  password: "),
            "{name}: {text}"
        );
        let (ok, text) = output(tiktickets(dir.path(), url).args([
            "create-tenant",
            "--name",
            "Acme 2",
            "--admin-email",
            "boss@acme.test",
        ]));
        assert!(
            !ok && text.contains("already in use"),
            "{name}: duplicate e-mail refused: {text}"
        );
        let (ok, text) = output(tiktickets(dir.path(), url).args([
            "create-tenant",
            "--name",
            "X",
            "--admin-email",
            "not-an-email",
        ]));
        assert!(
            !ok && text.contains("name"),
            "{name}: one-letter name refused: {text}"
        );

        let (ok, text) = output(tiktickets(dir.path(), url).args(["migrate", "down"]));
        assert!(ok, "{name}: {text}");
        let (ok, text) = output(tiktickets(dir.path(), url).args(["migrate", "status"]));
        assert!(
            ok && !text.contains("applied "),
            "{name}: everything reverted: {text}"
        );
    }
}

#[test]
fn bad_configuration_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, text) =
        output(tiktickets(dir.path(), Some("mysql://nope")).args(["migrate", "status"]));
    assert!(
        !ok && text.contains("database.url must start with"),
        "{text}"
    );
    let (ok, text) = output(
        tiktickets(dir.path(), None)
            .env("TIKTICKETS__SEED__ADMIN_EMAIL", "nobody")
            .args(["migrate", "status"]),
    );
    assert!(!ok && text.contains("seed.admin_email"), "{text}");
    let (ok, text) = output(
        tiktickets(dir.path(), None)
            .env("TIKTICKETS__SERVER__PORT", "http")
            .args(["migrate", "status"]),
    );
    assert!(!ok && text.to_lowercase().contains("port"), "{text}");
    let (ok, _) = output(tiktickets(dir.path(), None).arg("no-such-command"));
    assert!(!ok);
}
