//! CRUD and rules of the channel, setting and fast-reply stores, on SQLite and (when configured)
//! PostgreSQL.

mod support_crud;

use support_crud::*;
use tiktickets_domain::enums::{ChannelStatus, ChannelType, TicketStatus, WabaBsp};
use tiktickets_domain::ids::{FastReplyId, WhatsappId};
use tiktickets_domain::store::channels::{Channel, ChannelInput, SessionState};
use tiktickets_domain::store::fast_replies::FastReplyInput;
use tiktickets_test_support::TestDb;

fn defaults(channels: &[Channel]) -> Vec<(WhatsappId, bool)> {
    channels.iter().map(|c| (c.id, c.is_default)).collect()
}

// --------------------------------------------------------------- channels

#[tokio::test]
async fn channel_create_get_list_update_delete_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let created = env.channel("  Main ").await;
        assert_eq!(created.name, "Main", "{b}: trimmed");
        assert_eq!(created.status, Some(ChannelStatus::Disconnected), "{b}");
        assert_eq!(created.r#type, ChannelType::Whatsapp, "{b}");
        assert!(created.is_active, "{b}");
        assert_eq!(
            (created.retries, created.qrcode.as_deref()),
            (0, None),
            "{b}"
        );
        assert_eq!(created.tenant_id, env.tenant, "{b}");
        assert_eq!(
            env.stores.channels.get(&env.cx, created.id).await.expect(b),
            created,
            "{b}"
        );
        let second = env.channel("Second").await;
        let listed: Vec<WhatsappId> = env
            .stores
            .channels
            .list(&env.cx)
            .await
            .expect(b)
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(listed, vec![created.id, second.id], "{b}: by id");
        assert_eq!(env.stores.channels.count(&env.cx).await.expect(b), 2, "{b}");

        let input = ChannelInput {
            r#type: ChannelType::Waba,
            is_active: false,
            farewell_message: Some("Bye {{name}}".into()),
            waba_bsp: Some(WabaBsp::D360),
            fb_page_id: Some("page-1".into()),
            instagram_user: Some("insta".into()),
            ..channel_input("Main WABA", false)
        };
        let updated = env
            .stores
            .channels
            .update(&env.cx, created.id, input)
            .await
            .expect(b);
        let read = env.stores.channels.get(&env.cx, created.id).await.expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(
            (read.name.as_str(), read.r#type, read.is_active),
            ("Main WABA", ChannelType::Waba, false),
            "{b}"
        );
        assert_eq!(
            read.farewell_message.as_deref(),
            Some("Bye {{name}}"),
            "{b}"
        );
        assert_eq!(read.waba_bsp, Some(WabaBsp::D360), "{b}");
        assert_eq!(
            (read.fb_page_id.as_deref(), read.instagram_user.as_deref()),
            (Some("page-1"), Some("insta")),
            "{b}"
        );
        assert!(
            read.is_default,
            "{b}: still the default when the update does not ask for it"
        );

        env.stores
            .channels
            .delete(&env.cx, created.id)
            .await
            .expect(b);
        assert_not_found(
            env.stores.channels.get(&env.cx, created.id).await,
            "ERR_NO_WAPP_FOUND",
            b,
        );
        assert_not_found(
            env.stores.channels.delete(&env.cx, created.id).await,
            "ERR_NO_WAPP_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .channels
                .update(&env.cx, created.id, channel_input("X", false))
                .await,
            "ERR_NO_WAPP_FOUND",
            b,
        );
        assert_eq!(env.stores.channels.count(&env.cx).await.expect(b), 1, "{b}");
    }
}

#[tokio::test]
async fn first_channel_becomes_default_and_a_new_default_unsets_it() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let first = env.channel("First").await;
        assert!(
            first.is_default,
            "{b}: the tenant's first channel is its default"
        );
        let second = env.channel("Second").await;
        assert!(!second.is_default, "{b}");
        assert_eq!(
            defaults(&env.stores.channels.list(&env.cx).await.expect(b)),
            vec![(first.id, true), (second.id, false)],
            "{b}"
        );

        let third = env
            .stores
            .channels
            .create(&env.cx, channel_input("Third", true))
            .await
            .expect(b);
        assert!(third.is_default, "{b}");
        assert_eq!(
            defaults(&env.stores.channels.list(&env.cx).await.expect(b)),
            vec![(first.id, false), (second.id, false), (third.id, true)],
            "{b}: creating a default unsets the previous one"
        );

        env.stores
            .channels
            .update(&env.cx, second.id, channel_input("Second", true))
            .await
            .expect(b);
        assert_eq!(
            defaults(&env.stores.channels.list(&env.cx).await.expect(b)),
            vec![(first.id, false), (second.id, true), (third.id, false)],
            "{b}: updating to default unsets the previous one"
        );

        // Defaults are per tenant.
        let (_, other_cx) = env.other_tenant("Tenant B", "admin@b.example").await;
        let theirs = env
            .stores
            .channels
            .create(&other_cx, channel_input("Theirs", false))
            .await
            .expect(b);
        assert!(theirs.is_default, "{b}: first channel of tenant B");
        assert!(
            env.stores
                .channels
                .get(&env.cx, second.id)
                .await
                .expect(b)
                .is_default,
            "{b}: A's default untouched"
        );
    }
}

