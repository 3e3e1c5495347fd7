//! The ticket-port additions: the agent visibility rule (data-model §7.6), the group and tag
//! filters of the ticket list, and `created_between`, on every backend.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;

use chrono::Duration;
use support_crud::*;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{TicketStatus, UserProfile};
use tiktickets_domain::ids::{ContactId, QueueId, TagId, TicketId, UserId, WhatsappId};
use tiktickets_domain::store::tickets::{NewTicket, Ticket, TicketQuery};
use tiktickets_test_support::TestDb;

fn sorted(tickets: &[Ticket]) -> Vec<TicketId> {
    let mut ids: Vec<TicketId> = tickets.iter().map(|t| t.id).collect();
    ids.sort_by_key(|t| t.get());
    ids
}

fn sorted_ids(mut ids: Vec<TicketId>) -> Vec<TicketId> {
    ids.sort_by_key(|t| t.get());
    ids
}

async fn listed(env: &Env, cx: &TenantCtx, q: TicketQuery) -> Vec<TicketId> {
    let page = env.stores.tickets.list(cx, &q).await.expect(env.backend);
    assert_eq!(
        page.count as usize,
        page.items.len(),
        "{}: count matches the (single) page",
        env.backend
    );
    sorted(&page.items)
}

fn visible_to(user: UserId) -> TicketQuery {
    TicketQuery {
        visible_to: Some(user),
        ..TicketQuery::all(page(1, 100))
    }
}

/// A pending ticket of a new contact (`n` makes the number unique) in tenant `cx`.
async fn ticket_in(
    env: &Env,
    cx: &TenantCtx,
    n: u32,
    channel: WhatsappId,
    queue: Option<QueueId>,
    user: Option<UserId>,
    is_group: bool,
) -> (ContactId, Ticket) {
    let contact = env
        .stores
        .contacts
        .create(
            cx,
            contact_input(&format!("Contact {n}"), Some(&format!("55119877{n:05}"))),
        )
        .await
        .expect(env.backend);
    let ticket = env
        .stores
        .tickets
        .create(
            cx,
            NewTicket {
                queue_id: queue,
                user_id: user,
                is_group,
                ..new_ticket(contact.id, Some(channel), TicketStatus::Pending)
            },
        )
        .await
        .expect(env.backend);
    (contact.id, ticket)
}

