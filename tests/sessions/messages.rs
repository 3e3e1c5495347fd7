//! Messages both ways through a connected session: every inbound kind lands in the inbox;
//! what agents send through the REST API reaches WhatsApp (the fake's `sent()`), and acks,
//! edits, revokes and reactions come back onto the stored messages.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tiktickets_test_support::TestDb;

use crate::harness::FilePart;
use crate::rig::{
    Rig, chromium_turn, connect, eventually, fake, message_where, messages_of, ticket_of_number,
    tickets_of,
};

const ME: &str = "5511888880000@c.us";
const MARIA: &str = "5511999990001@c.us";

/// Bytes of a tiny PNG, as a customer's photo.
const PHOTO: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn id_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

#[actix_web::test]
async fn every_inbound_kind_reaches_the_inbox() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let rig = Rig::start(TestDb::sqlite(), &[]).await;
    let admin = &rig.admin;
    let channel = rig.channel(admin, "Recepção").await;
    connect(&rig.server, admin, channel, ME).await;
    let srv = &rig.server;

    let text_id = id_of(
        &fake(
            srv,
            channel,
            &format!(
                "window.__fake.receive({{from: '{MARIA}', body: 'Bom dia', notifyName: 'Maria'}})"
            ),
        )
        .await,
    );
    let ticket = ticket_of_number(admin, "5511999990001").await;
    let ticket_id = ticket["id"].as_i64().unwrap_or_default();
    let text = message_where(admin, ticket_id, "the text", |m| m["body"] == "Bom dia").await;
    assert_eq!(text["fromMe"], false);
    assert_eq!(text["mediaType"], "chat");

    let photo = STANDARD.encode(PHOTO);
    fake(
        srv,
        channel,
        &format!(
            "window.__fake.receive({{from: '{MARIA}', type: 'image', body: 'minha foto', \
         media: {{mimetype: 'image/png', base64: '{photo}', filename: 'foto.png'}}}})"
        ),
    )
    .await;
    let image = message_where(admin, ticket_id, "the image", |m| m["body"] == "minha foto").await;
    assert_eq!(image["mediaType"], "image", "{image}");
    let file = image["mediaUrl"].as_str().unwrap_or_default().to_owned();
    assert!(!file.is_empty(), "{image}");
    // The API hands out a signed link: .../public/media/<tenant>/<name>?<signature>.
    let stored_name = file
        .rsplit('/')
        .next()
        .and_then(|n| n.split('?').next())
        .unwrap_or_default();
    let on_disk = std::fs::read(
        rig.server
            .media_dir()
            .join(admin.tenant_id.to_string())
            .join(stored_name),
    )
    .unwrap_or_else(|e| panic!("{file} is not stored under the tenant's media folder: {e}"));
    assert_eq!(on_disk, PHOTO, "byte-exact");

    fake(
        srv,
        channel,
        &format!(
            "window.__fake.receive({{from: '{MARIA}', type: 'location', body: '', \
         location: {{lat: -23.5617, lng: -46.6559, loc: 'Av. Paulista'}}}})"
        ),
    )
    .await;
    let location = message_where(admin, ticket_id, "the location", |m| {
        m["mediaType"] == "location"
    })
    .await;
    assert!(
        location["body"]
            .as_str()
            .unwrap_or_default()
            .starts_with("https://maps.google.com/maps?q=-23.5617%2C-46.6559&z=17"),
        "{location}"
    );

    let card = "BEGIN:VCARD\\nVERSION:3.0\\nFN:João\\nTEL;type=CELL:+5511977776666\\nEND:VCARD";
    fake(srv, channel, &format!(
        "window.__fake.receive({{from: '{MARIA}', type: 'vcard', body: '{card}', vcard: '{card}'}})"
    ))
    .await;
    let vcard = message_where(admin, ticket_id, "the vCard", |m| m["mediaType"] == "vcard").await;
    assert!(
        vcard["body"]
            .as_str()
            .unwrap_or_default()
            .contains("FN:João"),
        "{vcard}"
    );

    fake(
        srv,
        channel,
        &format!(
            "window.__fake.receive({{from: '{MARIA}', body: 'respondendo', quotedId: '{text_id}'}})"
        ),
    )
    .await;
    let reply = message_where(admin, ticket_id, "the reply", |m| {
        m["body"] == "respondendo"
    })
    .await;
    assert_eq!(reply["quotedMsgId"], text["id"], "{reply}");

    // Sent from the phone itself: stored as ours, on the same ticket.
    fake(
        srv,
        channel,
        &format!(
            "window.__fake.receive({{fromMe: true, to: '{MARIA}', body: 'enviado do celular'}})"
        ),
    )
    .await;
    let own = message_where(admin, ticket_id, "the phone's message", |m| {
        m["body"] == "enviado do celular"
    })
    .await;
    assert_eq!(own["fromMe"], true);

    // Groups follow the tenant's ignoreGroupMsg setting (seeded "enabled"): ignored, then
    // accepted once the admin turns it off.
    fake(
        srv,
        channel,
        "window.__fake.receive({from: '120363099999999999@g.us', author: '5511955554444@c.us', \
         body: 'ignorado', notifyName: 'Pedro'})",
    )
    .await;
    let r = admin
        .put("/settings/ignoreGroupMsg", &json!({"value": "disabled"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A group: the ticket belongs to the group; the author is a contact.
    fake(
        srv,
        channel,
        "window.__fake.receive({from: '120363012345678901@g.us', author: '5511955554444@c.us', \
         body: 'oi grupo', notifyName: 'Pedro'})",
    )
    .await;
    let group = ticket_of_number(admin, "120363012345678901@g.us").await;
    assert_eq!(group["isGroup"], true, "{group}");
    let group_id = group["id"].as_i64().unwrap_or_default();
    message_where(admin, group_id, "the group message", |m| {
        m["body"] == "oi grupo"
    })
    .await;

    // Replaying a page event changes nothing: each message is stored once.
    let all = messages_of(admin, ticket_id).await;
    assert_eq!(
        all.iter().filter(|m| m["body"] == "Bom dia").count(),
        1,
        "{all:?}"
    );

    // Status broadcasts are not conversations.
    fake(srv, channel, "window.__fake.receive({from: 'status@broadcast', author: '5511933332222@c.us', body: 'meu status', isStatus: true})").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !tickets_of(admin)
            .await
            .iter()
            .any(|t| t["contact"]["number"] == "5511933332222"
                || t["contact"]["number"] == "120363099999999999@g.us"),
        "a status, or a group while groups were ignored, became a ticket"
    );
}

#[actix_web::test]
async fn agent_messages_reach_whatsapp_and_acks_edits_revokes_reactions_come_back() {
    let Some(_turn) = chromium_turn().await else {
        return;
    };
    let rig = Rig::start(TestDb::sqlite(), &[]).await;
    let admin = &rig.admin;
    let channel = rig.channel(admin, "Atendimento").await;
    connect(&rig.server, admin, channel, ME).await;
    let srv = &rig.server;
    let inbound_id = id_of(
        &fake(srv, channel, &format!(
            "window.__fake.receive({{from: '{MARIA}', body: 'Qual o prazo?', notifyName: 'Maria'}})"
        ))
        .await,
    );
    let ticket = ticket_of_number(admin, "5511999990001").await;
    let ticket_id = ticket["id"].as_i64().unwrap_or_default();
    let question = message_where(admin, ticket_id, "the question", |m| {
        m["body"] == "Qual o prazo?"
    })
    .await;
    // Opening the chat (the newest page of an unread ticket) marks it read on the phone.
    eventually("the chat marked read on the phone", || async {
        let calls = fake(srv, channel, "window.__fake.calls()").await;
        calls.as_array()?.iter().find(|c| {
            c["name"] == "sendSeen"
                && c["args"]["chat"] == MARIA
                && c["args"]["signature"] == "object"
        })?;
        Some(())
    })
    .await;

    // Text, quoting the customer's question.
    let r = admin
        .post(
            &format!("/messages/{ticket_id}"),
            &json!({"body": "Chega amanhã", "fromMe": true, "quotedMsg": {"id": question["id"]}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let sent = eventually("the text at WhatsApp", || async {
        let sent = fake(srv, channel, "window.__fake.sent()").await;
        sent.as_array()
            .and_then(|all| all.iter().find(|m| m["body"] == "Chega amanhã").cloned())
    })
    .await;
    assert_eq!(sent["to"], MARIA, "{sent}");
    assert_eq!(sent["quotedId"], inbound_id.as_str(), "{sent}");
    let stored = message_where(admin, ticket_id, "the sent text recorded", |m| {
        m["body"] == "Chega amanhã" && m["ack"].as_i64().unwrap_or(0) >= 1
    })
    .await;
    let provider_id = id_of(&sent["id"]);
    assert_eq!(stored["messageId"], provider_id.as_str(), "{stored}");

    // Acks 2 and 3 are reflected, in order, never backwards.
    for ack in [2, 3] {
        fake(
            srv,
            channel,
            &format!("window.__fake.ack('{provider_id}', {ack}); true"),
        )
        .await;
        message_where(admin, ticket_id, &format!("ack {ack}"), |m| {
            m["messageId"] == provider_id.as_str() && m["ack"] == ack
        })
        .await;
    }
    fake(
        srv,
        channel,
        &format!("window.__fake.ack('{provider_id}', 2); true"),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let after = message_where(admin, ticket_id, "the sent text", |m| {
        m["messageId"] == provider_id.as_str()
    })
    .await;
    assert_eq!(after["ack"], 3, "a late ack 2 must not undo the read");

    // A file with a caption: the bytes reach WhatsApp unchanged.
    let r = admin
        .multipart(
            "POST",
            &format!("/messages/{ticket_id}"),
            &[("body", "segue o boleto"), ("fromMe", "true")],
            &[FilePart {
                field: "medias",
                file_name: "boleto.pdf",
                mime: "application/pdf",
                bytes: b"%PDF-1.4 boleto",
            }],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let file = eventually("the file at WhatsApp", || async {
        let sent = fake(srv, channel, "window.__fake.sent()").await;
        sent.as_array().and_then(|all| {
            all.iter()
                .find(|m| m["mimetype"] == "application/pdf")
                .cloned()
        })
    })
    .await;
    assert_eq!(
        STANDARD
            .decode(file["base64"].as_str().unwrap_or_default())
            .unwrap_or_default(),
        b"%PDF-1.4 boleto"
    );

    // The customer edits, reacts to our answer, then deletes the question.
    fake(
        srv,
        channel,
        &format!("window.__fake.edit('{inbound_id}', 'Qual o prazo de entrega?'); true"),
    )
    .await;
    message_where(admin, ticket_id, "the edit", |m| {
        m["id"] == question["id"] && m["edited"] == "Qual o prazo de entrega?"
    })
    .await;
    fake(
        srv,
        channel,
        &format!("window.__fake.react('{provider_id}', '👍', '{MARIA}'); true"),
    )
    .await;
    let reaction = message_where(admin, ticket_id, "the reaction", |m| {
        m["mediaType"] == "reaction"
    })
    .await;
    assert_eq!(reaction["body"], "👍");
    assert_eq!(reaction["quotedMsgId"], stored["id"], "{reaction}");
    fake(
        srv,
        channel,
        &format!("window.__fake.revoke('{inbound_id}'); true"),
    )
    .await;
    message_where(admin, ticket_id, "the revoke", |m| {
        m["id"] == question["id"] && m["isDeleted"] == true
    })
    .await;
}
