//! Contacts typed by agents are checked on WhatsApp through the tenant's connected channel
//! (behaviour.md §3.7): numbers without an account are refused, known ones get their picture.

use serde_json::json;
use tiktickets_test_support::TestDb;

use crate::rig::{Rig, chromium_turn, connect, fake, manager_of};

#[actix_web::test]
async fn typed_contacts_are_checked_on_whatsapp_when_a_channel_is_connected() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let rig = Rig::start(TestDb::sqlite(), &[]).await;
    let admin = &rig.admin;

    // No connected channel yet: the typed number is kept as it is.
    let r = admin
        .post(
            "/contacts",
            &json!({"name": "Sem canal", "number": "5511911110000"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let channel = rig.channel(admin, "Principal").await;
    connect(&rig.server, admin, channel, "5511888880000@c.us").await;
    fake(
        &rig.server,
        channel,
        "window.__fake.setRegistered(['5511922220000']); \
         window.__fake.setProfilePic('5511922220000', 'https://pps.example/p.jpg'); true",
    )
    .await;
    let known = admin
        .post(
            "/contacts",
            &json!({"name": "Cliente", "number": "+55 11 92222-0000"}),
        )
        .await;
    assert_eq!(known.status, 200, "{}", known.text);
    assert_eq!(known.body["number"], "5511922220000");
    assert_eq!(
        known.body["profilePicUrl"], "https://pps.example/p.jpg",
        "{}",
        known.text
    );

    admin
        .post(
            "/contacts",
            &json!({"name": "Fantasma", "number": "5511933330000"}),
        )
        .await
        .err(400, "ERR_WAPP_INVALID_CONTACT");
    let calls = fake(&rig.server, channel, "window.__fake.calls()").await;
    assert!(
        calls
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["name"] == "queryWidExists")),
        "{calls}"
    );
    manager_of(&rig.server).shutdown().await;
}