#[tokio::test]
async fn visibility_rule_each_branch_shows_a_ticket_and_nothing_else() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let cx = env.cx;
        let agent = env
            .user("Agent", "agent@a.example", UserProfile::User)
            .await;
        let other = env
            .user("Other", "other@a.example", UserProfile::User)
            .await;
        let mine = env.queue("Mine").await;
        let theirs = env.queue("Theirs").await;
        env.stores
            .users
            .set_queues(&cx, agent.id, &[mine.id])
            .await
            .expect(b);
        env.stores
            .users
            .set_queues(&cx, other.id, &[theirs.id])
            .await
            .expect(b);
        let channel = env.channel("Main").await.id;

        // One ticket per branch; every one of them is otherwise in the other agent's queue.
        let (_, group) =
            ticket_in(&env, &cx, 1, channel, Some(theirs.id), Some(other.id), true).await;
        let (_, in_queue) = ticket_in(&env, &cx, 2, channel, Some(mine.id), None, false).await;
        let (_, assigned) = ticket_in(
            &env,
            &cx,
            3,
            channel,
            Some(theirs.id),
            Some(agent.id),
            false,
        )
        .await;
        let (wallet_contact, in_wallet) = ticket_in(
            &env,
            &cx,
            4,
            channel,
            Some(theirs.id),
            Some(other.id),
            false,
        )
        .await;
        env.stores
            .contacts
            .set_wallets(&cx, wallet_contact, &[agent.id])
            .await
            .expect(b);
        // Unrelated: other queue, other agent, contact in the other agent's wallet.
        let (hidden_contact, hidden) = ticket_in(
            &env,
            &cx,
            5,
            channel,
            Some(theirs.id),
            Some(other.id),
            false,
        )
        .await;
        env.stores
            .contacts
            .set_wallets(&cx, hidden_contact, &[other.id])
            .await
            .expect(b);
        // No queue, no user, no wallet: hidden as long as the tenant has queues.
        let (_, no_queue) = ticket_in(&env, &cx, 6, channel, None, None, false).await;

        // Tenant B has no queues at all and a group ticket: both "always visible" branches
        // hold there, yet none of B's tickets may show up for an agent of A.
        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        let channel_b = env
            .stores
            .channels
            .create(&cx_b, channel_input("B main", false))
            .await
            .expect(b)
            .id;
        let (_, b_group) = ticket_in(&env, &cx_b, 7, channel_b, None, None, true).await;
        let (_, b_plain) = ticket_in(&env, &cx_b, 8, channel_b, None, None, false).await;

        let agent_cx = env.cx_as(&agent);
        let seen = listed(&env, &agent_cx, visible_to(agent.id)).await;
        assert_eq!(
            seen,
            sorted_ids(vec![group.id, in_queue.id, assigned.id, in_wallet.id]),
            "{b}: group, own queue, assigned, wallet; not the unrelated or queue-less ones"
        );
        assert!(!seen.contains(&hidden.id), "{b}");
        assert!(!seen.contains(&no_queue.id), "{b}");
        assert!(
            !seen.contains(&b_group.id) && !seen.contains(&b_plain.id),
            "{b}"
        );

        // The other agent sees the tickets of its queue.
        let seen_other = listed(&env, &cx, visible_to(other.id)).await;
        assert_eq!(
            seen_other,
            sorted_ids(vec![group.id, assigned.id, in_wallet.id, hidden.id]),
            "{b}: everything in the other agent's queue; not A's queue or the queue-less one"
        );
        // Admins (`visible_to: None`) see everything of their tenant only.
        let all = listed(&env, &cx, TicketQuery::all(page(1, 100))).await;
        assert_eq!(
            all,
            sorted_ids(vec![
                group.id,
                in_queue.id,
                assigned.id,
                in_wallet.id,
                hidden.id,
                no_queue.id
            ]),
            "{b}"
        );

        // In tenant B (no queues) an agent of B sees every ticket of B, and only B's: the
        // "no queues" test looks at B's queues, not at A's.
        let agent_b = env
            .stores
            .users
            .create(
                &cx_b,
                new_user("Agent B", "agent@b.example", UserProfile::User),
            )
            .await
            .expect(b);
        let agent_b_cx = TenantCtx::from_verified(cx_b.tenant(), agent_b.id, UserProfile::User);
        assert_eq!(
            listed(&env, &agent_b_cx, visible_to(agent_b.id)).await,
            sorted_ids(vec![b_group.id, b_plain.id]),
            "{b}: no queues in B means every B ticket is visible"
        );
        // A's agent id used in B's context finds only B's tickets, never A's.
        assert_eq!(
            listed(&env, &cx_b, visible_to(agent.id)).await,
            sorted_ids(vec![b_group.id, b_plain.id]),
            "{b}"
        );
        // Once B has a queue, the queue-less plain ticket is hidden from B's agent.
        env.stores
            .queues
            .create(
                &cx_b,
                tiktickets_domain::store::queues::QueueInput {
                    queue: "B queue".to_owned(),
                    is_active: true,
                },
            )
            .await
            .expect(b);
        assert_eq!(
            listed(&env, &agent_b_cx, visible_to(agent_b.id)).await,
            vec![b_group.id],
            "{b}: with a queue, only the group ticket stays visible"
        );

        // Visibility combines with the other filters (AND).
        let open_mine = TicketQuery {
            is_group: Some(false),
            ..visible_to(agent.id)
        };
        assert_eq!(
            listed(&env, &agent_cx, open_mine).await,
            sorted_ids(vec![in_queue.id, assigned.id, in_wallet.id]),
            "{b}"
        );
    }
}

#[tokio::test]
async fn queue_branch_uses_the_agents_queue_links() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let cx = env.cx;
        let agent = env
            .user("Agent", "agent@a.example", UserProfile::User)
            .await;
        let q1 = env.queue("Q1").await;
        let channel = env.channel("Main").await.id;
        let (_, t) = ticket_in(&env, &cx, 1, channel, Some(q1.id), None, false).await;
        assert!(
            listed(&env, &cx, visible_to(agent.id)).await.is_empty(),
            "{b}: not linked to the queue yet"
        );
        env.stores
            .users
            .set_queues(&cx, agent.id, &[q1.id])
            .await
            .expect(b);
        assert_eq!(
            listed(&env, &cx, visible_to(agent.id)).await,
            vec![t.id],
            "{b}"
        );
        env.stores
            .users
            .set_queues(&cx, agent.id, &[])
            .await
            .expect(b);
        assert!(
            listed(&env, &cx, visible_to(agent.id)).await.is_empty(),
            "{b}: unlinked again"
        );
    }
}

