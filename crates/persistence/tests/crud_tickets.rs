//! CRUD and rules of the ticket store (creation, inbound find-or-create, counters, list), on
//! SQLite and (when configured) PostgreSQL.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;

use support_crud::*;
use tiktickets_domain::enums::{TicketChannel, TicketStatus, UserProfile};
use tiktickets_domain::ids::{ContactId, TicketId, WhatsappId};
use tiktickets_domain::store::PageRequest;
use tiktickets_domain::store::tickets::{
    InboundResolution, InboundTicketRequest, NewTicket, Ticket, TicketPatch, TicketQuery,
};
use tiktickets_test_support::TestDb;

fn query(statuses: &[TicketStatus], search: Option<&str>, page: PageRequest) -> TicketQuery {
    TicketQuery {
        statuses: statuses.to_vec(),
        search: search.map(str::to_owned),
        ..TicketQuery::all(page)
    }
}

fn ids(tickets: &[Ticket]) -> Vec<TicketId> {
    tickets.iter().map(|t| t.id).collect()
}

fn inbound_req(
    contact: ContactId,
    channel: WhatsappId,
    from_me: bool,
    unread: i32,
) -> InboundTicketRequest {
    InboundTicketRequest {
        contact_id: contact,
        whatsapp_id: channel,
        from_me,
        is_group: false,
        channel: TicketChannel::Whatsapp,
        unread_count: unread,
    }
}

async fn close(env: &Env, id: TicketId) {
    let patch = TicketPatch {
        status: Some(TicketStatus::Closed),
        ..TicketPatch::default()
    };
    env.stores
        .tickets
        .update(&env.cx, id, patch)
        .await
        .expect(env.backend);
}

// ---------------------------------------------------------------- tickets

#[tokio::test]
async fn ticket_create_get_update_round_trip() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Lia", "5511987654321").await;
        let channel = env.channel("Main").await;
        let queue = env.queue("Sales").await;
        let new = NewTicket {
            queue_id: Some(queue.id),
            ..new_ticket(contact.id, Some(channel.id), TicketStatus::Pending)
        };
        let created = env.stores.tickets.create(&env.cx, new).await.expect(b);
        assert_eq!(created.status, TicketStatus::Pending, "{b}");
        assert_eq!(created.contact_id, Some(contact.id), "{b}");
        assert_eq!(created.whatsapp_id, Some(channel.id), "{b}");
        assert_eq!(created.queue_id, Some(queue.id), "{b}");
        assert_eq!(
            (created.user_id, created.unread_messages),
            (None, Some(0)),
            "{b}"
        );
        assert_eq!(created.channel, Some(TicketChannel::Whatsapp), "{b}");
        assert_eq!(
            (created.started_attendance_at, created.closed_at),
            (None, None),
            "{b}"
        );
        assert_eq!(created.tenant_id, env.tenant, "{b}");
        assert_eq!(
            env.stores.tickets.get(&env.cx, created.id).await.expect(b),
            created,
            "{b}"
        );

        let agent = env
            .user("Agent", "agent@a.example", UserProfile::User)
            .await;
        let patch = TicketPatch {
            status: Some(TicketStatus::Open),
            user_id: Some(Some(agent.id)),
            queue_id: Some(None),
            started_attendance_at: Some(Some(1_700_000_000_000)),
            attendance_count: Some(2),
            step_chat_flow: Some(Some("node-1".into())),
            bot_retries: Some(1),
            is_farewell_message: Some(true),
            ..TicketPatch::default()
        };
        let updated = env
            .stores
            .tickets
            .update(&env.cx, created.id, patch)
            .await
            .expect(b);
        let read = env.stores.tickets.get(&env.cx, created.id).await.expect(b);
        assert_eq!(read, updated, "{b}");
        assert_eq!(read.status, TicketStatus::Open, "{b}");
        assert_eq!((read.user_id, read.queue_id), (Some(agent.id), None), "{b}");
        assert_eq!(read.started_attendance_at, Some(1_700_000_000_000), "{b}");
        assert_eq!(read.attendance_count, Some(2), "{b}");
        assert_eq!(read.step_chat_flow.as_deref(), Some("node-1"), "{b}");
        assert_eq!(
            (read.bot_retries, read.is_farewell_message),
            (1, true),
            "{b}"
        );

        let gone = TicketId::new(MISSING);
        assert_not_found(
            env.stores.tickets.get(&env.cx, gone).await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .tickets
                .update(&env.cx, gone, TicketPatch::default())
                .await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .tickets
                .update(
                    &env.cx,
                    created.id,
                    TicketPatch {
                        user_id: Some(Some(missing_user())),
                        ..TicketPatch::default()
                    },
                )
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn ticket_created_open_or_closed_gets_its_timestamps() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let (c1, c2) = (
            env.contact("Open", "5511911112222").await,
            env.contact("Closed", "5511933334444").await,
        );
        let open = env.ticket(c1.id, channel.id, TicketStatus::Open).await;
        assert!(open.started_attendance_at.is_some(), "{b}: {open:?}");
        assert_eq!(open.closed_at, None, "{b}");
        let closed = env.ticket(c2.id, channel.id, TicketStatus::Closed).await;
        assert!(closed.closed_at.is_some(), "{b}: {closed:?}");
        assert_eq!(closed.started_attendance_at, None, "{b}");
    }
}

