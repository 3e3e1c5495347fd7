//! CRUD and rules of the message, protocol and ticket-log stores, on SQLite and (when
//! configured) PostgreSQL.

mod support_crud;

use std::time::Duration;

use support_crud::*;
use tiktickets_domain::enums::{
    MediaType, MessageAck, MessageStatus, ProtocolStatus, SendType, TicketLogType, TicketStatus,
    UserProfile,
};
use tiktickets_domain::ids::{MessageId, TicketId};
use tiktickets_domain::store::messages::{MessagePatch, NewMessage};
use tiktickets_domain::store::protocols::NewProtocol;
use tiktickets_domain::store::ticket_logs::NewTicketLog;
use tiktickets_test_support::TestDb;

// --------------------------------------------------------------- messages

#[tokio::test]
async fn message_insert_get_update_delete_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (contact, _, ticket) = env.contact_channel_ticket().await;
        let agent = env
            .user("Agent", "agent@a.example", UserProfile::User)
            .await;
        let new = NewMessage {
            message_id: Some("WA-1".into()),
            from_me: true,
            user_id: Some(agent.id),
            media_type: Some(MediaType::Image),
            media_url: Some("photo.jpg".into()),
            timestamp: Some(1_700_000_000),
            send_type: Some(SendType::Chat),
            status: Some(MessageStatus::Pending),
            id_front: Some("front-1".into()),
            poll_data: Some(serde_json::json!({ "q": "?" })),
            ..new_message(&ticket, "look at this")
        };
        let inserted = env.stores.messages.insert(&env.cx, new).await.expect(b);
        assert!(!inserted.duplicate, "{b}");
        let m = inserted.message;
        assert_eq!(m.body, "look at this", "{b}");
        assert_eq!(
            (m.ticket_id, m.contact_id, m.user_id),
            (ticket.id, Some(contact.id), Some(agent.id)),
            "{b}"
        );
        assert_eq!(
            (m.from_me, m.read, m.ack),
            (true, false, MessageAck::Pending),
            "{b}"
        );
        assert_eq!(
            (m.media_type, m.media_url.as_deref()),
            (Some(MediaType::Image), Some("photo.jpg")),
            "{b}"
        );
        assert_eq!(
            (m.send_type, m.status),
            (Some(SendType::Chat), Some(MessageStatus::Pending)),
            "{b}"
        );
        assert_eq!(m.poll_data, Some(serde_json::json!({ "q": "?" })), "{b}");
        assert_eq!(m.tenant_id, env.tenant, "{b}");
        assert_eq!(
            env.stores.messages.get(&env.cx, &m.id).await.expect(b),
            m,
            "{b}"
        );

        let patch = MessagePatch {
            ack: Some(MessageAck::Read),
            status: Some(MessageStatus::Sended),
            edited: Some("look at this!".into()),
            read: Some(true),
            ..MessagePatch::default()
        };
        let updated = env
            .stores
            .messages
            .update(&env.cx, &m.id, patch)
            .await
            .expect(b);
        let read = env.stores.messages.get(&env.cx, &m.id).await.expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(
            (read.ack, read.status, read.read),
            (MessageAck::Read, Some(MessageStatus::Sended), true),
            "{b}"
        );
        assert_eq!(read.edited.as_deref(), Some("look at this!"), "{b}");
        assert_eq!(read.body, "look at this", "{b}: the original body is kept");

        env.stores.messages.delete(&env.cx, &m.id).await.expect(b);
        assert_not_found(
            env.stores.messages.get(&env.cx, &m.id).await,
            "ERR_NO_MESSAGE_FOUND",
            b,
        );
        assert_not_found(
            env.stores.messages.delete(&env.cx, &m.id).await,
            "ERR_NO_MESSAGE_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .messages
                .update(&env.cx, &m.id, MessagePatch::default())
                .await,
            "ERR_NO_MESSAGE_FOUND",
            b,
        );
        assert_eq!(
            env.stores
                .messages
                .find_by_provider_id(&env.cx, "WA-1")
                .await
                .expect(b),
            None,
            "{b}"
        );
    }
}

