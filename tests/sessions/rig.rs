//! A server with sessions enabled, the fake WhatsApp Web it opens, and helpers to drive both.

#![allow(
    clippy::expect_used,
    reason = "test harness: a broken fixture must stop the test"
)]

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tiktickets_domain::ids::WhatsappId;
use tiktickets_test_support::{TestDb, missing_service};
use tiktickets_whatsapp_session::SessionManager;
use tiktickets_whatsapp_session::browser::find_chromium;
use tiktickets_whatsapp_session::live::Live;
use tokio::sync::{Mutex, MutexGuard};

use crate::harness::{Session, TestServer};
use crate::static_site::StaticSite;

/// How long a step (a state, a message) may take to show up.
pub const STEP: Duration = Duration::from_secs(30);

/// The fake's settings: QR codes rotate fast (the first lasts 1.2 s), boot is quick.
const FAKE_QUERY: &str = "?timeScale=0.02&bootDelayMs=50";

static CHROMIUM: Mutex<()> = Mutex::const_new(());

/// Serialises the Chromium tests; `None` (skip, or failure under REQUIRE_SERVICES) when no
/// Chromium is installed.
pub async fn chromium_turn() -> Option<MutexGuard<'static, ()>> {
    if let Err(e) = find_chromium(chromium_path().as_deref()) {
        missing_service(&format!("Chromium ({e})"));
        return None;
    }
    Some(CHROMIUM.lock().await)
}

/// A server with sessions, and the fake page it opens.
pub struct Rig {
    /// The server.
    pub server: TestServer,
    /// The fake WhatsApp Web.
    pub site: StaticSite,
    /// Browser profiles of this rig (shared by a restarted server).
    pub profiles: Arc<tempfile::TempDir>,
    /// The seeded admin of tenant 1.
    pub admin: Session,
}

/// `CHROMIUM_PATH`, when the tests should use a particular Chromium.
fn chromium_path() -> Option<PathBuf> {
    std::env::var_os("CHROMIUM_PATH")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

fn fake_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../whatsapp-session/tests/fake")
}

