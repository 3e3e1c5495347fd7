//! The low-level CDP driver with a real Chromium: launch, the `__waEmit` binding and its event
//! filtering, bridge calls, reloads, persistence, crashes and kills.
//!
//! The page is `tests/driver_page/`; the bridge is a small stand-in defined here (not the real
//! bridge JS). Chromium tests skip when no Chromium is found, unless `REQUIRE_SERVICES=1`. They
//! run one at a time (the `CHROMIUM` guard).

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

#[path = "support/static_site.rs"]
mod static_site;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use static_site::StaticSite;
use tempfile::TempDir;
use tiktickets_whatsapp_session::SessionError;
use tiktickets_whatsapp_session::bridge::{BridgeEvent, BridgePage, PageSignal};
use tiktickets_whatsapp_session::browser::{
    BrowserOptions, PID_FILE, SessionBrowser, find_chromium, find_chromium_in,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc::Receiver;

/// One Chromium test at a time (2 cores).
static CHROMIUM: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const PATIENCE: Duration = Duration::from_secs(10);
const CALL: Duration = Duration::from_secs(5);

/// The stand-in bridge: an emitter with epoch / seq / t0 and a dispatcher with test commands.
const INIT_SCRIPT: &str = r#"
(() => {
  if (window.top !== window) return;            // iframes never emit
  if (window.__test) return;                    // idempotent
  if (location.search.includes('nobridge=1')) return;
  if (location.protocol === 'about:') return;
  const epoch = Math.random().toString(36).slice(2);
  const t0 = performance.timeOrigin;
  let seq = 0;
  const raw = (obj) => window.__waEmit(JSON.stringify(obj));
  const emit = (type, data) => {
    const env = { v: 1, seq: ++seq, epoch, t0, type, data: data ?? {} };
    raw(env);
    return env;
  };
  window.__test = { epoch, t0, emit, raw, rawString: (s) => window.__waEmit(s) };
  window.__waBridge = {
    async call(name, argsJson) {
      const args = JSON.parse(argsJson);
      switch (name) {
        case 'echo': return { ok: true, value: args };
        case 'slowEcho':
          await new Promise((r) => setTimeout(r, args.ms));
          return { ok: true, value: { epoch, args } };
        case 'nothing': return { ok: true, value: null };
        case 'noValue': return { ok: true };
        case 'fail': return { ok: false, error: { name: 'SendFailed', message: 'no route to ' + args.to } };
        case 'hang': return new Promise(() => {});
        case 'throw': throw new Error('boom');
        default: return { ok: false, error: { name: 'BadArgs', message: 'unknown command ' + name } };
      }
    },
  };
  emit('boot', { href: location.href });
})();
"#;

fn page_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/driver_page")
}

/// The Chromium to use, or `None` (test skipped) when there is none and services are optional.
fn chromium() -> Option<PathBuf> {
    match find_chromium(None) {
        Ok(path) => Some(path),
        Err(e) => {
            if std::env::var("REQUIRE_SERVICES").as_deref() == Ok("1") {
                panic!("REQUIRE_SERVICES=1 but Chromium is missing: {e}");
            }
            eprintln!("skipped: {e}");
            None
        }
    }
}

/// What most Chromium tests start from: their turn, Chromium, a fresh profile, the test page.
struct Fixture {
    _serial: tokio::sync::MutexGuard<'static, ()>,
    chromium: PathBuf,
    profile: TempDir,
    site: StaticSite,
}

async fn fixture() -> Option<Fixture> {
    let serial = CHROMIUM.lock().await;
    let chromium = chromium()?;
    Some(Fixture {
        _serial: serial,
        chromium,
        profile: TempDir::new().unwrap(),
        site: StaticSite::serve_dir(page_dir(), 0).await.unwrap(),
    })
}

fn options(chromium: &Path, profile: &Path) -> BrowserOptions {
    BrowserOptions::new(chromium, profile)
}

async fn launch(opts: &BrowserOptions) -> SessionBrowser {
    let started = Instant::now();
    let browser = SessionBrowser::launch(opts).await.expect("launch");
    eprintln!("launch took {} ms", started.elapsed().as_millis());
    browser
}

async fn open(browser: &SessionBrowser, url: &str) -> (BridgePage, Receiver<PageSignal>) {
    let ua = browser.user_agent().await.expect("user agent");
    let started = Instant::now();
    let opened = BridgePage::open(browser, url, INIT_SCRIPT, &ua)
        .await
        .expect("open page");
    eprintln!("open + navigate took {} ms", started.elapsed().as_millis());
    opened
}

