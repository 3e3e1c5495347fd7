//! Bad lengths and formats through the stores: every refusal is a `DomainError::Invalid` with
//! the right code (never a panic, never a database error), and nothing is stored. SQLite always,
//! PostgreSQL when configured.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;

use support_crud::*;
use tiktickets_domain::PlatformCtx;
use tiktickets_domain::enums::{ProtocolStatus, UserProfile};
use tiktickets_domain::phone;
use tiktickets_domain::store::PageRequest;
use tiktickets_domain::store::contacts::{ContactInput, CustomFieldInput, InboundContact};
use tiktickets_domain::store::fast_replies::FastReplyInput;
use tiktickets_domain::store::messages::{MessagePatch, NewMessage};
use tiktickets_domain::store::protocols::NewProtocol;
use tiktickets_domain::store::queues::QueueInput;
use tiktickets_domain::store::tenants::{NewTenant, TenantPatch};
use tiktickets_domain::store::tickets::TicketPatch;
use tiktickets_domain::store::users::{NewUser, UserPatch};
use tiktickets_domain::validate::TEXT_MAX;
use tiktickets_test_support::TestDb;

const TOO_LONG: &str = "ERR_FIELD_TOO_LONG";
const REQUIRED: &str = "ERR_FIELD_REQUIRED";

fn long_name() -> String {
    "n".repeat(256)
}

/// How many rows each tenant-owned list holds, to prove refused writes stored nothing.
async fn row_counts(env: &Env) -> Vec<usize> {
    let b = env.backend;
    let cx = &env.cx;
    vec![
        env.stores.users.count(cx).await.expect(b) as usize,
        env.stores.queues.list(cx).await.expect(b).len(),
        env.stores.tags.list(cx, false).await.expect(b).len(),
        env.stores
            .contacts
            .list(cx, None, PageRequest::first(100))
            .await
            .expect(b)
            .count as usize,
        env.stores.channels.list(cx).await.expect(b).len(),
        env.stores.fast_replies.list(cx).await.expect(b).len(),
        env.stores.campaigns.list(cx).await.expect(b).len(),
        env.stores.settings.list(cx).await.expect(b).len(),
        env.stores
            .tenants
            .list(&PlatformCtx::system())
            .await
            .expect(b)
            .len(),
    ]
}

#[tokio::test]
async fn names_over_255_characters_are_refused() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let before = row_counts(&env).await;
        let s = &env.stores;
        let cx = &env.cx;
        let p = PlatformCtx::system();
        let long = long_name();

        assert_invalid(
            s.tenants.create(&p, new_tenant(&long)).await,
            TOO_LONG,
            &format!("{b}: tenant"),
        );
        assert_invalid(
            s.users
                .create(cx, new_user(&long, "long@a.example", UserProfile::User))
                .await,
            TOO_LONG,
            &format!("{b}: user"),
        );
        assert_invalid(
            s.queues
                .create(
                    cx,
                    QueueInput {
                        queue: long.clone(),
                        is_active: true,
                    },
                )
                .await,
            TOO_LONG,
            &format!("{b}: queue"),
        );
        assert_invalid(
            s.tags.create(cx, tag_input(&long, true)).await,
            TOO_LONG,
            &format!("{b}: tag"),
        );
        assert_invalid(
            s.contacts.create(cx, contact_input(&long, None)).await,
            TOO_LONG,
            &format!("{b}: contact"),
        );
        assert_invalid(
            s.channels.create(cx, channel_input(&long, false)).await,
            TOO_LONG,
            &format!("{b}: channel"),
        );
        assert_invalid(
            s.campaigns
                .create(cx, campaign_input(&long, channel.id))
                .await,
            TOO_LONG,
            &format!("{b}: campaign"),
        );
        assert_invalid(
            s.fast_replies
                .create(
                    cx,
                    FastReplyInput {
                        key: long.clone(),
                        message: "m".into(),
                        medias: None,
                    },
                )
                .await,
            TOO_LONG,
            &format!("{b}: fast reply key"),
        );
        assert_invalid(
            s.settings.upsert(cx, &long, "v").await,
            TOO_LONG,
            &format!("{b}: setting key"),
        );
        // 255 characters (multi-byte ones) are fine.
        let max = "é".repeat(255);
        let q = s
            .queues
            .create(
                cx,
                QueueInput {
                    queue: max.clone(),
                    is_active: true,
                },
            )
            .await
            .expect(b);
        assert_eq!(s.queues.get(cx, q.id).await.expect(b).queue, max, "{b}");
        s.queues.delete(cx, q.id).await.expect(b);
        assert_eq!(row_counts(&env).await, before, "{b}: nothing stored");
    }
}