#[tokio::test]
async fn second_open_ticket_for_same_contact_and_channel_is_a_conflict() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Mia", "5511987654321").await;
        let (main, other) = (env.channel("Main").await, env.channel("Other").await);
        let first = env.ticket(contact.id, main.id, TicketStatus::Pending).await;
        for status in [TicketStatus::Open, TicketStatus::Pending] {
            assert_conflict(
                env.stores
                    .tickets
                    .create(&env.cx, new_ticket(contact.id, Some(main.id), status))
                    .await,
                "ERR_OTHER_OPEN_TICKET",
                &format!("{b}: {status}"),
            );
        }
        // Another channel, or a closed ticket, is fine.
        let elsewhere = env.ticket(contact.id, other.id, TicketStatus::Open).await;
        let old = env.ticket(contact.id, main.id, TicketStatus::Closed).await;
        assert_eq!(elsewhere.status, TicketStatus::Open, "{b}");
        let active = env
            .stores
            .tickets
            .find_active(&env.cx, contact.id, Some(main.id))
            .await
            .expect(b)
            .expect(b);
        assert_eq!(active.id, first.id, "{b}");
        let listed = env
            .stores
            .tickets
            .list(&env.cx, &query(&[], None, page(1, 10)))
            .await
            .expect(b);
        assert_eq!(listed.count, 3, "{b}");

        // Reopening the closed one while the first is pending collides too.
        let reopen = TicketPatch {
            status: Some(TicketStatus::Open),
            ..TicketPatch::default()
        };
        assert_conflict(
            env.stores.tickets.update(&env.cx, old.id, reopen).await,
            "ERR_OTHER_OPEN_TICKET",
            &format!("{b}: reopen by update"),
        );
        assert_eq!(
            env.stores
                .tickets
                .get(&env.cx, old.id)
                .await
                .expect(b)
                .status,
            TicketStatus::Closed,
            "{b}"
        );

        close(&env, first.id).await;
        let again = env.ticket(contact.id, main.id, TicketStatus::Open).await;
        assert_eq!(
            again.status,
            TicketStatus::Open,
            "{b}: allowed once the first is closed"
        );
        let active = env
            .stores
            .tickets
            .find_active(&env.cx, contact.id, Some(main.id))
            .await
            .expect(b)
            .expect(b);
        assert_eq!(active.id, again.id, "{b}");
    }
}

#[tokio::test]
async fn ticket_create_refuses_references_that_do_not_exist() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Nina", "5511987654321").await;
        let channel = env.channel("Main").await;
        let base = || new_ticket(contact.id, Some(channel.id), TicketStatus::Pending);
        assert_not_found(
            env.stores
                .tickets
                .create(
                    &env.cx,
                    new_ticket(missing_contact(), Some(channel.id), TicketStatus::Pending),
                )
                .await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .tickets
                .create(
                    &env.cx,
                    new_ticket(contact.id, Some(missing_channel()), TicketStatus::Pending),
                )
                .await,
            "ERR_NO_WAPP_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .tickets
                .create(
                    &env.cx,
                    NewTicket {
                        queue_id: Some(missing_queue()),
                        ..base()
                    },
                )
                .await,
            "ERR_QUEUE_NOT_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .tickets
                .create(
                    &env.cx,
                    NewTicket {
                        user_id: Some(missing_user()),
                        ..base()
                    },
                )
                .await,
            "ERR_NO_USER_FOUND",
            b,
        );
        let listed = env
            .stores
            .tickets
            .list(&env.cx, &query(&[], None, page(1, 10)))
            .await
            .expect(b);
        assert_eq!(listed.count, 0, "{b}: nothing was stored");
    }
}

