//! The contract between the adapter and the fake WhatsApp Web (whatsapp-web-bridge.md §8.5):
//! every module and export path the adapter probes exists in the fake, functions with at least
//! the parameters the adapter passes. An adapter change therefore needs a fake change in the
//! same commit. Runs the real bridge in real Chromium; skipped without Chromium unless
//! `REQUIRE_SERVICES=1`.

#![allow(clippy::expect_used, reason = "tests")]

#[allow(
    dead_code,
    reason = "shared test support; not every helper is used here"
)]
#[path = "support/static_site.rs"]
mod static_site;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use static_site::StaticSite;
use tiktickets_whatsapp_session::assets;
use tiktickets_whatsapp_session::bridge::{BridgePage, PageSignal};
use tiktickets_whatsapp_session::browser::{BrowserOptions, SessionBrowser, find_chromium};

fn chromium() -> Option<PathBuf> {
    let configured = std::env::var_os("CHROMIUM_PATH").map(PathBuf::from);
    match find_chromium(configured.as_deref()) {
        Ok(path) => Some(path),
        Err(e) => {
            assert!(
                std::env::var("REQUIRE_SERVICES").as_deref() != Ok("1"),
                "REQUIRE_SERVICES=1 but Chromium is missing: {e}"
            );
            eprintln!("skipped: {e}");
            None
        }
    }
}

const CHECK_PROBES: &str = r#"(() => {
  const factory = window.__waBridgeAdapters && window.__waBridgeAdapters[0];
  if (!factory) return { error: 'no adapter registered' };
  const problems = [];
  for (const p of factory.probes) {
    let value;
    try { value = window.require(p.module); } catch (e) {
      problems.push(`${p.capability}: module ${p.module} is missing`); continue;
    }
    for (const key of p.path) {
      value = value == null ? undefined : value[key];
    }
    const where = `${p.capability}: ${p.module}.${p.path.join('.')}`;
    if (value === undefined) { problems.push(`${where} is missing`); continue; }
    if (p.arity !== undefined) {
      if (typeof value !== 'function') problems.push(`${where} is not a function`);
      else if (value.length < p.arity) problems.push(`${where} takes ${value.length} < ${p.arity} parameters`);
    }
  }
  return { id: factory.id, probes: factory.probes.length, problems };
})()"#;

#[tokio::test]
async fn every_module_and_path_the_adapter_probes_exists_in_the_fake() {
    let Some(chromium) = chromium() else {
        return;
    };
    let fake = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake");
    let site = StaticSite::serve_dir(fake, 0)
        .await
        .expect("serve the fake");
    let profile = tempfile::tempdir().expect("profile");
    let browser = SessionBrowser::launch(&BrowserOptions::new(&chromium, profile.path()))
        .await
        .expect("launch");
    let ua = browser.user_agent().await.expect("user agent");
    let (page, mut signals) = BridgePage::open(
        &browser,
        &site.url("/?timeScale=0.02&bootDelayMs=10"),
        &assets::init_script(),
        &ua,
    )
    .await
    .expect("open the fake");

    // The bridge starts on the fake: it reports its phases and a QR code.
    let mut kinds = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !kinds.iter().any(|k| k == "qr") {
        match tokio::time::timeout_at(deadline, signals.recv()).await {
            Ok(Some(PageSignal::Event(e))) => kinds.push(e.kind),
            other => panic!("no QR code from the bridge on the fake: {other:?} after {kinds:?}"),
        }
    }
    let found: Value = page
        .evaluate_raw(CHECK_PROBES, Duration::from_secs(5))
        .await
        .expect("probe check");
    assert_eq!(found["id"], assets::WA_ADAPTER_ID, "{found}");
    assert!(found["probes"].as_u64().unwrap_or(0) >= 30, "{found}");
    assert_eq!(found["problems"], json!([]), "{found}");

    // And what the adapter itself reports about the fake: nothing missing.
    let caps = page
        .call("capabilities", json!({}), Duration::from_secs(5))
        .await
        .expect("capabilities");
    assert_eq!(caps["missing"], json!([]), "{caps}");
    drop(page);
    browser.close().await;
}