#[tokio::test]
async fn names_over_255_characters_are_refused_on_update() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let s = &env.stores;
        let cx = &env.cx;
        let long = long_name();
        let queue = env.queue("Sales").await;
        let tag = env.tag("vip", true).await;
        let contact = env.contact("Ana", "5511987654321").await;
        let channel = env.channel("Main").await;
        assert_invalid(
            s.queues
                .update(
                    cx,
                    queue.id,
                    QueueInput {
                        queue: long.clone(),
                        is_active: true,
                    },
                )
                .await,
            TOO_LONG,
            b,
        );
        assert_invalid(
            s.tags.update(cx, tag.id, tag_input(&long, true)).await,
            TOO_LONG,
            b,
        );
        assert_invalid(
            s.contacts
                .update(cx, contact.id, contact_input(&long, None))
                .await,
            TOO_LONG,
            b,
        );
        assert_invalid(
            s.channels
                .update(cx, channel.id, channel_input(&long, false))
                .await,
            TOO_LONG,
            b,
        );
        assert_invalid(
            s.users
                .update(
                    cx,
                    env.admin.id,
                    UserPatch {
                        name: Some(long.clone()),
                        ..UserPatch::default()
                    },
                )
                .await,
            TOO_LONG,
            b,
        );
        assert_invalid(
            s.tenants
                .update(
                    &PlatformCtx::system(),
                    env.tenant,
                    TenantPatch {
                        name: Some(long.clone()),
                        ..TenantPatch::default()
                    },
                )
                .await,
            TOO_LONG,
            b,
        );
        assert_invalid(
            s.contacts
                .set_custom_fields(
                    cx,
                    contact.id,
                    vec![CustomFieldInput {
                        id: None,
                        name: long.clone(),
                        value: "v".into(),
                    }],
                )
                .await,
            TOO_LONG,
            b,
        );
        let inbound = InboundContact {
            number: phone::normalize("5511900001111").expect("valid"),
            name: None,
            pushname: Some(long.clone()),
            profile_pic_url: None,
            is_user: None,
            is_wa_contact: None,
        };
        assert_invalid(s.contacts.upsert_inbound(cx, inbound).await, TOO_LONG, b);
        assert_eq!(
            s.queues.get(cx, queue.id).await.expect(b).queue,
            "Sales",
            "{b}"
        );
        assert_eq!(s.tags.get(cx, tag.id).await.expect(b).tag, "vip", "{b}");
        assert_eq!(
            s.contacts.get(cx, contact.id).await.expect(b).name,
            "Ana",
            "{b}"
        );
        assert_eq!(
            s.channels.get(cx, channel.id).await.expect(b).name,
            "Main",
            "{b}"
        );
        assert_eq!(
            s.users.get(cx, env.admin.id).await.expect(b).name,
            "Admin",
            "{b}"
        );
        assert!(
            s.contacts
                .custom_fields(cx, contact.id)
                .await
                .expect(b)
                .is_empty(),
            "{b}"
        );
        assert_eq!(
            s.contacts
                .list(cx, None, PageRequest::first(10))
                .await
                .expect(b)
                .count,
            1,
            "{b}"
        );
    }
}

