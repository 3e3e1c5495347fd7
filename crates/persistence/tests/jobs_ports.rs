//! The persistence side of the jobs (issue 5), on every backend: the outbox sweeper's
//! platform-wide read (`MessageStore::overdue_outbound`), the auto-close read
//! (`TicketStore::inactive_since`, tenant-scoped) and the database leases (`DbLeases`).

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;
mod support_jobs;

use std::time::Duration;

use chrono::{DateTime, Utc};
use support_crud::*;
use support_jobs::{age_message, age_ticket};
use tiktickets_domain::enums::{MessageStatus, SendType, TicketStatus};
use tiktickets_domain::leases::Leases;
use tiktickets_domain::store::messages::{Message, NewMessage};
use tiktickets_domain::store::tickets::Ticket;
use tiktickets_domain::{PlatformCtx, TenantCtx};
use tiktickets_persistence::{Db, DbLeases};
use tiktickets_test_support::TestDb;

/// An outbound message of `ticket` in the given outbox state.
fn outbound(
    ticket: &Ticket,
    body: &str,
    status: MessageStatus,
    provider_id: Option<&str>,
    schedule: Option<DateTime<Utc>>,
) -> NewMessage {
    NewMessage {
        from_me: true,
        read: true,
        send_type: Some(SendType::Chat),
        status: Some(status),
        message_id: provider_id.map(str::to_owned),
        schedule_date: schedule,
        ..new_message(ticket, body)
    }
}

async fn put(env: &Env, cx: &TenantCtx, m: NewMessage) -> Message {
    env.stores
        .messages
        .insert(cx, m)
        .await
        .expect(env.backend)
        .message
}

/// A pending ticket of a new tenant `name` with its own contact and channel.
async fn other_tenant_ticket(env: &Env, name: &str, email: &str) -> (TenantCtx, Ticket) {
    let (_, cx) = env.other_tenant(name, email).await;
    let contact = env
        .stores
        .contacts
        .create(&cx, contact_input("Other contact", Some("5521988887777")))
        .await
        .expect(env.backend);
    let channel = env
        .stores
        .channels
        .create(&cx, channel_input("Other main", false))
        .await
        .expect(env.backend);
    let ticket = env
        .stores
        .tickets
        .create(
            &cx,
            new_ticket(contact.id, Some(channel.id), TicketStatus::Pending),
        )
        .await
        .expect(env.backend);
    (cx, ticket)
}

