//! Starting, logging in, timing out, logging out and conflicts, seen through the REST API and
//! the realtime events.

use std::time::Duration;

use serde_json::json;
use tiktickets_test_support::TestDb;

use crate::harness::Session;
use crate::node::Driver;
use crate::rig::{
    Rig, channel_where, chromium_turn, connect, fake, live, manager_of, status_is, ticket_of_number,
};

/// Connects a web client and joins the rooms the inbox uses.
async fn web_client(d: &mut Driver, id: &str, base: &str, s: &Session) {
    d.connected(id, base, s.token.as_deref().unwrap_or_default())
        .await;
    let t = s.tenant_id;
    for (event, args) in [
        (format!("{t}:joinNotification"), json!([])),
        (format!("tenant:{t}:joinTickets"), json!(["pending"])),
    ] {
        assert_eq!(d.emit_ack(id, &event, args).await, json!({"ok": true}));
    }
}

#[actix_web::test]
async fn a_started_session_publishes_its_qr_code_and_a_scan_connects_it() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    for db in TestDb::all().await {
        let Some(mut d) = Driver::start().await else {
            return;
        };
        let rig = Rig::start(db, &[]).await;
        let admin = &rig.admin;
        let beta = rig.server.new_tenant("Beta").await;
        web_client(&mut d, "a", &rig.server.base, admin).await;
        web_client(&mut d, "b", &rig.server.base, &beta).await;
        let t = admin.tenant_id;
        let channel = rig.channel(admin, "Atendimento").await;

        let r = admin
            .post(&format!("/whatsappsession/{channel}"), &json!({}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let event = format!("{t}:whatsappSession");
        d.event_where("a", &event, |p| {
            p["action"] == "update"
                && p["session"]["id"] == channel
                && p["session"]["status"] == "OPENING"
        })
        .await;
        let qr = d
            .event_where("a", &event, |p| p["session"]["status"] == "qrcode")
            .await;
        let payload = qr["session"]["qrcode"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let parts: Vec<&str> = payload.split(',').collect();
        assert_eq!(
            parts.len(),
            5,
            "ref, noise key, identity key, ADV secret, platform: {payload}"
        );
        assert_eq!(parts[0], "FAKE-REF-1", "{payload}");
        let shown = status_is(admin, channel, "qrcode").await;
        assert_eq!(shown["qrcode"], payload.as_str());

        fake(
            &rig.server,
            channel,
            "window.__fake.scan({me: '5511888880000@c.us'}); true",
        )
        .await;
        let connected = d
            .event_where("a", &event, |p| p["session"]["status"] == "CONNECTED")
            .await;
        assert_eq!(
            connected["session"]["number"], "5511888880000",
            "{connected}"
        );
        let row = status_is(admin, channel, "CONNECTED").await;
        assert!(row["qrcode"].is_null() || row["qrcode"] == "", "{row}");
        assert_eq!(row["number"], "5511888880000");

        // A message from a customer reaches the inbox: chat:create over realtime, and the
        // ticket and message through the REST API.
        fake(
            &rig.server,
            channel,
            "window.__fake.receive({from: '5511999990001@c.us', body: 'Olá, preciso de ajuda', notifyName: 'Maria'})",
        )
        .await;
        let created = d
            .event_where("a", &format!("{t}:ticketList"), |p| {
                p["type"] == "chat:create" && p["payload"]["body"] == "Olá, preciso de ajuda"
            })
            .await;
        assert_eq!(created["payload"]["fromMe"], false, "{created}");
        let ticket = ticket_of_number(admin, "5511999990001").await;
        assert_eq!(ticket["status"], "pending");
        assert_eq!(ticket["whatsappId"], channel);
        assert_eq!(ticket["contact"]["name"], "Maria");

        // The other tenant heard nothing of it.
        d.settle(Duration::from_millis(300)).await;
        let leaked: Vec<_> = d
            .events_of("b")
            .into_iter()
            .filter(|(name, _)| !name.ends_with("chat:updateOnlineBubbles"))
            .collect();
        assert!(leaked.is_empty(), "tenant B received {leaked:?}");
        // The time from the page's event to the stored message, over 20 more messages.
        let mut took = Vec::new();
        for i in 0..20 {
            let before = live(&rig.server, channel).status().ingested;
            fake(
                &rig.server,
                channel,
                &format!(
                    "window.__fake.receive({{from: '5511999990001@c.us', body: 'medida {i}'}}); true"
                ),
            )
            .await;
            let after = crate::rig::eventually("the message to be stored", || async {
                let s = live(&rig.server, channel).status();
                (s.ingested > before).then_some(s)
            })
            .await;
            took.extend(after.last_ingest);
        }
        took.sort();
        let status = live(&rig.server, channel).status();
        let (rss, pss) = status
            .browser_pid
            .map(crate::rig::process_tree_memory_kib)
            .unwrap_or_default();
        eprintln!(
            "[{}] inbound page event -> stored message over {} messages: median {:?}, max \
             {:?}; this session's Chromium: RSS {} MiB, PSS {} MiB",
            rig.server.backend,
            took.len(),
            took.get(took.len() / 2),
            took.last(),
            rss / 1024,
            pss / 1024
        );
    }
}

#[actix_web::test]
async fn unscanned_qr_codes_end_in_timeout() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let rig = Rig::start(TestDb::sqlite(), &[("sessions.qr_max_refreshes", "3")]).await;
    let channel = rig.channel(&rig.admin, "Sem leitura").await;
    let r = rig
        .admin
        .post(&format!("/whatsappsession/{channel}"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let row = status_is(&rig.admin, channel, "TIMEOUT").await;
    assert!(row["qrcode"].is_null() || row["qrcode"] == "", "{row}");
    crate::rig::eventually("the timed-out session to stop", || async {
        manager_of(&rig.server)
            .live(tiktickets_domain::ids::WhatsappId::new(channel))
            .is_none()
            .then_some(())
    })
    .await;
}

#[actix_web::test]
async fn logout_from_the_api_or_the_phone_disconnects_and_forgets_the_login() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let rig = Rig::start(TestDb::sqlite(), &[]).await;
    let admin = &rig.admin;
    let channel = rig.channel(admin, "Vendas").await;
    connect(&rig.server, admin, channel, "5511888880001@c.us").await;
    let profile = rig
        .profiles
        .path()
        .join(admin.tenant_id.to_string())
        .join(channel.to_string());
    assert!(profile.is_dir(), "the login lives in {}", profile.display());

    // Logout through the API.
    let r = admin.delete(&format!("/whatsappsession/{channel}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["message"], "Session disconnected.");
    status_is(admin, channel, "DISCONNECTED").await;
    assert!(!profile.exists(), "the login was discarded");

    // Starting again needs a new QR code; then the phone logs the session out.
    let r = admin
        .post(&format!("/whatsappsession/{channel}"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    status_is(admin, channel, "qrcode").await;
    fake(
        &rig.server,
        channel,
        "window.__fake.scan({me: '5511888880001@c.us'}); true",
    )
    .await;
    status_is(admin, channel, "CONNECTED").await;
    // Deferred: the session closes the browser as soon as it hears the logout, which could
    // otherwise cancel this very call before its answer arrives.
    fake(
        &rig.server,
        channel,
        "setTimeout(() => window.__fake.logout('phone'), 0); true",
    )
    .await;
    let row = status_is(admin, channel, "DISCONNECTED").await;
    assert!(row["qrcode"].is_null() || row["qrcode"] == "", "{row}");
    crate::rig::eventually("the profile to be discarded", || async {
        (!profile.exists()).then_some(())
    })
    .await;
}

#[actix_web::test]
async fn a_conflict_is_published_and_the_session_stops() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let Some(mut d) = Driver::start().await else {
        return;
    };
    let rig = Rig::start(TestDb::sqlite(), &[]).await;
    let admin = &rig.admin;
    web_client(&mut d, "a", &rig.server.base, admin).await;
    let channel = rig.channel(admin, "Suporte").await;
    connect(&rig.server, admin, channel, "5511888880002@c.us").await;
    fake(
        &rig.server,
        channel,
        "setTimeout(() => window.__fake.conflict(), 0); true",
    )
    .await;
    let event = format!("{}:whatsappSession", admin.tenant_id);
    d.event_where("a", &event, |p| p["session"]["status"] == "CONFLICT")
        .await;
    d.event_where("a", &event, |p| p["session"]["status"] == "DISCONNECTED")
        .await;
    status_is(admin, channel, "DISCONNECTED").await;
    // No takeover loop: the session stays stopped, and its login is kept for a reconnect.
    let profile = rig
        .profiles
        .path()
        .join(admin.tenant_id.to_string())
        .join(channel.to_string());
    assert!(profile.is_dir());
    let again = admin
        .post(&format!("/whatsappsession/{channel}"), &json!({}))
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    status_is(admin, channel, "CONNECTED").await;
}

#[actix_web::test]
async fn session_routes_check_the_tenant_and_the_channel_type() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let rig = Rig::start(TestDb::sqlite(), &[]).await;
    let admin = &rig.admin;
    let beta = rig.server.new_tenant("Beta").await;
    let channel = rig.channel(admin, "Principal").await;
    for (method, body) in [
        ("POST", json!({})),
        ("PUT", json!({"isQrcode": true})),
        ("DELETE", json!({})),
    ] {
        let path = format!("/whatsappsession/{channel}");
        let r = match method {
            "POST" => beta.post(&path, &body).await,
            "PUT" => beta.put(&path, &body).await,
            _ => beta.delete(&path).await,
        };
        r.err(404, "ERR_NO_WAPP_FOUND");
    }
    channel_where(admin, channel, "the channel untouched", |c| {
        c["status"] == "DISCONNECTED"
    })
    .await;
    assert!(
        manager_of(&rig.server)
            .live(tiktickets_domain::ids::WhatsappId::new(channel))
            .is_none()
    );
    let telegram = admin
        .post(
            "/whatsapp",
            &json!({"name": "Bot", "type": "telegram", "tokenTelegram": "123:abc"}),
        )
        .await;
    assert_eq!(telegram.status, 200, "{}", telegram.text);
    let id = telegram.body["id"].as_i64().unwrap_or_default();
    admin
        .post(&format!("/whatsappsession/{id}"), &json!({}))
        .await
        .err(409, "ERR_CHANNEL_TYPE_NOT_SUPPORTED");
    admin
        .put(
            &format!("/whatsappsession/{channel}"),
            &json!({"isQrcode": "yes"}),
        )
        .await
        .err(400, "ERR_INVALID_BODY");
}

#[actix_web::test]
async fn deleting_a_channel_stops_its_session_and_discards_the_login() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let rig = Rig::start(TestDb::sqlite(), &[]).await;
    let admin = &rig.admin;
    let channel = rig.channel(admin, "Temporário").await;
    connect(&rig.server, admin, channel, "5511888880003@c.us").await;
    let profile = rig
        .profiles
        .path()
        .join(admin.tenant_id.to_string())
        .join(channel.to_string());
    assert!(profile.is_dir());
    let r = admin.delete(&format!("/whatsapp/{channel}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    crate::rig::eventually("the session to stop", || async {
        manager_of(&rig.server)
            .live(tiktickets_domain::ids::WhatsappId::new(channel))
            .is_none()
            .then_some(())
    })
    .await;
    assert!(
        !profile.exists(),
        "the login of a deleted channel is discarded"
    );
}