#[tokio::test]
async fn inbound_resolution_creates_then_finds_then_reopens() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Otto", "5511987654321").await;
        let channel = env.channel("Main").await;

        let (created, how) = env
            .stores
            .tickets
            .find_or_create_for_inbound(&env.cx, inbound_req(contact.id, channel.id, false, 2))
            .await
            .expect(b);
        assert_eq!(how, InboundResolution::Created, "{b}");
        assert_eq!(created.status, TicketStatus::Pending, "{b}");
        assert_eq!(created.unread_messages, Some(2), "{b}");
        assert_eq!(
            (created.contact_id, created.whatsapp_id),
            (Some(contact.id), Some(channel.id)),
            "{b}"
        );
        assert_eq!(created.answered, Some(false), "{b}");

        let (existing, how) = env
            .stores
            .tickets
            .find_or_create_for_inbound(&env.cx, inbound_req(contact.id, channel.id, false, 9))
            .await
            .expect(b);
        assert_eq!(
            (existing.id, how),
            (created.id, InboundResolution::Existing),
            "{b}"
        );

        close(&env, created.id).await;
        let (reopened, how) = env
            .stores
            .tickets
            .find_or_create_for_inbound(&env.cx, inbound_req(contact.id, channel.id, false, 4))
            .await
            .expect(b);
        assert_eq!(
            (reopened.id, how),
            (created.id, InboundResolution::Reopened),
            "{b}"
        );
        let read = env.stores.tickets.get(&env.cx, created.id).await.expect(b);
        assert_eq!(read.status, TicketStatus::Pending, "{b}");
        assert_eq!(read.unread_messages, Some(4), "{b}: the given unread count");
        let all = env
            .stores
            .tickets
            .list(&env.cx, &query(&[], None, page(1, 10)))
            .await
            .expect(b);
        assert_eq!(all.count, 1, "{b}: one ticket throughout");
    }
}

#[tokio::test]
async fn phone_sent_message_on_a_closed_ticket_keeps_it_closed() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (contact, channel, ticket) = env.contact_channel_ticket().await;
        close(&env, ticket.id).await;
        let (kept, how) = env
            .stores
            .tickets
            .find_or_create_for_inbound(&env.cx, inbound_req(contact.id, channel.id, true, 0))
            .await
            .expect(b);
        assert_eq!(
            (kept.id, how),
            (ticket.id, InboundResolution::ClosedKept),
            "{b}"
        );
        assert_eq!(
            env.stores
                .tickets
                .get(&env.cx, ticket.id)
                .await
                .expect(b)
                .status,
            TicketStatus::Closed,
            "{b}"
        );
    }
}

#[tokio::test]
async fn phone_sent_message_without_a_ticket_creates_a_closed_one() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Pia", "5511987654321").await;
        let channel = env.channel("Main").await;
        let (created, how) = env
            .stores
            .tickets
            .find_or_create_for_inbound(&env.cx, inbound_req(contact.id, channel.id, true, 0))
            .await
            .expect(b);
        assert_eq!(how, InboundResolution::Created, "{b}");
        let read = env.stores.tickets.get(&env.cx, created.id).await.expect(b);
        assert_eq!(read.status, TicketStatus::Closed, "{b}");
        assert!(read.closed_at.is_some(), "{b}: closedAt set: {read:?}");
        assert_eq!(read.answered, Some(true), "{b}");
        assert_eq!(
            env.stores
                .tickets
                .find_active(&env.cx, contact.id, Some(channel.id))
                .await
                .expect(b),
            None,
            "{b}"
        );
    }
}

#[tokio::test]
async fn inbound_resolution_refuses_unknown_contact_or_channel() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let contact = env.contact("Quim", "5511987654321").await;
        let channel = env.channel("Main").await;
        assert_not_found(
            env.stores
                .tickets
                .find_or_create_for_inbound(
                    &env.cx,
                    inbound_req(missing_contact(), channel.id, false, 1),
                )
                .await,
            "ERR_NO_CONTACT_FOUND",
            b,
        );
        assert_not_found(
            env.stores
                .tickets
                .find_or_create_for_inbound(
                    &env.cx,
                    inbound_req(contact.id, missing_channel(), false, 1),
                )
                .await,
            "ERR_NO_WAPP_FOUND",
            b,
        );
    }
}