#[tokio::test]
async fn blank_names_are_refused() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let before = row_counts(&env).await;
        let s = &env.stores;
        let cx = &env.cx;
        for blank in ["", "   ", "\t\n"] {
            let what = format!("{b}: {blank:?}");
            assert_invalid(
                s.queues
                    .create(
                        cx,
                        QueueInput {
                            queue: blank.into(),
                            is_active: true,
                        },
                    )
                    .await,
                REQUIRED,
                &what,
            );
            assert_invalid(
                s.tags.create(cx, tag_input(blank, true)).await,
                REQUIRED,
                &what,
            );
            assert_invalid(
                s.contacts.create(cx, contact_input(blank, None)).await,
                REQUIRED,
                &what,
            );
            assert_invalid(
                s.channels.create(cx, channel_input(blank, false)).await,
                REQUIRED,
                &what,
            );
            assert_invalid(
                s.campaigns
                    .create(cx, campaign_input(blank, channel.id))
                    .await,
                REQUIRED,
                &what,
            );
            assert_invalid(
                s.fast_replies
                    .create(
                        cx,
                        FastReplyInput {
                            key: blank.into(),
                            message: "m".into(),
                            medias: None,
                        },
                    )
                    .await,
                REQUIRED,
                &what,
            );
            assert_invalid(s.settings.upsert(cx, blank, "v").await, REQUIRED, &what);
            assert_invalid(
                s.users
                    .create(cx, new_user(blank, "blank@a.example", UserProfile::User))
                    .await,
                REQUIRED,
                &what,
            );
            assert_invalid(
                s.tenants
                    .create(&PlatformCtx::system(), new_tenant(blank))
                    .await,
                REQUIRED,
                &what,
            );
        }
        // Users and tenants need at least two characters.
        assert_invalid(
            s.users
                .create(cx, new_user("A", "a1@a.example", UserProfile::User))
                .await,
            REQUIRED,
            b,
        );
        assert_invalid(
            s.tenants
                .create(&PlatformCtx::system(), new_tenant("X"))
                .await,
            REQUIRED,
            b,
        );
        assert_eq!(row_counts(&env).await, before, "{b}: nothing stored");
    }
}

#[tokio::test]
async fn bad_emails_are_refused() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let before = row_counts(&env).await;
        let s = &env.stores;
        let cx = &env.cx;
        for bad in [
            "plainaddress",
            "a@b",
            "@b.co",
            "a@.co",
            "a@b.",
            "a b@c.de",
            "a@b@c.de",
        ] {
            let what = format!("{b}: {bad:?}");
            assert_invalid(
                s.users
                    .create(cx, new_user("Bad Mail", bad, UserProfile::User))
                    .await,
                "ERR_INVALID_EMAIL",
                &what,
            );
            let contact = ContactInput {
                email: Some(bad.into()),
                ..contact_input("Bad Mail", None)
            };
            assert_invalid(
                s.contacts.create(cx, contact).await,
                "ERR_INVALID_EMAIL",
                &what,
            );
            assert_invalid(
                s.users
                    .update(
                        cx,
                        env.admin.id,
                        UserPatch {
                            email: Some(bad.into()),
                            ..UserPatch::default()
                        },
                    )
                    .await,
                "ERR_INVALID_EMAIL",
                &what,
            );
        }
        assert_eq!(
            s.users.get(cx, env.admin.id).await.expect(b).email,
            "admin@a.example",
            "{b}"
        );
        assert_eq!(row_counts(&env).await, before, "{b}: nothing stored");
    }
}

