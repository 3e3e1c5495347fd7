//! The message-port additions: the atomic outbox write (`insert_outbound`), the scheduled
//! messages of a ticket and protocol stamping, on every backend.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;

use sea_orm::ConnectionTrait;
use support_crud::*;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{MessageStatus, SendType, TicketStatus};
use tiktickets_domain::ids::{ContactId, MessageId};
use tiktickets_domain::store::messages::{Message, MessagePatch, NewMessage};
use tiktickets_domain::store::tickets::Ticket;
use tiktickets_test_support::TestDb;

/// An outbound text of `ticket` typed by the admin.
fn outbound(env: &Env, ticket: &Ticket, body: &str) -> NewMessage {
    NewMessage {
        from_me: true,
        read: true,
        user_id: Some(env.admin.id),
        send_type: Some(SendType::Chat),
        status: Some(MessageStatus::Pending),
        ..new_message(ticket, body)
    }
}

async fn messages_of(env: &Env, cx: &TenantCtx, ticket: &Ticket) -> Vec<Message> {
    env.stores
        .messages
        .list_for_ticket(cx, ticket.id, page(1, 100))
        .await
        .expect(env.backend)
        .items
}

/// Stores `m` with the plain `insert` and returns the row.
async fn put(env: &Env, m: NewMessage) -> Message {
    env.stores
        .messages
        .insert(&env.cx, m)
        .await
        .expect(env.backend)
        .message
}

/// A ticket of tenant B (its own contact and channel), with B's context.
async fn ticket_of_b(env: &Env) -> (TenantCtx, Ticket) {
    let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
    let contact = env
        .stores
        .contacts
        .create(&cx_b, contact_input("B contact", Some("5521988887777")))
        .await
        .expect(env.backend);
    let channel = env
        .stores
        .channels
        .create(&cx_b, channel_input("B main", false))
        .await
        .expect(env.backend);
    let ticket = env
        .stores
        .tickets
        .create(
            &cx_b,
            new_ticket(contact.id, Some(channel.id), TicketStatus::Pending),
        )
        .await
        .expect(env.backend);
    (cx_b, ticket)
}

#[tokio::test]
async fn insert_outbound_stores_the_message_and_updates_the_ticket() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        assert_eq!(ticket.unread_messages, Some(0), "{b}");

        let (message, updated) = env
            .stores
            .messages
            .insert_outbound(
                &env.cx,
                outbound(&env, &ticket, "Hello there"),
                1_800_000_000_000,
                false,
            )
            .await
            .expect(b);
        assert_eq!(message.body, "Hello there", "{b}");
        assert!(message.from_me, "{b}");
        assert_eq!(message.ticket_id, ticket.id, "{b}");
        assert_eq!(message.tenant_id, env.tenant, "{b}");
        assert_eq!(message.status, Some(MessageStatus::Pending), "{b}");
        assert_eq!(message.user_id, Some(env.admin.id), "{b}");
        assert_eq!(updated.id, ticket.id, "{b}");
        assert_eq!(updated.last_message.as_deref(), Some("Hello there"), "{b}");
        assert_eq!(updated.last_message_at, Some(1_800_000_000_000), "{b}");
        assert_eq!(updated.answered, Some(true), "{b}");
        assert_eq!(
            updated.unread_messages,
            Some(0),
            "{b}: count_unread = false"
        );
        assert!(updated.updated_at >= ticket.updated_at, "{b}");
        // Both rows are committed as returned.
        assert_eq!(
            env.stores.tickets.get(&env.cx, ticket.id).await.expect(b),
            updated,
            "{b}"
        );
        assert_eq!(
            env.stores
                .messages
                .get(&env.cx, &message.id)
                .await
                .expect(b),
            message,
            "{b}"
        );

        let (second, counted) = env
            .stores
            .messages
            .insert_outbound(
                &env.cx,
                outbound(&env, &ticket, "Second"),
                1_800_000_000_500,
                true,
            )
            .await
            .expect(b);
        assert_eq!(counted.unread_messages, Some(1), "{b}: count_unread = true");
        assert_eq!(counted.last_message.as_deref(), Some("Second"), "{b}");
        assert_eq!(counted.last_message_at, Some(1_800_000_000_500), "{b}");
        let ids: Vec<MessageId> = messages_of(&env, &env.cx, &ticket)
            .await
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids.len(), 2, "{b}");
        assert!(ids.contains(&message.id) && ids.contains(&second.id), "{b}");
    }
}