#[tokio::test]
async fn record_message_counts_unread_only_for_inbound() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket) = env.contact_channel_ticket().await;
        assert_eq!(ticket.unread_messages, Some(0), "{b}");

        let t = env
            .stores
            .tickets
            .record_message(&env.cx, ticket.id, "hi", 1_000, false)
            .await
            .expect(b);
        assert_eq!(t.unread_messages, Some(1), "{b}");
        env.stores
            .tickets
            .record_message(&env.cx, ticket.id, "anyone?", 2_000, false)
            .await
            .expect(b);
        let read = env.stores.tickets.get(&env.cx, ticket.id).await.expect(b);
        assert_eq!(read.unread_messages, Some(2), "{b}");
        assert_eq!(
            (read.last_message.as_deref(), read.last_message_at),
            (Some("anyone?"), Some(2_000)),
            "{b}"
        );
        assert_eq!(read.answered, Some(false), "{b}");

        env.stores
            .tickets
            .record_message(&env.cx, ticket.id, "on my way", 3_000, true)
            .await
            .expect(b);
        let read = env.stores.tickets.get(&env.cx, ticket.id).await.expect(b);
        assert_eq!(
            read.unread_messages,
            Some(2),
            "{b}: our own message is not unread"
        );
        assert_eq!(
            (read.last_message.as_deref(), read.last_message_at),
            (Some("on my way"), Some(3_000)),
            "{b}"
        );
        assert_eq!(read.answered, Some(true), "{b}");

        assert_not_found(
            env.stores
                .tickets
                .record_message(&env.cx, TicketId::new(MISSING), "x", 1, false)
                .await,
            "ERR_NO_TICKET_FOUND",
            b,
        );
    }
}

/// Five tickets: A open read, B pending read, C pending with 2 unread, D open with 5 unread, E
/// closed. Returned as (a, b, c, d, e).
async fn five_tickets(env: &Env) -> (Ticket, Ticket, Ticket, Ticket, Ticket) {
    let channel = env.channel("Main").await;
    // Numbers and names contain none of the digits of the (small) ticket ids.
    let mut made = Vec::new();
    for (name, number, status, unread) in [
        ("Alpha", "5588999994444", TicketStatus::Open, 0),
        ("Bravo", "5588999995555", TicketStatus::Pending, 0),
        ("Charlie", "5588999996666", TicketStatus::Pending, 2),
        ("Delta", "5588999997777", TicketStatus::Open, 5),
        ("Echo", "5588999998888", TicketStatus::Closed, 0),
    ] {
        let contact = env.contact(name, number).await;
        let ticket = env.ticket(contact.id, channel.id, status).await;
        let patch = TicketPatch {
            unread_messages: Some(unread),
            ..TicketPatch::default()
        };
        made.push(
            env.stores
                .tickets
                .update(&env.cx, ticket.id, patch)
                .await
                .expect(env.backend),
        );
    }
    let mut it = made.into_iter();
    let mut next = || it.next().expect("five tickets");
    (next(), next(), next(), next(), next())
}

#[tokio::test]
async fn ticket_list_puts_unread_first_then_pending() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (ta, tb, tc, td, te) = five_tickets(&env).await;
        let active = [TicketStatus::Open, TicketStatus::Pending];
        let p1 = env
            .stores
            .tickets
            .list(&env.cx, &query(&active, None, page(1, 3)))
            .await
            .expect(b);
        assert_eq!(
            ids(&p1.items),
            vec![tc.id, td.id, tb.id],
            "{b}: unread first, pending before open"
        );
        assert_eq!((p1.count, p1.has_more), (4, true), "{b}");
        let p2 = env
            .stores
            .tickets
            .list(&env.cx, &query(&active, None, page(2, 3)))
            .await
            .expect(b);
        assert_eq!(ids(&p2.items), vec![ta.id], "{b}");
        assert_eq!((p2.count, p2.has_more), (4, false), "{b}");

        let closed = env
            .stores
            .tickets
            .list(&env.cx, &query(&[TicketStatus::Closed], None, page(1, 10)))
            .await
            .expect(b);
        assert_eq!(ids(&closed.items), vec![te.id], "{b}: status filter");
        let all = env
            .stores
            .tickets
            .list(&env.cx, &query(&[], None, page(1, 10)))
            .await
            .expect(b);
        assert_eq!(all.count, 5, "{b}: no status filter means all");

        let unread = TicketQuery {
            only_unread: true,
            ..query(&[], None, page(1, 10))
        };
        assert_eq!(
            ids(&env
                .stores
                .tickets
                .list(&env.cx, &unread)
                .await
                .expect(b)
                .items),
            vec![tc.id, td.id],
            "{b}"
        );
    }
}