/// The overrides that turn sessions on, quick, against the fake at `url`.
fn session_overrides(url: &str, profiles: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut o: Vec<(String, String)> = [
        ("sessions.enabled", "true"),
        ("sessions.web_url", url),
        ("sessions.profiles_dir", profiles),
        ("sessions.watchdog_interval_ms", "500"),
        ("sessions.probe_timeout_ms", "1000"),
        ("sessions.command_timeout_ms", "10000"),
        ("sessions.media_timeout_ms", "20000"),
        ("sessions.restart_backoff_min_ms", "200"),
        ("sessions.restart_backoff_max_ms", "2000"),
        ("sessions.boot_stagger_ms", "0"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    if let Some(path) = chromium_path() {
        o.push((
            "sessions.chromium_path".to_owned(),
            path.display().to_string(),
        ));
    }
    for (k, v) in extra {
        o.retain(|(key, _)| key != k);
        o.push(((*k).to_owned(), (*v).to_owned()));
    }
    o
}

fn as_refs(o: &[(String, String)]) -> Vec<(&str, &str)> {
    o.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

impl Rig {
    /// A server on `db` whose sessions open the fake page (served on a free port).
    pub async fn start(db: TestDb, extra: &[(&str, &str)]) -> Rig {
        // RUST_LOG=tiktickets_whatsapp_session=debug shows what the sessions do.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let site = StaticSite::serve_dir(fake_dir(), 0)
            .await
            .expect("serve the fake page");
        let profiles = Arc::new(tempfile::tempdir().expect("profiles dir"));
        let url = site.url(&format!("/{FAKE_QUERY}"));
        let overrides = session_overrides(&url, &profiles.path().display().to_string(), extra);
        let server = TestServer::start_with(db, &as_refs(&overrides)).await;
        let admin = server.admin().await;
        Rig {
            server,
            site,
            profiles,
            admin,
        }
    }

    /// A second server on the same database, profiles and fake page (the first one's
    /// sessions must be stopped first): what a restart of the process looks like.
    pub async fn restarted(&self, extra: &[(&str, &str)]) -> TestServer {
        let url = self.site.url(&format!("/{FAKE_QUERY}"));
        let overrides = session_overrides(&url, &self.profiles.path().display().to_string(), extra);
        TestServer::start_on(&self.server_db_url(), &as_refs(&overrides)).await
    }

    fn server_db_url(&self) -> String {
        self.server.db_url.clone()
    }

    /// A new WhatsApp channel of `s`'s tenant, created through the API.
    pub async fn channel(&self, s: &Session, name: &str) -> i32 {
        let r = s
            .post("/whatsapp", &json!({"name": name, "type": "whatsapp"}))
            .await;
        assert_eq!(r.status, 200, "create channel: {}", r.text);
        i32::try_from(r.body["id"].as_i64().expect("channel id")).expect("i32 id")
    }
}

/// The session manager of a server.
pub fn manager_of(server: &TestServer) -> &SessionManager {
    server
        .prepared
        .sessions
        .as_ref()
        .expect("sessions are enabled in this rig")
}

/// The running session of a channel.
pub fn live(server: &TestServer, channel: i32) -> Arc<Live> {
    manager_of(server)
        .live(WhatsappId::new(channel))
        .expect("the channel's session runs")
}

/// Runs `js` in the channel's fake page (the `window.__fake` control surface) and returns its
/// value; waits until the page is open.
pub async fn fake(server: &TestServer, channel: i32, js: &str) -> Value {
    let page = eventually("the session's page to open", || async {
        manager_of(server)
            .live(WhatsappId::new(channel))
            .and_then(|l| l.page())
    })
    .await;
    eventually("the fake page to load", || async {
        page.evaluate_raw("typeof window.__fake === 'object'", Duration::from_secs(5))
            .await
            .ok()
            .filter(|v| v == &json!(true))
    })
    .await;
    page.evaluate_raw(js, Duration::from_secs(10))
        .await
        .unwrap_or_else(|e| panic!("{js}: {e}"))
}

/// Like [`fake`], but `None` when the page is not there or refuses (e.g. while it reloads).
pub async fn try_fake(server: &TestServer, channel: i32, js: &str) -> Option<Value> {
    let page = manager_of(server)
        .live(WhatsappId::new(channel))
        .and_then(|l| l.page())?;
    page.evaluate_raw(js, Duration::from_secs(5)).await.ok()
}

/// Polls `probe` every 100 ms until it yields something, for up to [`STEP`].
pub async fn eventually<T, F, Fut>(what: &str, probe: F) -> T
where
    F: Fn() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + STEP;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The channel as the API shows it, once `pred` holds.
pub async fn channel_where(
    s: &Session,
    channel: i32,
    what: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    eventually(what, || async {
        let r = s.get(&format!("/whatsapp/{channel}")).await;
        (r.status == 200 && pred(&r.body)).then_some(r.body)
    })
    .await
}

/// Waits for the channel's status.
pub async fn status_is(s: &Session, channel: i32, status: &str) -> Value {
    channel_where(
        s,
        channel,
        &format!("channel {channel} to be {status}"),
        |c| c["status"] == status,
    )
    .await
}

/// Starts the channel's session through the API, scans the first QR code as `me` and waits
/// until the channel is CONNECTED.
pub async fn connect(server: &TestServer, s: &Session, channel: i32, me: &str) {
    let r = s
        .post(&format!("/whatsappsession/{channel}"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "start session: {}", r.text);
    assert_eq!(r.body["message"], "Starting session.");
    status_is(s, channel, "qrcode").await;
    fake(
        server,
        channel,
        &format!("window.__fake.scan({{me: '{me}'}}); true"),
    )
    .await;
    status_is(s, channel, "CONNECTED").await;
}

/// The messages of a ticket, oldest first.
pub async fn messages_of(s: &Session, ticket: i64) -> Vec<Value> {
    let r = s.get(&format!("/messages/{ticket}")).await;
    assert_eq!(r.status, 200, "messages: {}", r.text);
    r.body["messages"].as_array().cloned().unwrap_or_default()
}

/// The tickets of the tenant (all statuses).
pub async fn tickets_of(s: &Session) -> Vec<Value> {
    let r = s
        .get("/tickets?showAll=true&status[]=open&status[]=pending&status[]=closed&pageNumber=1")
        .await;
    assert_eq!(r.status, 200, "tickets: {}", r.text);
    r.body["tickets"].as_array().cloned().unwrap_or_default()
}

/// The ticket of a contact number, once it exists.
pub async fn ticket_of_number(s: &Session, number: &str) -> Value {
    eventually(&format!("a ticket of {number}"), || async {
        tickets_of(s)
            .await
            .into_iter()
            .find(|t| t["contact"]["number"] == number)
    })
    .await
}

/// The stored message with provider id `id` on `ticket`, once it exists and `pred` holds.
pub async fn message_where(
    s: &Session,
    ticket: i64,
    what: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    eventually(what, || async {
        messages_of(s, ticket).await.into_iter().find(|m| pred(m))
    })
    .await
}

/// Memory of a process and all its descendants: (Σ RSS, Σ PSS) in KiB, from /proc. PSS
/// shares pages between the processes that map them, so it adds up across sessions.
pub fn process_tree_memory_kib(root: u32) -> (u64, u64) {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // The command name may hold spaces: the fields after its closing parenthesis.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parents.push((pid, ppid));
            }
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    let (mut rss, mut pss) = (0, 0);
    for pid in tree {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        for line in rollup.lines() {
            let kib = |l: &str| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            if line.starts_with("Rss:") {
                rss += kib(line);
            } else if line.starts_with("Pss:") {
                pss += kib(line);
            }
        }
    }
    (rss, pss)
}