#[tokio::test]
async fn group_and_tag_filters() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let cx = env.cx;
        let channel = env.channel("Main").await.id;
        let (c1, t1) = ticket_in(&env, &cx, 1, channel, None, None, false).await;
        let (c2, t2) = ticket_in(&env, &cx, 2, channel, None, None, true).await;
        let (_, t3) = ticket_in(&env, &cx, 3, channel, None, None, false).await;
        let vip = env.tag("VIP", true).await;
        let late = env.tag("Late", true).await;
        let unused = env.tag("Unused", true).await;
        env.stores
            .contacts
            .set_tags(&cx, c1, &[vip.id])
            .await
            .expect(b);
        env.stores
            .contacts
            .set_tags(&cx, c2, &[vip.id, late.id])
            .await
            .expect(b);

        let groups = TicketQuery {
            is_group: Some(true),
            ..TicketQuery::all(page(1, 100))
        };
        assert_eq!(listed(&env, &cx, groups).await, vec![t2.id], "{b}");
        let singles = TicketQuery {
            is_group: Some(false),
            ..TicketQuery::all(page(1, 100))
        };
        assert_eq!(
            listed(&env, &cx, singles).await,
            sorted_ids(vec![t1.id, t3.id]),
            "{b}"
        );

        let tagged = |tags: Vec<TagId>| TicketQuery {
            tag_ids: tags,
            ..TicketQuery::all(page(1, 100))
        };
        assert_eq!(
            listed(&env, &cx, tagged(vec![vip.id])).await,
            sorted_ids(vec![t1.id, t2.id]),
            "{b}"
        );
        assert_eq!(
            listed(&env, &cx, tagged(vec![late.id])).await,
            vec![t2.id],
            "{b}"
        );
        assert_eq!(
            listed(&env, &cx, tagged(vec![late.id, unused.id])).await,
            vec![t2.id],
            "{b}: any of the tags"
        );
        assert!(
            listed(&env, &cx, tagged(vec![unused.id])).await.is_empty(),
            "{b}"
        );
        let both = TicketQuery {
            is_group: Some(false),
            ..tagged(vec![vip.id])
        };
        assert_eq!(listed(&env, &cx, both).await, vec![t1.id], "{b}");

        // Tenant B tags its own contact; B's tag id used by A matches nothing of A, and A's
        // tag id used by B matches nothing of B.
        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        let channel_b = env
            .stores
            .channels
            .create(&cx_b, channel_input("B main", false))
            .await
            .expect(b)
            .id;
        let (cb, tb) = ticket_in(&env, &cx_b, 9, channel_b, None, None, false).await;
        let tag_b = env
            .stores
            .tags
            .create(&cx_b, tag_input("VIP", true))
            .await
            .expect(b);
        env.stores
            .contacts
            .set_tags(&cx_b, cb, &[tag_b.id])
            .await
            .expect(b);
        assert!(
            listed(&env, &cx, tagged(vec![tag_b.id])).await.is_empty(),
            "{b}: B's tag never matches A's tickets"
        );
        assert!(
            listed(&env, &cx_b, tagged(vec![vip.id])).await.is_empty(),
            "{b}: A's tag never matches B's tickets"
        );
        assert_eq!(
            listed(&env, &cx_b, tagged(vec![tag_b.id])).await,
            vec![tb.id],
            "{b}"
        );
    }
}

#[tokio::test]
async fn created_between_is_half_open_oldest_first_and_scoped() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let cx = env.cx;
        let channel = env.channel("Main").await.id;
        let (_, t1) = ticket_in(&env, &cx, 1, channel, None, None, false).await;
        let (_, t2) = ticket_in(&env, &cx, 2, channel, None, None, false).await;
        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        let channel_b = env
            .stores
            .channels
            .create(&cx_b, channel_input("B main", false))
            .await
            .expect(b)
            .id;
        ticket_in(&env, &cx_b, 3, channel_b, None, None, false).await;

        let from = t1.created_at - Duration::hours(1);
        let to = t2.created_at + Duration::hours(1);
        let got = env
            .stores
            .tickets
            .created_between(&cx, from, to)
            .await
            .expect(b);
        assert_eq!(
            got.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![t1.id, t2.id],
            "{b}: oldest first, only A's"
        );
        assert_eq!(got[0], t1, "{b}: full rows");

        let start_included = env
            .stores
            .tickets
            .created_between(&cx, t2.created_at, to)
            .await
            .expect(b);
        assert!(
            start_included.iter().any(|t| t.id == t2.id),
            "{b}: from is inclusive"
        );
        let end_excluded = env
            .stores
            .tickets
            .created_between(&cx, from, t1.created_at)
            .await
            .expect(b);
        assert!(
            end_excluded.iter().all(|t| t.id != t1.id),
            "{b}: to is exclusive"
        );
        assert!(
            env.stores
                .tickets
                .created_between(&cx, at(1, 0), at(2, 0))
                .await
                .expect(b)
                .is_empty(),
            "{b}: a window in 2030 has no tickets"
        );
    }
}