#[tokio::test]
async fn duplicate_channel_name_in_a_tenant_is_a_conflict() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        env.channel("Main").await;
        assert_conflict(
            env.stores
                .channels
                .create(&env.cx, channel_input("Main", false))
                .await,
            "ERR_WAPP_NAME_ALREADY_EXISTS",
            b,
        );
        let other = env.channel("Other").await;
        assert_conflict(
            env.stores
                .channels
                .update(&env.cx, other.id, channel_input("Main", false))
                .await,
            "ERR_WAPP_NAME_ALREADY_EXISTS",
            &format!("{b}: rename to a used name"),
        );
        assert_eq!(
            env.stores
                .channels
                .get(&env.cx, other.id)
                .await
                .expect(b)
                .name,
            "Other",
            "{b}"
        );
        assert_eq!(env.stores.channels.count(&env.cx).await.expect(b), 2, "{b}");
        let (_, other_cx) = env.other_tenant("Tenant B", "admin@b.example").await;
        env.stores
            .channels
            .create(&other_cx, channel_input("Main", false))
            .await
            .expect(b);
    }
}

#[tokio::test]
async fn set_session_state_records_what_the_session_reports() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let qr = SessionState {
            status: Some(ChannelStatus::Qrcode),
            qrcode: Some(Some("2@QRDATA".into())),
            retries: Some(1),
            ..SessionState::default()
        };
        env.stores
            .channels
            .set_session_state(&env.cx, channel.id, qr)
            .await
            .expect(b);
        let read = env.stores.channels.get(&env.cx, channel.id).await.expect(b);
        assert_eq!(
            (read.status, read.qrcode.as_deref(), read.retries),
            (Some(ChannelStatus::Qrcode), Some("2@QRDATA"), 1),
            "{b}"
        );

        let connected = SessionState {
            status: Some(ChannelStatus::Connected),
            qrcode: Some(None),
            number: Some(Some("5511999990000".into())),
            retries: Some(0),
            profile_pic_url: Some(Some("https://pics.example/me.jpg".into())),
        };
        let updated = env
            .stores
            .channels
            .set_session_state(&env.cx, channel.id, connected)
            .await
            .expect(b);
        let read = env.stores.channels.get(&env.cx, channel.id).await.expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(read.status, Some(ChannelStatus::Connected), "{b}");
        assert_eq!(read.qrcode, None, "{b}: cleared");
        assert_eq!(read.number.as_deref(), Some("5511999990000"), "{b}");
        assert_eq!(
            read.profile_pic_url.as_deref(),
            Some("https://pics.example/me.jpg"),
            "{b}"
        );
        assert_eq!(read.name, "Main", "{b}: editable fields untouched");

        let nothing = env
            .stores
            .channels
            .set_session_state(&env.cx, channel.id, SessionState::default())
            .await
            .expect(b);
        assert_eq!(
            nothing.number.as_deref(),
            Some("5511999990000"),
            "{b}: an empty report changes nothing"
        );
        assert_not_found(
            env.stores
                .channels
                .set_session_state(&env.cx, missing_channel(), SessionState::default())
                .await,
            "ERR_NO_WAPP_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn deleting_a_channel_keeps_its_tickets_without_a_channel() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, channel, ticket) = env.contact_channel_ticket().await;
        env.stores
            .channels
            .delete(&env.cx, channel.id)
            .await
            .expect(b);
        let read = env.stores.tickets.get(&env.cx, ticket.id).await.expect(b);
        assert_eq!(read.whatsapp_id, None, "{b}");
        assert_eq!(read.status, TicketStatus::Pending, "{b}");
    }
}

// --------------------------------------------------------------- settings