#[tokio::test]
async fn ticket_list_searches_contact_name_number_and_ticket_id() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, tb, tc, td, _) = five_tickets(&env).await;
        let search = |term: &str| query(&[], Some(term), page(1, 10));

        let by_name = env
            .stores
            .tickets
            .list(&env.cx, &search("CHARL"))
            .await
            .expect(b);
        assert_eq!(
            ids(&by_name.items),
            vec![tc.id],
            "{b}: contact name, any case"
        );
        assert_eq!(by_name.count, 1, "{b}");
        let by_number = env
            .stores
            .tickets
            .list(&env.cx, &search("99997777"))
            .await
            .expect(b);
        assert_eq!(ids(&by_number.items), vec![td.id], "{b}: contact number");
        let term = tb.id.to_string();
        assert!(
            tb.id.get() < 4,
            "fixture: fresh ids have digits no contact number contains"
        );
        let by_id = env
            .stores
            .tickets
            .list(&env.cx, &search(&term))
            .await
            .expect(b);
        assert_eq!(ids(&by_id.items), vec![tb.id], "{b}: ticket id {term}");
        let none = env
            .stores
            .tickets
            .list(&env.cx, &search("nobody"))
            .await
            .expect(b);
        assert_eq!(
            (none.items.len(), none.count, none.has_more),
            (0, 0, false),
            "{b}"
        );
    }
}

#[tokio::test]
async fn ticket_list_filters_by_user_queue_and_assignment() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (ta, tb, _, _, _) = five_tickets(&env).await;
        let agent = env
            .user("Agent", "agent@a.example", UserProfile::User)
            .await;
        let queue = env.queue("Sales").await;
        let patch = TicketPatch {
            user_id: Some(Some(agent.id)),
            queue_id: Some(Some(queue.id)),
            ..TicketPatch::default()
        };
        env.stores
            .tickets
            .update(&env.cx, ta.id, patch)
            .await
            .expect(b);
        let patch = TicketPatch {
            queue_id: Some(Some(queue.id)),
            ..TicketPatch::default()
        };
        env.stores
            .tickets
            .update(&env.cx, tb.id, patch)
            .await
            .expect(b);

        let mine = TicketQuery {
            user_id: Some(agent.id),
            ..query(&[], None, page(1, 10))
        };
        assert_eq!(
            ids(&env
                .stores
                .tickets
                .list(&env.cx, &mine)
                .await
                .expect(b)
                .items),
            vec![ta.id],
            "{b}"
        );
        let in_queue = TicketQuery {
            queue_ids: vec![queue.id],
            ..query(&[], None, page(1, 10))
        };
        assert_eq!(
            ids(&env
                .stores
                .tickets
                .list(&env.cx, &in_queue)
                .await
                .expect(b)
                .items),
            vec![tb.id, ta.id],
            "{b}"
        );
        let unassigned = TicketQuery {
            only_unassigned: true,
            ..query(&[], None, page(1, 10))
        };
        assert_eq!(
            env.stores
                .tickets
                .list(&env.cx, &unassigned)
                .await
                .expect(b)
                .count,
            4,
            "{b}"
        );
    }
}

// ------------------------------------------------------- search semantics

/// Ids of the tickets a search returns.
async fn ticket_search(env: &Env, term: &str) -> Vec<TicketId> {
    let found = env
        .stores
        .tickets
        .list(&env.cx, &query(&[], Some(term), page(1, 10)))
        .await
        .expect(env.backend);
    ids(&found.items)
}

#[tokio::test]
#[ignore = "known gap: SQLite's lower() folds ASCII only; needs a normalised search column"]
async fn ticket_search_matches_accented_contact_names_in_any_case() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let ursula = env.contact("Úrsula Gonçalves", "5588999994444").await;
        let other_ursula = env.contact("Ursula Alves", "5588999995555").await;
        let wanted = env
            .ticket(ursula.id, channel.id, TicketStatus::Pending)
            .await;
        env.ticket(other_ursula.id, channel.id, TicketStatus::Pending)
            .await;
        for term in ["Úrsula", "úrsula", "ÚRSULA"] {
            assert_eq!(
                ticket_search(&env, term).await,
                vec![wanted.id],
                "{b}: search {term:?}"
            );
        }
    }
}

#[tokio::test]
async fn ticket_search_treats_like_wildcards_literally() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let literal = env.contact("100% Certo", "5588999994444").await;
        let other = env.contact("1000 Coisas", "5588999995555").await;
        let wanted = env
            .ticket(literal.id, channel.id, TicketStatus::Pending)
            .await;
        env.ticket(other.id, channel.id, TicketStatus::Pending)
            .await;
        assert_eq!(
            ticket_search(&env, "100%").await,
            vec![wanted.id],
            "{b}: '%' is a character, not a wildcard"
        );
        assert!(
            ticket_search(&env, "_").await.is_empty(),
            "{b}: no name or number contains '_'"
        );
    }
}