#[tokio::test]
async fn duplicate_provider_id_is_stored_once() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let with_id = |body: &str| NewMessage {
            message_id: Some("WAMID.1".into()),
            ..new_message(&ticket, body)
        };
        let first = env
            .stores
            .messages
            .insert(&env.cx, with_id("first"))
            .await
            .expect(b);
        let second = env
            .stores
            .messages
            .insert(&env.cx, with_id("replayed"))
            .await
            .expect(b);
        assert!(!first.duplicate, "{b}");
        assert!(second.duplicate, "{b}");
        assert_eq!(second.message.id, first.message.id, "{b}");
        assert_eq!(second.message.body, "first", "{b}: nothing overwritten");
        let found = env
            .stores
            .messages
            .find_by_provider_id(&env.cx, "WAMID.1")
            .await
            .expect(b)
            .expect(b);
        assert_eq!(found.id, first.message.id, "{b}");
        let listed = env
            .stores
            .messages
            .list_for_ticket(&env.cx, ticket.id, page(1, 10))
            .await
            .expect(b);
        assert_eq!((listed.count, listed.items.len()), (1, 1), "{b}: one row");

        // Messages without a provider id are never duplicates of each other.
        env.stores
            .messages
            .insert(&env.cx, new_message(&ticket, "a"))
            .await
            .expect(b);
        let again = env
            .stores
            .messages
            .insert(&env.cx, new_message(&ticket, "a"))
            .await
            .expect(b);
        assert!(!again.duplicate, "{b}");
        assert_eq!(
            env.stores
                .messages
                .list_for_ticket(&env.cx, ticket.id, page(1, 10))
                .await
                .expect(b)
                .count,
            3,
            "{b}"
        );
    }
}

#[tokio::test]
async fn message_update_to_a_used_provider_id_is_a_conflict() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        env.stores
            .messages
            .insert(
                &env.cx,
                NewMessage {
                    message_id: Some("WA-A".into()),
                    ..new_message(&ticket, "a")
                },
            )
            .await
            .expect(b);
        let outbox = env
            .stores
            .messages
            .insert(&env.cx, new_message(&ticket, "pending send"))
            .await
            .expect(b)
            .message;
        assert_eq!(outbox.message_id, None, "{b}");
        assert_conflict(
            env.stores
                .messages
                .update(
                    &env.cx,
                    &outbox.id,
                    MessagePatch {
                        message_id: Some("WA-A".into()),
                        ..MessagePatch::default()
                    },
                )
                .await,
            "ERR_DUPLICATED_MESSAGE",
            b,
        );
        assert_eq!(
            env.stores
                .messages
                .get(&env.cx, &outbox.id)
                .await
                .expect(b)
                .message_id,
            None,
            "{b}"
        );
        let sent = env
            .stores
            .messages
            .update(
                &env.cx,
                &outbox.id,
                MessagePatch {
                    message_id: Some("WA-B".into()),
                    ..MessagePatch::default()
                },
            )
            .await
            .expect(b);
        assert_eq!(sent.message_id.as_deref(), Some("WA-B"), "{b}");
        let found = env
            .stores
            .messages
            .find_by_provider_id(&env.cx, "WA-B")
            .await
            .expect(b)
            .expect(b);
        assert_eq!(found.id, outbox.id, "{b}");
    }
}

