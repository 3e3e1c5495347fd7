//! The ticket list's `count` comes from `TicketCounters` (kept by triggers) plus the agent's
//! wallet tickets, not from counting the tickets. Here it must equal the number of tickets the
//! same query lists, for every agent and every combination of the client's filters, before and
//! after tickets move between statuses, queues and agents, on every backend.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;

use support_crud::*;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{TicketStatus, UserProfile};
use tiktickets_domain::ids::{QueueId, UserId};
use tiktickets_domain::store::tickets::{NewTicket, Ticket, TicketPatch, TicketQuery};
use tiktickets_test_support::TestDb;

const STATUS_SETS: &[&[TicketStatus]] = &[
    &[TicketStatus::Open],
    &[TicketStatus::Pending],
    &[TicketStatus::Closed],
    &[TicketStatus::Open, TicketStatus::Pending],
    &[],
];

/// Every filter combination the client sends, for one viewer (`None`: an admin).
fn queries(viewer: Option<UserId>, queues: &[QueueId], agents: &[UserId]) -> Vec<TicketQuery> {
    let mut out = Vec::new();
    for statuses in STATUS_SETS {
        for is_group in [None, Some(false), Some(true)] {
            for variant in 0..5 {
                let mut q = TicketQuery {
                    statuses: statuses.to_vec(),
                    is_group,
                    visible_to: viewer,
                    ..TicketQuery::all(page(1, 500))
                };
                match variant {
                    1 => q.only_unassigned = true,
                    2 => q.queue_ids = vec![queues[0]],
                    3 => q.user_id = Some(agents[0]),
                    4 => q.only_unread = true,
                    _ => {}
                }
                out.push(q);
            }
        }
    }
    out
}

async fn assert_counts(env: &Env, cx: &TenantCtx, q: &TicketQuery, label: &str) {
    let page = env.stores.tickets.list(cx, q).await.expect(env.backend);
    assert_eq!(
        page.count as usize,
        page.items.len(),
        "{}: {label}: {q:?}",
        env.backend
    );
    // The counter of the client's tab badges: the same query with limit=1.
    let one = TicketQuery {
        page: page_of_one(),
        ..q.clone()
    };
    let counted = env.stores.tickets.list(cx, &one).await.expect(env.backend);
    assert_eq!(
        counted.count, page.count,
        "{}: {label}: limit 1",
        env.backend
    );
}

fn page_of_one() -> tiktickets_domain::store::PageRequest {
    page(1, 1)
}

#[tokio::test]
async fn count_equals_the_listed_tickets_for_every_filter_and_agent() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let cx = env.cx;
        let a1 = env.user("A1", "a1@a.example", UserProfile::User).await;
        let a2 = env.user("A2", "a2@a.example", UserProfile::User).await;
        let q1 = env.queue("Q1").await;
        let q2 = env.queue("Q2").await;
        env.stores
            .users
            .set_queues(&cx, a1.id, &[q1.id])
            .await
            .expect(b);
        env.stores
            .users
            .set_queues(&cx, a2.id, &[q2.id])
            .await
            .expect(b);
        let channel = env.channel("Main").await.id;
        let queues = [None, Some(q1.id), Some(q2.id)];
        let agents = [None, Some(a1.id), Some(a2.id)];

        let mut tickets: Vec<Ticket> = Vec::new();
        for n in 0..18u32 {
            let contact = env
                .stores
                .contacts
                .create(
                    &cx,
                    contact_input(&format!("C{n}"), Some(&format!("5511988{n:05}"))),
                )
                .await
                .expect(b);
            if n % 4 == 0 {
                let owner = if n % 8 == 0 { a1.id } else { a2.id };
                env.stores
                    .contacts
                    .set_wallets(&cx, contact.id, &[owner])
                    .await
                    .expect(b);
            }
            let status = [
                TicketStatus::Pending,
                TicketStatus::Open,
                TicketStatus::Closed,
            ][(n % 3) as usize];
            let ticket = env
                .stores
                .tickets
                .create(
                    &cx,
                    NewTicket {
                        queue_id: queues[(n / 3 % 3) as usize],
                        user_id: agents[(n / 2 % 3) as usize],
                        is_group: n % 5 == 0,
                        ..new_ticket(contact.id, Some(channel), status)
                    },
                )
                .await
                .expect(b);
            if n % 2 == 1 {
                let patch = TicketPatch {
                    unread_messages: Some(2),
                    ..TicketPatch::default()
                };
                env.stores
                    .tickets
                    .update(&cx, ticket.id, patch)
                    .await
                    .expect(b);
            }
            tickets.push(ticket);
        }
        // Another tenant's tickets must never be counted.
        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        let channel_b = env
            .stores
            .channels
            .create(&cx_b, channel_input("B", false))
            .await
            .expect(b)
            .id;
        for n in 0..3u32 {
            let contact = env
                .stores
                .contacts
                .create(&cx_b, contact_input("B", Some(&format!("5521977{n:05}"))))
                .await
                .expect(b);
            env.stores
                .tickets
                .create(
                    &cx_b,
                    new_ticket(contact.id, Some(channel_b), TicketStatus::Open),
                )
                .await
                .expect(b);
        }

        let check = |label: &'static str| {
            let env = &env;
            let (a1, a2) = (a1.clone(), a2.clone());
            async move {
                for (viewer, viewer_cx) in [
                    (None, env.cx),
                    (Some(a1.id), env.cx_as(&a1)),
                    (Some(a2.id), env.cx_as(&a2)),
                ] {
                    for q in queries(viewer, &[q1.id], &[a1.id]) {
                        assert_counts(env, &viewer_cx, &q, label).await;
                    }
                }
            }
        };
        check("created").await;

        // Moves: take, transfer, unassign, close, reopen.
        let moves: [(usize, TicketPatch); 5] = [
            (
                0,
                TicketPatch {
                    status: Some(TicketStatus::Open),
                    user_id: Some(Some(a2.id)),
                    ..TicketPatch::default()
                },
            ),
            (
                1,
                TicketPatch {
                    queue_id: Some(Some(q2.id)),
                    user_id: Some(None),
                    ..TicketPatch::default()
                },
            ),
            (
                4,
                TicketPatch {
                    status: Some(TicketStatus::Closed),
                    ..TicketPatch::default()
                },
            ),
            (
                2,
                TicketPatch {
                    status: Some(TicketStatus::Open),
                    queue_id: Some(None),
                    ..TicketPatch::default()
                },
            ),
            (
                7,
                TicketPatch {
                    user_id: Some(Some(a1.id)),
                    queue_id: Some(Some(q1.id)),
                    ..TicketPatch::default()
                },
            ),
        ];
        for (i, patch) in moves {
            env.stores
                .tickets
                .update(&cx, tickets[i].id, patch)
                .await
                .expect(b);
        }
        check("after moves").await;
    }
}