#[tokio::test]
async fn insert_outbound_writes_nothing_when_a_reference_is_bad() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let (cx_b, ticket_b) = ticket_of_b(&env).await;
        let quoted_b = env
            .stores
            .messages
            .insert(&cx_b, new_message(&ticket_b, "B's message"))
            .await
            .expect(b)
            .message;
        let before_a = env.stores.tickets.get(&env.cx, ticket.id).await.expect(b);
        let before_b = env.stores.tickets.get(&cx_b, ticket_b.id).await.expect(b);

        // A quoted message that does not exist.
        let bad_quote = NewMessage {
            quoted_msg_id: Some(MessageId::generate()),
            ..outbound(&env, &ticket, "quoting nothing")
        };
        assert_not_found(
            env.stores
                .messages
                .insert_outbound(&env.cx, bad_quote, 1, true)
                .await,
            "ERR_NO_MESSAGE_FOUND",
            &format!("{b}: unknown quoted id"),
        );
        // A quoted message of tenant B.
        let foreign_quote = NewMessage {
            quoted_msg_id: Some(quoted_b.id.clone()),
            ..outbound(&env, &ticket, "quoting B")
        };
        assert_not_found(
            env.stores
                .messages
                .insert_outbound(&env.cx, foreign_quote, 1, true)
                .await,
            "ERR_NO_MESSAGE_FOUND",
            &format!("{b}: B's quoted id"),
        );
        // A contact of tenant B.
        let foreign_contact = NewMessage {
            contact_id: ticket_b.contact_id,
            ..outbound(&env, &ticket, "to B's contact")
        };
        assert_not_found(
            env.stores
                .messages
                .insert_outbound(&env.cx, foreign_contact, 1, true)
                .await,
            "ERR_NO_CONTACT_FOUND",
            &format!("{b}: B's contact"),
        );
        // A contact that does not exist.
        let no_contact = NewMessage {
            contact_id: Some(ContactId::new(MISSING)),
            ..outbound(&env, &ticket, "to nobody")
        };
        assert_not_found(
            env.stores
                .messages
                .insert_outbound(&env.cx, no_contact, 1, true)
                .await,
            "ERR_NO_CONTACT_FOUND",
            &format!("{b}: missing contact"),
        );
        // Tenant B's ticket through A's context.
        let mut foreign_ticket = outbound(&env, &ticket_b, "into B's ticket");
        foreign_ticket.contact_id = None;
        assert_not_found(
            env.stores
                .messages
                .insert_outbound(&env.cx, foreign_ticket, 1, true)
                .await,
            "ERR_NO_TICKET_FOUND",
            &format!("{b}: B's ticket"),
        );
        // A duplicate provider id fails on the unique index, after the reference checks.
        let sent = NewMessage {
            message_id: Some("wamid.dup".to_owned()),
            ..outbound(&env, &ticket, "sent")
        };
        env.stores
            .messages
            .insert(&env.cx, sent.clone())
            .await
            .expect(b);
        let after_first = env.stores.tickets.get(&env.cx, ticket.id).await.expect(b);
        assert_err(
            env.stores
                .messages
                .insert_outbound(&env.cx, sent, 99, true)
                .await,
            Kind::Conflict,
            "ERR_DUPLICATED_MESSAGE",
            &format!("{b}: duplicate provider id"),
        );

        assert_eq!(
            env.stores.tickets.get(&env.cx, ticket.id).await.expect(b),
            after_first,
            "{b}: A's ticket unchanged"
        );
        assert_eq!(
            after_first, before_a,
            "{b}: insert() does not touch the ticket"
        );
        assert_eq!(
            env.stores.tickets.get(&cx_b, ticket_b.id).await.expect(b),
            before_b,
            "{b}: B's ticket unchanged"
        );
        let a_msgs = messages_of(&env, &env.cx, &ticket).await;
        assert_eq!(a_msgs.len(), 1, "{b}: only the plain insert() row");
        assert_eq!(a_msgs[0].body, "sent", "{b}");
        let b_msgs = messages_of(&env, &cx_b, &ticket_b).await;
        assert_eq!(b_msgs, vec![quoted_b], "{b}: B's messages unchanged");
    }
}

