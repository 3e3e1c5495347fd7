//! Sessions survive what goes wrong: a server restart, a killed Chromium, a frozen page and a
//! WhatsApp Web update that removed a module — without a new QR code and without losing a
//! message.

use std::time::Duration;

use serde_json::json;
use tiktickets_test_support::TestDb;

use crate::rig::{
    Rig, chromium_turn, connect, eventually, fake, live, manager_of, message_where, status_is,
    ticket_of_number, try_fake,
};

const ME: &str = "5511888880000@c.us";

/// Chromium writes localStorage to disk a few seconds after a change; a kill before that
/// loses the fresh login (stack.md P15). A graceful close needs no wait.
const STORAGE_FLUSH: Duration = Duration::from_secs(6);

/// A server on SQLite with one connected channel.
async fn connected_rig() -> (Rig, i32) {
    let rig = Rig::start(TestDb::sqlite(), &[]).await;
    let channel = rig.channel(&rig.admin, "Loja").await;
    connect(&rig.server, &rig.admin, channel, ME).await;
    (rig, channel)
}

/// Sends `body` from a customer until it is stored (a frozen page swallows messages).
async fn delivered_inbound(
    rig: &Rig,
    server: &crate::harness::TestServer,
    channel: i32,
    number: &str,
    body: &str,
) {
    let admin = &rig.admin;
    eventually(&format!("{body:?} to be stored"), || async {
        try_fake(server, channel, &format!(
            "window.__fake.receive({{from: '{number}@c.us', body: '{body}', notifyName: 'Cliente'}}); true"
        ))
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let ticket = crate::rig::tickets_of(admin)
            .await
            .into_iter()
            .find(|t| t["contact"]["number"] == number)?;
        let id = ticket["id"].as_i64()?;
        crate::rig::messages_of(admin, id)
            .await
            .into_iter()
            .find(|m| m["body"] == body)
    })
    .await;
}

#[actix_web::test]
async fn a_restarted_server_reconnects_without_a_qr_code() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let (rig, channel) = connected_rig().await;
    let admin = &rig.admin;

    // The first process stops (closing Chromium cleanly); the channel stays CONNECTED.
    manager_of(&rig.server).shutdown().await;
    status_is(admin, channel, "CONNECTED").await;
    let second = rig.restarted(&[]).await;
    let admin2 = second.admin().await;
    eventually("the session to start at boot", || async {
        manager_of(&second).live(tiktickets_domain::ids::WhatsappId::new(channel))
    })
    .await;
    eventually("the restarted session to be connected", || async {
        let status = live(&second, channel).status();
        (status.phase == tiktickets_whatsapp_session::Phase::Connected).then_some(())
    })
    .await;
    assert_eq!(
        live(&second, channel).status().qr_shown,
        0,
        "no QR code after a restart"
    );
    status_is(&admin2, channel, "CONNECTED").await;
    delivered_inbound(
        &rig,
        &second,
        channel,
        "5511999990002",
        "depois do reinício",
    )
    .await;
    manager_of(&second).shutdown().await;
}

#[actix_web::test]
async fn a_killed_chromium_comes_back_without_a_qr_code() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let (rig, channel) = connected_rig().await;
    let admin = &rig.admin;
    tokio::time::sleep(STORAGE_FLUSH).await;
    let before = live(&rig.server, channel).status();
    let pid = before.browser_pid.expect("Chromium's pid");
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    eventually("a new Chromium, connected", || async {
        let s = live(&rig.server, channel).status();
        (s.browser_launches > before.browser_launches
            && s.phase == tiktickets_whatsapp_session::Phase::Connected)
            .then_some(s)
    })
    .await;
    let after = live(&rig.server, channel).status();
    assert_eq!(after.qr_shown, 0, "the login survived the crash");
    assert_ne!(after.browser_pid, Some(pid));
    status_is(admin, channel, "CONNECTED").await;
    delivered_inbound(
        &rig,
        &rig.server,
        channel,
        "5511999990003",
        "depois da queda",
    )
    .await;
    manager_of(&rig.server).shutdown().await;
}

#[actix_web::test]
async fn a_frozen_page_is_caught_by_the_watchdog_and_restarted() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let (rig, channel) = connected_rig().await;
    let admin = &rig.admin;
    tokio::time::sleep(STORAGE_FLUSH).await;
    let qr_before = live(&rig.server, channel).status().qr_shown;
    fake(&rig.server, channel, "window.__fake.freeze(); true").await;
    let recovered = eventually("the watchdog to restart the page", || async {
        let s = live(&rig.server, channel).status();
        (s.failed_probes >= 2 && (s.page_reloads >= 1 || s.browser_launches >= 2)).then_some(s)
    })
    .await;
    eprintln!("watchdog: {recovered:?}");
    delivered_inbound(
        &rig,
        &rig.server,
        channel,
        "5511999990004",
        "depois do congelamento",
    )
    .await;
    assert_eq!(
        live(&rig.server, channel).status().qr_shown,
        qr_before,
        "no new QR code"
    );
    status_is(admin, channel, "CONNECTED").await;
    manager_of(&rig.server).shutdown().await;
}

#[actix_web::test]
async fn a_missing_module_degrades_the_session_and_sends_wait_without_loss() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let (rig, channel) = connected_rig().await;
    let admin = &rig.admin;
    fake(
        &rig.server,
        channel,
        "window.__fake.receive({from: '5511999990005@c.us', body: 'oi', notifyName: 'Ana'}); true",
    )
    .await;
    let ticket = ticket_of_number(admin, "5511999990005").await;
    let ticket_id = ticket["id"].as_i64().unwrap_or_default();

    fake(
        &rig.server,
        channel,
        "window.__fake.breakModule('WAWebSendMsgChatAction'); true",
    )
    .await;
    status_is(admin, channel, "DEGRADED").await;
    let missing = live(&rig.server, channel).status().missing;
    assert!(missing.iter().any(|m| m == "sendText"), "{missing:?}");

    let r = admin
        .post(
            &format!("/messages/{ticket_id}"),
            &json!({"body": "enquanto degradado", "fromMe": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let waiting = message_where(admin, ticket_id, "the pending message", |m| {
        m["body"] == "enquanto degradado"
    })
    .await;
    assert_eq!(waiting["ack"], 0, "not sent: {waiting}");
    assert_eq!(
        waiting["status"], "pending",
        "kept in the outbox: {waiting}"
    );
    assert!(waiting["sendError"].is_null(), "not failed: {waiting}");
    let sent = fake(&rig.server, channel, "window.__fake.sent()").await;
    assert_eq!(sent, json!([]), "nothing reached WhatsApp");

    // Restarting the session (a fresh page, as after a fix) delivers what waited, once.
    let r = admin
        .put(&format!("/whatsappsession/{channel}"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    status_is(admin, channel, "CONNECTED").await;
    let sent = eventually("the waiting message at WhatsApp", || async {
        let sent = fake(&rig.server, channel, "window.__fake.sent()").await;
        sent.as_array().filter(|a| !a.is_empty()).cloned()
    })
    .await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["body"], "enquanto degradado");
    message_where(admin, ticket_id, "the message recorded as sent", |m| {
        m["body"] == "enquanto degradado" && m["ack"].as_i64().unwrap_or(0) >= 1
    })
    .await;
    manager_of(&rig.server).shutdown().await;
}
