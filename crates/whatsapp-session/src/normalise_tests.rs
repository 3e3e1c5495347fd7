use serde_json::{Value, json};
use tiktickets_domain::enums::MediaType;
use tiktickets_domain::ids::WhatsappId;

use super::{Normalised, normalise};
use crate::wa_message::WaMessage;

fn message(overrides: Value) -> WaMessage {
    let mut base = json!({
        "id": {"fromMe": false, "remote": "5511999990001@c.us", "id": "3EB0A",
               "_serialized": "false_5511999990001@c.us_3EB0A"},
        "from": "5511999990001@c.us", "to": "5511888880000@c.us",
        "body": "hello", "type": "chat", "timestamp": 1_700_000_000, "ack": 0,
        "hasMedia": false, "notifyName": "Maria"
    });
    if let (Some(base), Some(extra)) = (base.as_object_mut(), overrides.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    serde_json::from_value(base).expect("valid message")
}

fn ingested(n: Normalised) -> (tiktickets_domain::services::ingest::InboundMessage, bool) {
    match n {
        Normalised::Ingest { message, media } => (*message, media.is_some()),
        Normalised::Ignore(why) => panic!("ignored: {why}"),
    }
}

const CHANNEL: WhatsappId = WhatsappId::new(7);

#[test]
fn a_text_from_a_contact_is_stored_under_its_full_id() {
    let (m, has_media) = ingested(normalise(CHANNEL, &message(json!({}))));
    assert_eq!(m.provider_id, "false_5511999990001@c.us_3EB0A");
    assert_eq!(m.contact.number.as_str(), "5511999990001");
    assert_eq!(m.contact.pushname.as_deref(), Some("Maria"));
    assert_eq!(m.body, "hello");
    assert_eq!(m.media_type, MediaType::Chat);
    assert!(!m.from_me && m.group.is_none() && !has_media);
    assert_eq!(m.timestamp, 1_700_000_000);
}

#[test]
fn a_location_becomes_a_maps_link() {
    let n = normalise(
        CHANNEL,
        &message(json!({"type": "location", "body": "",
                         "location": {"lat": -23.5, "lng": -46.25, "loc": "Office"}})),
    );
    let (m, _) = ingested(n);
    assert_eq!(m.media_type, MediaType::Location);
    assert_eq!(
        m.body,
        "https://maps.google.com/maps?q=-23.5%2C-46.25&z=17\nOffice"
    );
}

#[test]
fn vcards_media_and_quotes_are_kept() {
    let (m, _) = ingested(normalise(
        CHANNEL,
        &message(json!({"type": "vcard", "body": "BEGIN:VCARD\nEND:VCARD"})),
    ));
    assert_eq!(m.media_type, MediaType::Vcard);
    assert!(m.body.starts_with("BEGIN:VCARD"));

    let (m, has_media) = ingested(normalise(
        CHANNEL,
        &message(json!({"type": "image", "body": "look", "hasMedia": true,
                        "mimetype": "image/jpeg"})),
    ));
    assert_eq!(m.media_type, MediaType::Image);
    assert_eq!(m.body, "look");
    assert!(has_media);

    let (m, _) = ingested(normalise(
        CHANNEL,
        &message(json!({"quotedMsgId": "true_5511999990001@c.us_AAA"})),
    ));
    assert_eq!(
        m.quoted_provider_id.as_deref(),
        Some("true_5511999990001@c.us_AAA")
    );
}

#[test]
fn group_messages_carry_the_author_and_the_group() {
    let (m, _) = ingested(normalise(
        CHANNEL,
        &message(json!({
            "id": {"fromMe": false, "remote": "120363012345678901@g.us", "id": "X1",
                   "participant": "5511777770000@c.us",
                   "_serialized": "false_120363012345678901@g.us_X1_5511777770000@c.us"},
            "author": "5511777770000@c.us", "isGroup": true, "chatName": "Team"})),
    ));
    assert_eq!(m.contact.number.as_str(), "5511777770000");
    let group = m.group.expect("group");
    assert_eq!(group.number.as_str(), "120363012345678901@g.us");
    assert_eq!(group.name.as_deref(), Some("Team"));
}

#[test]
fn phone_sent_messages_are_from_me_to_the_chat() {
    let (m, _) = ingested(normalise(
        CHANNEL,
        &message(json!({
            "id": {"fromMe": true, "remote": "5511999990001@c.us", "id": "P1",
                   "_serialized": "true_5511999990001@c.us_P1"}})),
    ));
    assert!(m.from_me);
    assert_eq!(m.contact.number.as_str(), "5511999990001");
    assert_eq!(
        m.contact.name, None,
        "our own push name is not the contact's"
    );
}

#[test]
fn status_broadcasts_notifications_and_broken_media_are_ignored() {
    let cases = [
        json!({"isStatus": true}),
        json!({"id": {"fromMe": false, "remote": "status@broadcast", "id": "S",
                      "_serialized": "false_status@broadcast_S"}}),
        json!({"type": "e2e_notification"}),
        json!({"type": "revoked"}),
        json!({"type": "image", "hasMedia": false}),
        json!({"id": {"fromMe": false, "remote": "not-a-number@c.us", "id": "Z",
                      "_serialized": "false_not-a-number@c.us_Z"}}),
    ];
    for case in cases {
        assert!(
            matches!(
                normalise(CHANNEL, &message(case.clone())),
                Normalised::Ignore(_)
            ),
            "{case}"
        );
    }
}

#[test]
fn linked_ids_are_accepted_as_contacts() {
    let (m, _) = ingested(normalise(
        CHANNEL,
        &message(json!({
            "id": {"fromMe": false, "remote": "123456789012345@lid", "id": "L1",
                   "_serialized": "false_123456789012345@lid_L1"}})),
    ));
    assert_eq!(m.contact.number.as_str(), "123456789012345@lid");
}