#[tokio::test]
async fn scheduled_for_ticket_lists_pending_scheduled_soonest_first() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let scheduled = |body: &str, day: u32, status: MessageStatus| NewMessage {
            schedule_date: Some(at(day, 9)),
            status: Some(status),
            ..outbound(&env, &ticket, body)
        };
        let later = put(&env, scheduled("later", 20, MessageStatus::Pending)).await;
        let sooner = put(&env, scheduled("sooner", 5, MessageStatus::Pending)).await;
        put(&env, scheduled("already sent", 1, MessageStatus::Sended)).await;
        put(&env, scheduled("cancelled", 2, MessageStatus::Canceled)).await;
        put(&env, outbound(&env, &ticket, "pending, not scheduled")).await;
        put(&env, new_message(&ticket, "inbound")).await;
        // Another ticket's scheduled message stays out.
        let other_contact = env.contact("Other", "5511977776666").await;
        let channel = env.channel("Second").await;
        let other = env
            .ticket(other_contact.id, channel.id, TicketStatus::Pending)
            .await;
        env.stores
            .messages
            .insert(
                &env.cx,
                NewMessage {
                    schedule_date: Some(at(3, 9)),
                    ..outbound(&env, &other, "other ticket")
                },
            )
            .await
            .expect(b);

        let got = env
            .stores
            .messages
            .scheduled_for_ticket(&env.cx, ticket.id)
            .await
            .expect(b);
        assert_eq!(got, vec![sooner, later], "{b}");

        let (cx_b, ticket_b) = ticket_of_b(&env).await;
        assert_not_found(
            env.stores
                .messages
                .scheduled_for_ticket(&env.cx, ticket_b.id)
                .await,
            "ERR_NO_TICKET_FOUND",
            &format!("{b}: B's ticket from A"),
        );
        assert!(
            env.stores
                .messages
                .scheduled_for_ticket(&cx_b, ticket_b.id)
                .await
                .expect(b)
                .is_empty(),
            "{b}"
        );
    }
}

#[tokio::test]
async fn stamp_protocol_fills_only_empty_numbers_of_the_ticket() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let empty = put(&env, new_message(&ticket, "empty number")).await;
        assert_eq!(empty.protocol_number.as_deref(), Some(""), "{b}");
        let null = put(&env, new_message(&ticket, "null number")).await;
        let stamped = put(&env, new_message(&ticket, "already stamped")).await;
        env.stores
            .messages
            .update(
                &env.cx,
                &stamped.id,
                MessagePatch {
                    protocol_number: Some("OLD-1".to_owned()),
                    ..MessagePatch::default()
                },
            )
            .await
            .expect(b);
        // The store never writes NULL; legacy rows may have it.
        let raw = sea_orm::Database::connect(tdb.url()).await.expect(b);
        raw.execute_unprepared(&format!(
            r#"UPDATE "Messages" SET "protocolNumber" = NULL WHERE "id" = '{}'"#,
            null.id.as_str()
        ))
        .await
        .expect(b);
        let _ = raw.close().await;

        // Another ticket of A and a ticket of B keep their empty numbers.
        let other_contact = env.contact("Other", "5511977776666").await;
        let channel = env.channel("Second").await;
        let other = env
            .ticket(other_contact.id, channel.id, TicketStatus::Pending)
            .await;
        let other_msg = env
            .stores
            .messages
            .insert(&env.cx, new_message(&other, "other ticket"))
            .await
            .expect(b)
            .message;
        let (cx_b, ticket_b) = ticket_of_b(&env).await;
        let b_msg = env
            .stores
            .messages
            .insert(&cx_b, new_message(&ticket_b, "B"))
            .await
            .expect(b)
            .message;

        assert_eq!(
            env.stores
                .messages
                .stamp_protocol(&env.cx, ticket.id, "2026-0001")
                .await
                .expect(b),
            2,
            "{b}: the empty and the NULL one"
        );
        let number_of = |m: &Message| m.protocol_number.clone();
        let after = messages_of(&env, &env.cx, &ticket).await;
        let find = |id: &MessageId| {
            after
                .iter()
                .find(|m| &m.id == id)
                .map(number_of)
                .expect("row")
        };
        assert_eq!(find(&empty.id).as_deref(), Some("2026-0001"), "{b}");
        assert_eq!(find(&null.id).as_deref(), Some("2026-0001"), "{b}");
        assert_eq!(find(&stamped.id).as_deref(), Some("OLD-1"), "{b}: kept");
        assert_eq!(
            env.stores
                .messages
                .stamp_protocol(&env.cx, ticket.id, "2026-0002")
                .await
                .expect(b),
            0,
            "{b}: nothing left to stamp"
        );
        assert_eq!(
            env.stores
                .messages
                .get(&env.cx, &other_msg.id)
                .await
                .expect(b)
                .protocol_number
                .as_deref(),
            Some(""),
            "{b}: other ticket untouched"
        );

        assert_not_found(
            env.stores
                .messages
                .stamp_protocol(&env.cx, ticket_b.id, "X")
                .await,
            "ERR_NO_TICKET_FOUND",
            &format!("{b}: B's ticket from A"),
        );
        assert_eq!(
            env.stores.messages.get(&cx_b, &b_msg.id).await.expect(b),
            b_msg,
            "{b}: B's message untouched"
        );
    }
}