#[tokio::test]
async fn overdue_outbound_lists_only_overdue_unsent_messages_of_every_tenant() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let (_, _, ticket_a) = env.contact_channel_ticket().await;
        let (cx_b, ticket_b) = other_tenant_ticket(&env, "Tenant B", "admin@b.example").await;
        let cx_a = env.cx;
        let now = Utc::now();
        let hour = chrono::Duration::hours(1);
        let cutoff = now - chrono::Duration::minutes(5);

        // Overdue: unscheduled and old, in both tenants; scheduled in the past.
        let old_a = put(
            &env,
            &cx_a,
            outbound(&ticket_a, "old A", MessageStatus::Pending, None, None),
        )
        .await;
        let old_b = put(
            &env,
            &cx_b,
            outbound(&ticket_b, "old B", MessageStatus::Pending, None, None),
        )
        .await;
        let due = put(
            &env,
            &cx_a,
            outbound(
                &ticket_a,
                "due",
                MessageStatus::Pending,
                None,
                Some(now - hour),
            ),
        )
        .await;
        // Not overdue: created just now; scheduled recently or in the future (even if the
        // row itself is old).
        let fresh = put(
            &env,
            &cx_a,
            outbound(&ticket_a, "fresh", MessageStatus::Pending, None, None),
        )
        .await;
        let recent = put(
            &env,
            &cx_a,
            outbound(
                &ticket_a,
                "recent",
                MessageStatus::Pending,
                None,
                Some(now - chrono::Duration::minutes(1)),
            ),
        )
        .await;
        let later = put(
            &env,
            &cx_b,
            outbound(
                &ticket_b,
                "later",
                MessageStatus::Pending,
                None,
                Some(now + hour),
            ),
        )
        .await;
        // Never: sent, received, canceled, failed, inbound without status, or pending with a
        // provider id.
        let sent = put(
            &env,
            &cx_a,
            outbound(&ticket_a, "sent", MessageStatus::Sended, Some("WA-1"), None),
        )
        .await;
        let received = put(
            &env,
            &cx_a,
            outbound(
                &ticket_a,
                "echo",
                MessageStatus::Received,
                Some("WA-2"),
                None,
            ),
        )
        .await;
        let canceled = put(
            &env,
            &cx_b,
            outbound(&ticket_b, "canceled", MessageStatus::Canceled, None, None),
        )
        .await;
        let failed = put(
            &env,
            &cx_b,
            outbound(&ticket_b, "failed", MessageStatus::Failed, None, None),
        )
        .await;
        let inbound = put(&env, &cx_a, new_message(&ticket_a, "inbound")).await;
        let provider = put(
            &env,
            &cx_a,
            outbound(
                &ticket_a,
                "has id",
                MessageStatus::Pending,
                Some("WA-3"),
                None,
            ),
        )
        .await;
        let mut inbound_pending = new_message(&ticket_a, "inbound pending");
        inbound_pending.status = Some(MessageStatus::Pending);
        let inbound_pending = put(&env, &cx_a, inbound_pending).await;

        // Age every row but `fresh`; `old_b` is the oldest, then `old_a`.
        for (m, minutes) in [
            (&old_b, 90),
            (&old_a, 80),
            (&due, 70),
            (&recent, 60),
            (&later, 60),
            (&sent, 60),
            (&received, 60),
            (&canceled, 60),
            (&failed, 60),
            (&inbound, 60),
            (&provider, 60),
            (&inbound_pending, 60),
        ] {
            age_message(&tdb, &m.id, now - chrono::Duration::minutes(minutes)).await;
        }

        let found = env
            .stores
            .messages
            .overdue_outbound(&PlatformCtx::system(), cutoff, cutoff, 100)
            .await
            .expect(b);
        assert_eq!(
            found,
            vec![
                (cx_b.tenant(), old_b.id.clone()),
                (env.tenant, old_a.id.clone()),
                (env.tenant, due.id.clone()),
            ],
            "{b}: oldest first, every tenant, nothing else"
        );
        assert!(found.iter().all(|(_, id)| *id != fresh.id), "{b}");

        let first = env
            .stores
            .messages
            .overdue_outbound(&PlatformCtx::system(), cutoff, cutoff, 1)
            .await
            .expect(b);
        assert_eq!(first, vec![(cx_b.tenant(), old_b.id.clone())], "{b}: limit");

        // Separate cutoffs: only scheduled messages past an hour and a half ago → none; only
        // unscheduled ones created before 85 minutes ago → `old_b`.
        let strict = env
            .stores
            .messages
            .overdue_outbound(
                &PlatformCtx::system(),
                now - chrono::Duration::minutes(85),
                now - chrono::Duration::minutes(90),
                100,
            )
            .await
            .expect(b);
        assert_eq!(strict, vec![(cx_b.tenant(), old_b.id)], "{b}: cutoffs");
    }
}