#[tokio::test]
async fn setting_upsert_creates_then_updates_one_row() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        assert_eq!(
            env.stores
                .settings
                .get(&env.cx, "userCreation")
                .await
                .expect(b),
            None,
            "{b}: missing key"
        );
        assert!(
            env.stores.settings.list(&env.cx).await.expect(b).is_empty(),
            "{b}"
        );

        let created = env
            .stores
            .settings
            .upsert(&env.cx, "userCreation", "disabled")
            .await
            .expect(b);
        assert_eq!(
            (created.key.as_str(), created.value.as_str()),
            ("userCreation", "disabled"),
            "{b}"
        );
        assert_eq!(created.tenant_id, env.tenant, "{b}");
        let updated = env
            .stores
            .settings
            .upsert(&env.cx, "userCreation", "enabled")
            .await
            .expect(b);
        assert_eq!(updated.id, created.id, "{b}: same row");
        let read = env
            .stores
            .settings
            .get(&env.cx, "userCreation")
            .await
            .expect(b)
            .expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(read.value, "enabled", "{b}");

        env.stores
            .settings
            .upsert(&env.cx, "daysToClose", "7")
            .await
            .expect(b);
        let listed: Vec<(String, String)> = env
            .stores
            .settings
            .list(&env.cx)
            .await
            .expect(b)
            .into_iter()
            .map(|s| (s.key, s.value))
            .collect();
        assert_eq!(
            listed,
            [
                ("daysToClose".to_owned(), "7".to_owned()),
                ("userCreation".to_owned(), "enabled".to_owned())
            ],
            "{b}: one row per key, by key"
        );
        let (_, other_cx) = env.other_tenant("Tenant B", "admin@b.example").await;
        assert_eq!(
            env.stores
                .settings
                .get(&other_cx, "userCreation")
                .await
                .expect(b),
            None,
            "{b}: per tenant"
        );
    }
}

// ----------------------------------------------------------- fast replies

#[tokio::test]
async fn fast_reply_create_get_list_update_delete_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let medias = vec![
            "https://files.example/a.png".to_owned(),
            "https://files.example/b.pdf".to_owned(),
        ];
        let input = FastReplyInput {
            key: " /hello ".into(),
            message: "Hello, {{name}}!".into(),
            medias: Some(medias.clone()),
        };
        let created = env
            .stores
            .fast_replies
            .create(&env.cx, input)
            .await
            .expect(b);
        assert_eq!(created.key, "/hello", "{b}: trimmed");
        assert_eq!(created.message, "Hello, {{name}}!", "{b}");
        assert_eq!(
            created.medias,
            Some(medias.clone()),
            "{b}: medias round trip"
        );
        assert_eq!(created.user_id, Some(env.admin.id), "{b}");
        let read = env
            .stores
            .fast_replies
            .get(&env.cx, created.id)
            .await
            .expect(b);
        assert_eq!(read, created, "{b}");
        assert_eq!(read.medias, Some(medias), "{b}");

        let other = env
            .stores
            .fast_replies
            .create(
                &env.cx,
                FastReplyInput {
                    key: "/bye".into(),
                    message: "Bye".into(),
                    medias: None,
                },
            )
            .await
            .expect(b);
        assert_eq!(other.medias, None, "{b}");
        let keys: Vec<String> = env
            .stores
            .fast_replies
            .list(&env.cx)
            .await
            .expect(b)
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(keys, ["/bye", "/hello"], "{b}: by key");

        let update = FastReplyInput {
            key: "/hi".into(),
            message: "Hi".into(),
            medias: Some(vec![]),
        };
        let updated = env
            .stores
            .fast_replies
            .update(&env.cx, created.id, update)
            .await
            .expect(b);
        let read = env
            .stores
            .fast_replies
            .get(&env.cx, created.id)
            .await
            .expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(
            (read.key.as_str(), read.message.as_str()),
            ("/hi", "Hi"),
            "{b}"
        );
        assert_eq!(
            read.medias,
            Some(vec![]),
            "{b}: an empty list is kept as empty"
        );

        env.stores
            .fast_replies
            .delete(&env.cx, created.id)
            .await
            .expect(b);
        assert_not_found(
            env.stores.fast_replies.get(&env.cx, created.id).await,
            "ERR_NO_FAST_REPLY_FOUND",
            b,
        );
        assert_not_found(
            env.stores.fast_replies.delete(&env.cx, created.id).await,
            "ERR_NO_FAST_REPLY_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .fast_replies
                .update(
                    &env.cx,
                    FastReplyId::new(MISSING),
                    FastReplyInput {
                        key: "k".into(),
                        message: String::new(),
                        medias: None,
                    },
                )
                .await,
            "ERR_NO_FAST_REPLY_FOUND",
            b,
        );
        assert_eq!(
            env.stores.fast_replies.list(&env.cx).await.expect(b).len(),
            1,
            "{b}"
        );
    }
}