async fn next_signal(rx: &mut Receiver<PageSignal>) -> PageSignal {
    tokio::time::timeout(PATIENCE, rx.recv())
        .await
        .expect("a signal in time")
        .expect("the signal channel is open")
}

async fn next_event(rx: &mut Receiver<PageSignal>) -> BridgeEvent {
    match next_signal(rx).await {
        PageSignal::Event(event) => event,
        other => panic!("expected an event, got {other:?}"),
    }
}

/// The next event of type `kind`, skipping others (e.g. `loaded` racing with a test's emits).
async fn event_of(rx: &mut Receiver<PageSignal>, kind: &str) -> BridgeEvent {
    loop {
        let event = next_event(rx).await;
        if event.kind == kind {
            return event;
        }
    }
}

async fn eval(page: &BridgePage, js: &str) -> Value {
    page.evaluate_raw(js, CALL).await.expect(js)
}

fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

// ---------------------------------------------------------------------------------------------
// No Chromium needed

#[test]
fn find_chromium_reports_what_it_tried() {
    let empty = TempDir::new().unwrap();
    let missing = empty.path().join("no-such-chromium");
    let err = find_chromium_in(
        Some(&missing),
        &["chromium", "google-chrome"],
        Some(empty.path().as_os_str()),
    )
    .unwrap_err();
    match &err {
        SessionError::ChromiumNotFound(text) => {
            assert!(text.contains("no-such-chromium"), "{text}");
            assert!(text.contains("chromium, google-chrome"), "{text}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        find_chromium_in(None, &["chromium"], None),
        Err(SessionError::ChromiumNotFound(_))
    ));
}

#[test]
fn find_chromium_prefers_the_configured_file_then_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    // not executable: skipped on PATH
    std::fs::write(bin.join("chromium"), "#!/bin/sh\n").unwrap();
    let chrome = bin.join("google-chrome");
    std::fs::write(&chrome, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&chrome, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path_var = std::env::join_paths([dir.path().join("nothing-here"), bin.clone()]).unwrap();
    let names = ["chromium", "google-chrome"];

    let found = find_chromium_in(None, &names, Some(path_var.as_os_str())).unwrap();
    assert_eq!(found, chrome);
    // a configured file wins (even when not on PATH)
    let configured = dir.path().join("my-chrome");
    std::fs::write(&configured, "").unwrap();
    let found = find_chromium_in(Some(&configured), &names, Some(OsStr::new(""))).unwrap();
    assert_eq!(found, configured);
    // a missing configured path falls back to PATH
    let found = find_chromium_in(
        Some(&dir.path().join("gone")),
        &names,
        Some(path_var.as_os_str()),
    )
    .unwrap();
    assert_eq!(found, chrome);
}

#[tokio::test]
async fn static_site_serves_files_and_refuses_escapes() {
    async fn get(port: u16, target: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let request = format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    }
    let site = StaticSite::serve_dir(page_dir(), 0).await.unwrap();
    let port = site.port();
    assert_eq!(site.url("/a?b=1"), format!("http://127.0.0.1:{port}/a?b=1"));
    let index = get(port, "/?x=1").await;
    assert!(index.starts_with("HTTP/1.1 200"), "{index}");
    assert!(index.contains("Content-Type: text/html"), "{index}");
    assert!(index.contains("Connection: close"), "{index}");
    assert!(index.contains("driver test page"), "{index}");
    assert!(get(port, "/frame.html").await.contains("child frame"));
    assert!(get(port, "/missing.js").await.starts_with("HTTP/1.1 404"));
    assert!(get(port, "/../driver.rs").await.starts_with("HTTP/1.1 404"));
    assert!(
        get(port, "/%2e%2e/driver.rs")
            .await
            .starts_with("HTTP/1.1 404")
    );
    // the same port can be bound again once the server is dropped
    drop(site);
    let again = StaticSite::serve_dir(page_dir(), port).await.unwrap();
    assert!(get(again.port(), "/").await.starts_with("HTTP/1.1 200"));
}

// ---------------------------------------------------------------------------------------------
// With Chromium

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_flow_in_order_without_duplicates_or_stale_contexts() {
    let Some(Fixture {
        _serial,
        chromium,
        profile,
        site,
    }) = fixture().await
    else {
        return;
    };
    let browser = launch(&options(&chromium, profile.path())).await;
    assert!(browser.pid().is_some());
    assert!(profile.path().join(PID_FILE).is_file());
    let (page, mut rx) = open(&browser, &site.url("/")).await;

    let boot = next_event(&mut rx).await;
    assert_eq!((boot.kind.as_str(), boot.seq), ("boot", 1));
    assert_eq!(boot.data["href"], json!(site.url("/")));
    let loaded = next_event(&mut rx).await;
    assert_eq!((loaded.kind.as_str(), loaded.seq), ("loaded", 2));
    assert_eq!(loaded.epoch, boot.epoch);
    assert_eq!(loaded.data["title"], json!("driver test page"));

    // order, and the same envelope twice arrives once
    eval(
        &page,
        "const e = __test.emit('a', {i: 1}); __test.raw(e); __test.emit('b', {i: 2}); \
         __test.raw(e); __test.emit('c', {i: 3}); true",
    )
    .await;
    let got: Vec<(String, u64)> = [
        next_event(&mut rx).await,
        next_event(&mut rx).await,
        next_event(&mut rx).await,
    ]
    .into_iter()
    .map(|e| (e.kind, e.seq))
    .collect();
    assert_eq!(got, vec![("a".into(), 3), ("b".into(), 4), ("c".into(), 5)]);

    // an envelope of an older context, garbage and a foreign version are dropped
    eval(
        &page,
        "__test.raw({v: 1, seq: 1, epoch: 'older', t0: __test.t0 - 1000, type: 'stale', data: {}}); \
         __test.rawString('not json'); \
         __test.raw({v: 9, seq: 99, epoch: __test.epoch, t0: __test.t0, type: 'future', data: {}}); \
         __test.emit('after'); true",
    )
    .await;
    let after = next_event(&mut rx).await;
    assert_eq!((after.kind.as_str(), after.seq), ("after", 6));

    // the user agent is a plain Chrome one and automation is not advertised
    let ua = eval(&page, "navigator.userAgent").await;
    let ua = ua.as_str().unwrap();
    assert!(ua.contains("Chrome/") && !ua.contains("Headless"), "{ua}");
    assert_eq!(eval(&page, "navigator.webdriver").await, json!(false));

    page.close().await;
    browser.close().await;
    assert!(!profile.path().join(PID_FILE).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_answer_values_page_errors_timeouts_and_not_ready() {
    let Some(Fixture {
        _serial,
        chromium,
        profile,
        site,
    }) = fixture().await
    else {
        return;
    };
    let browser = launch(&options(&chromium, profile.path())).await;
    let (page, _rx) = open(&browser, &site.url("/")).await;

    let args = json!({"to": "5511@c.us", "body": "it's \"quoted\" </script>\n\u{2028} ✓"});
    assert_eq!(page.call("echo", args.clone(), CALL).await.unwrap(), args);
    assert_eq!(
        page.call("nothing", json!({}), CALL).await.unwrap(),
        Value::Null
    );
    assert_eq!(
        page.call("noValue", json!({}), CALL).await.unwrap(),
        Value::Null
    );

    let rounds = 20u32;
    let started = Instant::now();
    for i in 0..rounds {
        page.call("echo", json!({"i": i}), CALL).await.unwrap();
    }
    eprintln!(
        "call round trip: {:.2} ms on average",
        started.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds)
    );

    match page.call("fail", json!({"to": "x"}), CALL).await {
        Err(SessionError::Page {
            command,
            name,
            message,
        }) => {
            assert_eq!(command, "fail");
            assert_eq!(name, "SendFailed");
            assert_eq!(message, "no route to x");
        }
        other => panic!("unexpected {other:?}"),
    }

    let started = Instant::now();
    match page
        .call("hang", json!({}), Duration::from_millis(500))
        .await
    {
        Err(SessionError::Timeout { command, after_ms }) => {
            assert_eq!((command.as_str(), after_ms), ("hang", 500));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3));
    // the page still answers after a timed-out call
    assert_eq!(page.call("echo", json!(1), CALL).await.unwrap(), json!(1));

    // a rejected promise (exceptionDetails) is retried once, then reported as context gone
    assert!(matches!(
        page.call("throw", json!({}), CALL).await,
        Err(SessionError::ContextGone(c)) if c == "throw"
    ));
    // a raw evaluation that throws is a page error
    match page.evaluate_raw("null.x", CALL).await {
        Err(SessionError::Page { command, name, .. }) => {
            assert_eq!((command.as_str(), name.as_str()), ("evaluate", "TypeError"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(eval(&page, "undefined").await, Value::Null);
    assert_eq!(eval(&page, "Promise.resolve(40 + 2)").await, json!(42));

    // no bridge on the page: NotReady
    let (bare, mut bare_rx) = open(&browser, &site.url("/?nobridge=1")).await;
    match bare.call("status", json!({}), CALL).await {
        Err(e) => assert_eq!(e.page_error_name(), Some("NotReady"), "{e}"),
        Ok(v) => panic!("unexpected {v}"),
    }
    bare.close().await;
    // closing a page ends its receiver without BrowserGone
    let end = tokio::time::timeout(PATIENCE, async {
        loop {
            match bare_rx.recv().await {
                Some(PageSignal::Event(_)) => {}
                other => return other,
            }
        }
    });
    assert!(end.await.unwrap().is_none());

    // a navigation error is a Cdp error
    let ua = browser.user_agent().await.unwrap();
    let refused = BridgePage::open(&browser, "http://127.0.0.1:9/", INIT_SCRIPT, &ua).await;
    assert!(matches!(refused, Err(SessionError::Cdp(_))), "{refused:?}");

    page.close().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_starts_a_new_epoch_and_late_old_events_are_dropped() {
    let Some(Fixture {
        _serial,
        chromium,
        profile,
        site,
    }) = fixture().await
    else {
        return;
    };
    let browser = launch(&options(&chromium, profile.path())).await;
    let (page, mut rx) = open(&browser, &site.url("/")).await;
    let first = event_of(&mut rx, "loaded").await;

    let started = Instant::now();
    page.reload().await.unwrap();
    eprintln!("reload took {} ms", started.elapsed().as_millis());
    let boot = event_of(&mut rx, "boot").await;
    assert_ne!(boot.epoch, first.epoch);
    assert_eq!(boot.seq, 1);
    assert!(boot.t0 > first.t0);
    let loaded = event_of(&mut rx, "loaded").await;
    assert_eq!(
        (loaded.epoch.as_str(), loaded.seq),
        (boot.epoch.as_str(), 2)
    );

    // a late event of the old context (its epoch and t0, a fresh seq) is dropped
    let late = format!(
        "__test.raw({{v: 1, seq: 50, epoch: {}, t0: {}, type: 'late', data: {{}}}}); \
         __test.emit('after'); true",
        json!(first.epoch),
        first.t0
    );
    eval(&page, &late).await;
    let after = next_event(&mut rx).await;
    assert_eq!(
        (after.kind.as_str(), after.epoch),
        ("after", boot.epoch.clone())
    );

    // a call in flight while the page reloads is retried once in the new context
    let call = page.call("slowEcho", json!({"ms": 400}), CALL);
    let reload = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        page.reload().await
    };
    let (answer, reloaded) = tokio::join!(call, reload);
    reloaded.unwrap();
    let answer = answer.unwrap();
    assert_ne!(
        answer["epoch"],
        json!(boot.epoch),
        "answered by the new context"
    );

    page.close().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_storage_survives_close_and_relaunch_on_the_same_port() {
    let _serial = CHROMIUM.lock().await;
    let Some(chromium) = chromium() else { return };
    let profile = TempDir::new().unwrap();
    let opts = options(&chromium, profile.path());
    let site = StaticSite::serve_dir(page_dir(), 0).await.unwrap();
    let port = site.port();

    let browser = launch(&opts).await;
    let (page, _rx) = open(&browser, &site.url("/")).await;
    eval(&page, "localStorage.setItem('login', 'kept'); true").await;
    page.close().await;
    let started = Instant::now();
    browser.close().await;
    eprintln!("close took {} ms", started.elapsed().as_millis());
    assert!(!profile.path().join(PID_FILE).exists());
    assert!(!exists(&profile.path().join("SingletonLock")));
    drop(site);

    // same origin: same port
    let site = StaticSite::serve_dir(page_dir(), port).await.unwrap();
    let browser = launch(&opts).await;
    let (page, _rx) = open(&browser, &site.url("/")).await;
    assert_eq!(
        eval(&page, "localStorage.getItem('login')").await,
        json!("kept")
    );
    page.close().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_browser_leaves_locks_and_the_profile_relaunches() {
    let _serial = CHROMIUM.lock().await;
    let Some(chromium) = chromium() else { return };
    let profile = TempDir::new().unwrap();
    let opts = options(&chromium, profile.path());
    let site = StaticSite::serve_dir(page_dir(), 0).await.unwrap();

    let mut browser = launch(&opts).await;
    // one profile, one browser per process
    match SessionBrowser::launch(&opts).await {
        Err(SessionError::Launch(text)) => assert!(text.contains("already open"), "{text}"),
        other => panic!("unexpected {other:?}"),
    }
    let (page, _rx) = open(&browser, &site.url("/")).await;
    drop(page);
    browser.kill().await;
    assert!(*browser.gone().borrow());
    assert!(
        exists(&profile.path().join("SingletonLock")),
        "a crash leaves the lock"
    );
    assert!(profile.path().join(PID_FILE).is_file(), "and the pid file");
    drop(browser);

    let browser = launch(&opts).await;
    let (page, _rx) = open(&browser, &site.url("/")).await;
    assert_eq!(eval(&page, "1 + 1").await, json!(2));
    page.close().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_orphan_of_ours_is_killed_and_a_foreign_browser_is_refused() {
    let _serial = CHROMIUM.lock().await;
    let Some(chromium) = chromium() else { return };
    let profile = TempDir::new().unwrap();
    let profile_dir = profile.path().canonicalize().unwrap();
    // A Chromium on the profile that no SessionBrowser of this process owns (as after a crash
    // of our process).
    let mut command = std::process::Command::new(&chromium);
    command
        .arg(format!("--user-data-dir={}", profile_dir.display()))
        .args(["--headless", "--remote-debugging-port=0", "--no-first-run"])
        .args(["--disable-gpu", "--disable-dev-shm-usage", "about:blank"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0) {
        command.arg("--no-sandbox");
    }
    let mut orphan = command.spawn().unwrap();
    let deadline = Instant::now() + PATIENCE;
    while !exists(&profile_dir.join("SingletonLock")) {
        assert!(
            Instant::now() < deadline,
            "the orphan did not take the profile"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let opts = options(&chromium, &profile_dir);

    // without our pid file it is someone else's browser: refused, not killed
    match SessionBrowser::launch(&opts).await {
        Err(SessionError::Launch(text)) => assert!(text.contains("in use"), "{text}"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(orphan.try_wait().unwrap().is_none(), "still running");

    // with our pid file naming it, it is an orphan of ours: killed
    std::fs::write(profile_dir.join(PID_FILE), format!("{}\n", orphan.id())).unwrap();
    let browser = launch(&opts).await;
    let status = orphan.wait().unwrap();
    assert!(!status.success(), "killed: {status}");
    assert_ne!(browser.pid(), Some(orphan.id()));
    let written = std::fs::read_to_string(profile_dir.join(PID_FILE)).unwrap();
    assert_eq!(written.trim().parse::<u32>().ok(), browser.pid());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renderer_crash_is_signalled_and_a_reload_recovers() {
    let Some(Fixture {
        _serial,
        chromium,
        profile,
        site,
    }) = fixture().await
    else {
        return;
    };
    let browser = launch(&options(&chromium, profile.path())).await;
    let (page, mut rx) = open(&browser, &site.url("/")).await;
    let before = event_of(&mut rx, "loaded").await;

    page.crash_renderer().await.unwrap();
    match next_signal(&mut rx).await {
        PageSignal::Crashed => {}
        other => panic!("expected Crashed, got {other:?}"),
    }
    assert!(
        page.call("echo", json!(1), Duration::from_secs(2))
            .await
            .is_err()
    );

    page.reload().await.unwrap();
    let boot = event_of(&mut rx, "boot").await;
    assert_ne!(boot.epoch, before.epoch);
    assert_eq!(page.call("echo", json!(2), CALL).await.unwrap(), json!(2));
    assert!(!browser.is_gone());

    page.close().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_browser_is_signalled_as_gone() {
    let Some(Fixture {
        _serial,
        chromium,
        profile,
        site,
    }) = fixture().await
    else {
        return;
    };
    let mut browser = launch(&options(&chromium, profile.path())).await;
    let (page, mut rx) = open(&browser, &site.url("/")).await;
    event_of(&mut rx, "loaded").await;
    let mut gone = browser.gone();
    assert!(!*gone.borrow());

    // SIGKILL from outside, as a crash would look
    let pid = browser.pid().unwrap();
    let started = Instant::now();
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    loop {
        match next_signal(&mut rx).await {
            PageSignal::BrowserGone => break,
            PageSignal::Event(_) => {}
            PageSignal::Crashed => {}
        }
    }
    eprintln!(
        "browser gone noticed after {} ms",
        started.elapsed().as_millis()
    );
    tokio::time::timeout(PATIENCE, gone.wait_for(|g| *g))
        .await
        .unwrap()
        .unwrap();
    // nothing after BrowserGone
    assert!(rx.recv().await.is_none());
    // calls fail fast instead of waiting for their deadline
    let started = Instant::now();
    assert!(page.call("echo", json!(1), CALL).await.is_err());
    assert!(started.elapsed() < CALL);

    browser.kill().await;
    drop(page);
    drop(browser);
}