#[tokio::test]
async fn message_body_over_64k_characters_is_refused() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let s = &env.stores;
        let cx = &env.cx;
        let over = "ç".repeat(TEXT_MAX + 1);
        assert_invalid(
            s.messages.insert(cx, new_message(&ticket, &over)).await,
            TOO_LONG,
            b,
        );
        assert_invalid(
            s.tickets
                .record_message(cx, ticket.id, &over, 1, false)
                .await,
            TOO_LONG,
            b,
        );
        assert_invalid(
            s.tickets
                .update(
                    cx,
                    ticket.id,
                    TicketPatch {
                        last_message: Some(over.clone()),
                        ..TicketPatch::default()
                    },
                )
                .await,
            TOO_LONG,
            b,
        );
        let provider = NewMessage {
            message_id: Some("W".repeat(256)),
            ..new_message(&ticket, "ok")
        };
        assert_invalid(s.messages.insert(cx, provider).await, TOO_LONG, b);
        assert_eq!(
            s.messages
                .list_for_ticket(cx, ticket.id, PageRequest::first(10))
                .await
                .expect(b)
                .count,
            0,
            "{b}"
        );

        let max = "ç".repeat(TEXT_MAX);
        let stored = s
            .messages
            .insert(cx, new_message(&ticket, &max))
            .await
            .expect(b)
            .message;
        let read = s.messages.get(cx, &stored.id).await.expect(b);
        assert_eq!(
            read.body.chars().count(),
            TEXT_MAX,
            "{b}: exactly 65 536 characters fit"
        );
        assert_eq!(read.body, max, "{b}");
        assert_invalid(
            s.messages
                .update(
                    cx,
                    &stored.id,
                    MessagePatch {
                        edited: Some(over.clone()),
                        ..MessagePatch::default()
                    },
                )
                .await,
            TOO_LONG,
            b,
        );
        assert_eq!(
            s.messages.get(cx, &stored.id).await.expect(b).edited,
            None,
            "{b}"
        );
    }
}

#[tokio::test]
async fn other_oversized_inputs_are_refused() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let s = &env.stores;
        let cx = &env.cx;
        let medias = Some(
            (0..21)
                .map(|i| format!("https://files.example/{i}.png"))
                .collect(),
        );
        assert_invalid(
            s.fast_replies
                .create(
                    cx,
                    FastReplyInput {
                        key: "k".into(),
                        message: "m".into(),
                        medias,
                    },
                )
                .await,
            "ERR_TOO_MANY_MEDIAS",
            b,
        );
        assert_invalid(
            s.fast_replies
                .create(
                    cx,
                    FastReplyInput {
                        key: "k".into(),
                        message: "m".into(),
                        medias: Some(vec![String::new()]),
                    },
                )
                .await,
            REQUIRED,
            b,
        );
        assert_invalid(
            s.settings.upsert(cx, "k", &"v".repeat(TEXT_MAX + 1)).await,
            TOO_LONG,
            b,
        );
        let protocol = NewProtocol {
            protocol_number: String::new(),
            status: ProtocolStatus::Aber,
            ticket_id: ticket.id,
            user_id: None,
            user_name: None,
        };
        assert_invalid(s.protocols.append(cx, protocol).await, REQUIRED, b);
        assert_invalid(
            s.tenants
                .create(
                    &PlatformCtx::system(),
                    NewTenant {
                        message_business_hours: Some("m".repeat(TEXT_MAX + 1)),
                        ..new_tenant("Wordy")
                    },
                )
                .await,
            TOO_LONG,
            b,
        );
        let user = NewUser {
            email: format!("{}@a.example", "u".repeat(250)),
            ..new_user("Long Mail", "x@a.example", UserProfile::User)
        };
        assert_invalid(s.users.create(cx, user).await, TOO_LONG, b);
        assert!(s.fast_replies.list(cx).await.expect(b).is_empty(), "{b}");
        assert!(s.settings.list(cx).await.expect(b).is_empty(), "{b}");
        assert!(
            s.protocols
                .list_for_ticket(cx, ticket.id)
                .await
                .expect(b)
                .is_empty(),
            "{b}"
        );
    }
}