#[tokio::test]
async fn inactive_since_lists_only_the_callers_stale_open_and_pending_tickets() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let channel = env.channel("Main").await;
        let mut tickets = Vec::new();
        for (i, status) in [
            TicketStatus::Open,
            TicketStatus::Pending,
            TicketStatus::Closed,
            TicketStatus::Open,
        ]
        .into_iter()
        .enumerate()
        {
            let contact = env
                .contact(&format!("C{i}"), &format!("55119888877{i:02}"))
                .await;
            tickets.push(env.ticket(contact.id, channel.id, status).await);
        }
        let (cx_b, ticket_b) = other_tenant_ticket(&env, "Tenant B", "admin@b.example").await;
        let now = Utc::now();
        let days = |n: i64| now - chrono::Duration::days(n);
        age_ticket(&tdb, tickets[0].id, days(3)).await; // stale open
        age_ticket(&tdb, tickets[1].id, days(5)).await; // stale pending, oldest
        age_ticket(&tdb, tickets[2].id, days(9)).await; // closed: never
        age_ticket(&tdb, ticket_b.id, days(9)).await; // other tenant
        // tickets[3] is fresh.

        let ids = |found: Vec<Ticket>| found.into_iter().map(|t| t.id).collect::<Vec<_>>();
        let found = env
            .stores
            .tickets
            .inactive_since(&env.cx, days(2), 100)
            .await
            .expect(b);
        assert_eq!(ids(found), vec![tickets[1].id, tickets[0].id], "{b}");
        let limited = env
            .stores
            .tickets
            .inactive_since(&env.cx, days(2), 1)
            .await
            .expect(b);
        assert_eq!(ids(limited), vec![tickets[1].id], "{b}: limit");
        let older = env
            .stores
            .tickets
            .inactive_since(&env.cx, days(4), 100)
            .await
            .expect(b);
        assert_eq!(ids(older), vec![tickets[1].id], "{b}: cutoff");
        let of_b = env
            .stores
            .tickets
            .inactive_since(&cx_b, days(2), 100)
            .await
            .expect(b);
        assert_eq!(ids(of_b), vec![ticket_b.id], "{b}: B sees only its own");
    }
}

async fn leases(tdb: &TestDb) -> DbLeases {
    let db = Db::connect(tdb.url()).await.expect("connect");
    db.migrate_up().await.expect("migrate");
    DbLeases::new(&db)
}

#[tokio::test]
async fn only_one_of_two_racing_holders_gets_a_lease() {
    for tdb in TestDb::all().await {
        let b = tdb.backend_name();
        let one = leases(&tdb).await;
        let two = leases(&tdb).await;
        let ttl = Duration::from_secs(60);
        for round in 0..5 {
            let name = format!("race-{round}");
            let (a, c) = tokio::join!(
                one.acquire(&name, "instance-1", ttl),
                two.acquire(&name, "instance-2", ttl)
            );
            let (a, c) = (a.expect(b), c.expect(b));
            assert!(a ^ c, "{b}: exactly one wins round {round}: {a} {c}");
        }
    }
}

#[tokio::test]
async fn a_lease_is_extended_by_its_holder_released_and_taken_after_expiry() {
    for tdb in TestDb::all().await {
        let b = tdb.backend_name();
        let leases = leases(&tdb).await;
        let long = Duration::from_secs(60);
        assert!(
            leases.acquire("auto-close", "one", long).await.expect(b),
            "{b}"
        );
        assert!(
            !leases.acquire("auto-close", "two", long).await.expect(b),
            "{b}: held"
        );
        assert!(
            leases.acquire("auto-close", "one", long).await.expect(b),
            "{b}: extended"
        );
        assert!(
            leases.acquire("sweeper", "two", long).await.expect(b),
            "{b}: another name"
        );

        // Releasing someone else's lease does nothing; the holder's release frees it.
        leases.release("auto-close", "two").await.expect(b);
        assert!(
            !leases.acquire("auto-close", "two", long).await.expect(b),
            "{b}"
        );
        leases.release("auto-close", "one").await.expect(b);
        assert!(
            leases.acquire("auto-close", "two", long).await.expect(b),
            "{b}: freed"
        );

        // An expired lease goes to whoever asks.
        assert!(
            leases
                .acquire("short", "one", Duration::from_millis(1))
                .await
                .expect(b),
            "{b}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            leases.acquire("short", "two", long).await.expect(b),
            "{b}: expired"
        );
        assert!(
            !leases.acquire("short", "one", long).await.expect(b),
            "{b}: now two's"
        );

        assert!(
            leases.acquire(" ", "one", long).await.is_err(),
            "{b}: blank name"
        );
    }
}