#[tokio::test]
async fn message_pages_start_with_the_newest_and_read_oldest_first() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let mut made: Vec<MessageId> = Vec::new();
        for i in 1..=5 {
            let m = env
                .stores
                .messages
                .insert(&env.cx, new_message(&ticket, &format!("m{i}")))
                .await
                .expect(b);
            made.push(m.message.id);
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
        let bodies = |p: &tiktickets_domain::store::Page<
            tiktickets_domain::store::messages::Message,
        >| { p.items.iter().map(|m| m.body.clone()).collect::<Vec<_>>() };
        let p1 = env
            .stores
            .messages
            .list_for_ticket(&env.cx, ticket.id, page(1, 2))
            .await
            .expect(b);
        assert_eq!(
            bodies(&p1),
            ["m4", "m5"],
            "{b}: page 1 is the newest, oldest first within it"
        );
        assert_eq!((p1.count, p1.has_more), (5, true), "{b}");
        let p2 = env
            .stores
            .messages
            .list_for_ticket(&env.cx, ticket.id, page(2, 2))
            .await
            .expect(b);
        assert_eq!(bodies(&p2), ["m2", "m3"], "{b}");
        assert_eq!((p2.count, p2.has_more), (5, true), "{b}");
        let p3 = env
            .stores
            .messages
            .list_for_ticket(&env.cx, ticket.id, page(3, 2))
            .await
            .expect(b);
        assert_eq!(bodies(&p3), ["m1"], "{b}");
        assert_eq!((p3.count, p3.has_more), (5, false), "{b}");
        assert_eq!(p3.items[0].id, made[0], "{b}");
        assert_not_found(
            env.stores
                .messages
                .list_for_ticket(&env.cx, TicketId::new(MISSING), page(1, 2))
                .await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn mark_ticket_read_returns_how_many_changed() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (contact, channel, ticket) = env.contact_channel_ticket().await;
        let mut unread = Vec::new();
        for body in ["a", "b", "c"] {
            unread.push(
                env.stores
                    .messages
                    .insert(&env.cx, new_message(&ticket, body))
                    .await
                    .expect(b)
                    .message
                    .id,
            );
        }
        env.stores
            .messages
            .insert(
                &env.cx,
                NewMessage {
                    read: true,
                    ..new_message(&ticket, "seen")
                },
            )
            .await
            .expect(b);
        // A message of another ticket stays unread.
        let other_contact = env.contact("Other", "5511900001111").await;
        let other = env
            .ticket(other_contact.id, channel.id, TicketStatus::Pending)
            .await;
        let elsewhere = env
            .stores
            .messages
            .insert(&env.cx, new_message(&other, "x"))
            .await
            .expect(b)
            .message
            .id;
        assert_ne!(other.contact_id, Some(contact.id), "fixture");

        assert_eq!(
            env.stores
                .messages
                .mark_ticket_read(&env.cx, ticket.id)
                .await
                .expect(b),
            3,
            "{b}"
        );
        for id in &unread {
            assert!(
                env.stores.messages.get(&env.cx, id).await.expect(b).read,
                "{b}"
            );
        }
        assert!(
            !env.stores
                .messages
                .get(&env.cx, &elsewhere)
                .await
                .expect(b)
                .read,
            "{b}"
        );
        assert_eq!(
            env.stores
                .messages
                .mark_ticket_read(&env.cx, ticket.id)
                .await
                .expect(b),
            0,
            "{b}: nothing left"
        );
        assert_not_found(
            env.stores
                .messages
                .mark_ticket_read(&env.cx, TicketId::new(MISSING))
                .await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn message_insert_refuses_references_that_do_not_exist() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let base = || new_message(&ticket, "x");
        assert_not_found(
            env.stores
                .messages
                .insert(
                    &env.cx,
                    NewMessage {
                        ticket_id: TicketId::new(MISSING),
                        ..base()
                    },
                )
                .await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .messages
                .insert(
                    &env.cx,
                    NewMessage {
                        contact_id: Some(missing_contact()),
                        ..base()
                    },
                )
                .await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .messages
                .insert(
                    &env.cx,
                    NewMessage {
                        user_id: Some(missing_user()),
                        ..base()
                    },
                )
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .messages
                .insert(
                    &env.cx,
                    NewMessage {
                        quoted_msg_id: Some(MessageId::generate()),
                        ..base()
                    },
                )
                .await,
            "ERR_NO_MESSAGE_FOUND",
            b,
        );
        assert_eq!(
            env.stores
                .messages
                .list_for_ticket(&env.cx, ticket.id, page(1, 10))
                .await
                .expect(b)
                .count,
            0,
            "{b}"
        );
    }
}

// -------------------------------------------------------------- protocols

#[tokio::test]
async fn protocols_append_and_list_oldest_first() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (contact, _, ticket) = env.contact_channel_ticket().await;
        assert_eq!(
            env.stores
                .protocols
                .latest_for_ticket(&env.cx, ticket.id)
                .await
                .expect(b),
            None,
            "{b}"
        );
        let event = |status, number: &str| NewProtocol {
            protocol_number: number.into(),
            status,
            ticket_id: ticket.id,
            user_id: Some(env.admin.id),
            user_name: Some("Admin".into()),
        };
        let opened = env
            .stores
            .protocols
            .append(&env.cx, event(ProtocolStatus::Aber, "(1)-1"))
            .await
            .expect(b);
        assert_eq!(
            opened.contact_id,
            Some(contact.id),
            "{b}: the ticket's contact is recorded"
        );
        assert_eq!(
            (opened.ticket_id, opened.user_id),
            (Some(ticket.id), Some(env.admin.id)),
            "{b}"
        );
        assert_eq!(opened.user_name.as_deref(), Some("Admin"), "{b}");
        tokio::time::sleep(Duration::from_millis(3)).await;
        let closed = env
            .stores
            .protocols
            .append(&env.cx, event(ProtocolStatus::Fech, "(1)-1"))
            .await
            .expect(b);

        let listed = env
            .stores
            .protocols
            .list_for_ticket(&env.cx, ticket.id)
            .await
            .expect(b);
        assert_eq!(
            listed,
            vec![opened.clone(), closed.clone()],
            "{b}: oldest first"
        );
        assert_eq!(listed[0].status, ProtocolStatus::Aber, "{b}");
        assert_eq!(listed[1].status, ProtocolStatus::Fech, "{b}");
        assert_eq!(
            env.stores
                .protocols
                .latest_for_ticket(&env.cx, ticket.id)
                .await
                .expect(b),
            Some(closed),
            "{b}"
        );

        let gone = TicketId::new(MISSING);
        assert_not_found(
            env.stores
                .protocols
                .append(
                    &env.cx,
                    NewProtocol {
                        ticket_id: gone,
                        ..event(ProtocolStatus::Aber, "x")
                    },
                )
                .await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .protocols
                .append(
                    &env.cx,
                    NewProtocol {
                        user_id: Some(missing_user()),
                        ..event(ProtocolStatus::Aber, "x")
                    },
                )
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_not_found(
            env.stores.protocols.list_for_ticket(&env.cx, gone).await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_not_found(
            env.stores.protocols.latest_for_ticket(&env.cx, gone).await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_eq!(
            env.stores
                .protocols
                .list_for_ticket(&env.cx, ticket.id)
                .await
                .expect(b)
                .len(),
            2,
            "{b}"
        );
    }
}

// ------------------------------------------------------------ ticket logs

#[tokio::test]
async fn ticket_logs_append_and_list_oldest_first() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let queue = env.queue("Sales").await;
        let entry = |r#type, user_id, queue_id| NewTicketLog {
            ticket_id: ticket.id,
            r#type,
            user_id,
            queue_id,
        };
        let mut appended = Vec::new();
        for new in [
            entry(TicketLogType::Create, None, None),
            entry(TicketLogType::Queue, None, Some(queue.id)),
            entry(TicketLogType::Open, Some(env.admin.id), None),
        ] {
            appended.push(env.stores.ticket_logs.append(&env.cx, new).await.expect(b));
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
        assert_eq!(appended[1].queue_id, Some(queue.id), "{b}");
        assert_eq!(appended[2].user_id, Some(env.admin.id), "{b}");
        let listed = env
            .stores
            .ticket_logs
            .list_for_ticket(&env.cx, ticket.id)
            .await
            .expect(b);
        assert_eq!(listed, appended, "{b}: oldest first, as stored");
        let types: Vec<TicketLogType> = listed.iter().map(|l| l.r#type).collect();
        assert_eq!(
            types,
            [
                TicketLogType::Create,
                TicketLogType::Queue,
                TicketLogType::Open
            ],
            "{b}"
        );

        let gone = TicketId::new(MISSING);
        assert_not_found(
            env.stores
                .ticket_logs
                .append(
                    &env.cx,
                    NewTicketLog {
                        ticket_id: gone,
                        ..entry(TicketLogType::Access, None, None)
                    },
                )
                .await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .ticket_logs
                .append(
                    &env.cx,
                    entry(TicketLogType::Access, Some(missing_user()), None),
                )
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .ticket_logs
                .append(
                    &env.cx,
                    entry(TicketLogType::Access, None, Some(missing_queue())),
                )
                .await,
            "ERR_QUEUE_NOT_FOUND",
            b,
        );
        assert_not_found(
            env.stores.ticket_logs.list_for_ticket(&env.cx, gone).await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_eq!(
            env.stores
                .ticket_logs
                .list_for_ticket(&env.cx, ticket.id)
                .await
                .expect(b)
                .len(),
            3,
            "{b}"
        );
    }
}
