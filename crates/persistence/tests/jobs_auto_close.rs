//! Auto-close (issue 5, data-model.md §7.12) on the real stores, every backend: each tenant is
//! closed with its own `daysToClose`, through the system transition (closedAt, FECH protocol,
//! autoClose log), with `ticket:update` published.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;
mod support_jobs;

use chrono::{Duration, Utc};
use support_crud::*;
use support_jobs::*;
use tiktickets_domain::enums::{ProtocolStatus, TicketLogType, TicketStatus};
use tiktickets_domain::events::DomainEvent;
use tiktickets_domain::ids::{TenantId, TicketId, WhatsappId};
use tiktickets_domain::services::tickets::TicketChange;
use tiktickets_domain::store::tickets::Ticket;
use tiktickets_domain::{PlatformCtx, TenantCtx};
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------------------------------------
// auto_close
// ---------------------------------------------------------------------------------------------

/// A tenant with a channel, its admin context, and the given `daysToClose` (if any).
async fn tenant_with(
    env: &Env,
    name: &str,
    email: &str,
    days: Option<&str>,
) -> (TenantId, TenantCtx, WhatsappId) {
    let (tenant, cx) = env.other_tenant(name, email).await;
    if let Some(days) = days {
        env.stores
            .settings
            .upsert(&cx, "daysToClose", days)
            .await
            .expect(env.backend);
    }
    let channel = env
        .stores
        .channels
        .create(&cx, channel_input(&format!("{name} main"), false))
        .await
        .expect(env.backend);
    (tenant, cx, channel.id)
}

async fn ticket_in(
    env: &Env,
    cx: &TenantCtx,
    channel: WhatsappId,
    n: u32,
    status: TicketStatus,
) -> Ticket {
    let contact = env
        .stores
        .contacts
        .create(
            cx,
            contact_input(&format!("C{n}"), Some(&format!("551198888{n:04}"))),
        )
        .await
        .expect(env.backend);
    env.stores
        .tickets
        .create(cx, new_ticket(contact.id, Some(channel), status))
        .await
        .expect(env.backend)
}

#[tokio::test]
async fn auto_close_uses_each_tenants_own_period() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let (a, cx_a, ch_a) = tenant_with(&env, "Alpha", "a@a.example", Some("1")).await;
        let (tb, cx_b, ch_b) = tenant_with(&env, "Bravo", "b@b.example", Some("30")).await;
        let (c, cx_c, ch_c) = tenant_with(&env, "Charlie", "c@c.example", None).await;
        let (_, cx_d, ch_d) = tenant_with(&env, "Delta", "d@d.example", Some("0")).await;

        // A: an attended ticket (ABER protocol) idle for 2 days closes; a fresh one stays.
        let a_old = ticket_in(&env, &cx_a, ch_a, 1, TicketStatus::Pending).await;
        kit.services
            .update_ticket(
                &cx_a,
                a_old.id,
                TicketChange {
                    status: Some(TicketStatus::Open),
                    ..TicketChange::default()
                },
            )
            .await
            .expect(b);
        let a_fresh = ticket_in(&env, &cx_a, ch_a, 2, TicketStatus::Pending).await;
        let a_closed = ticket_in(&env, &cx_a, ch_a, 3, TicketStatus::Closed).await;
        // B: 30 days; 2 days idle stays open.
        let b_old = ticket_in(&env, &cx_b, ch_b, 4, TicketStatus::Open).await;
        // C: no setting = 7 days; 8 days idle closes (no protocol yet), 2 days stays.
        let c_old = ticket_in(&env, &cx_c, ch_c, 5, TicketStatus::Pending).await;
        let c_recent = ticket_in(&env, &cx_c, ch_c, 6, TicketStatus::Open).await;
        // D: disabled.
        let d_old = ticket_in(&env, &cx_d, ch_d, 7, TicketStatus::Open).await;
        for (t, days) in [
            (&a_old, 2),
            (&a_closed, 9),
            (&b_old, 2),
            (&c_old, 8),
            (&c_recent, 2),
            (&d_old, 400),
        ] {
            age_ticket(&tdb, t.id, Utc::now() - Duration::days(days)).await;
        }
        let before = kit.events.events().len();

        let result = kit
            .services
            .auto_close(&PlatformCtx::system(), Utc::now())
            .await
            .expect(b);
        let of = |t: TenantId| result.iter().find(|(x, _)| *x == t).map(|(_, n)| *n);
        assert_eq!(of(a), Some(1), "{b}: {result:?}");
        assert_eq!(of(tb), Some(0), "{b}: {result:?}");
        assert_eq!(of(c), Some(1), "{b}: {result:?}");
        assert_eq!(
            result.len(),
            4,
            "{b}: D is disabled; the fixture tenant (7 days) closes none"
        );

        let status = |cx: TenantCtx, id: TicketId| {
            let stores = env.stores.clone();
            async move { stores.tickets.get(&cx, id).await.expect("ticket") }
        };
        let closed_a = status(cx_a, a_old.id).await;
        assert_eq!(closed_a.status, TicketStatus::Closed, "{b}");
        assert!(closed_a.closed_at.is_some(), "{b}: closedAt set");
        assert!(!closed_a.is_farewell_message, "{b}: no farewell");
        assert_eq!(
            status(cx_a, a_fresh.id).await.status,
            TicketStatus::Pending,
            "{b}"
        );
        assert_eq!(
            status(cx_a, a_closed.id).await.closed_at,
            a_closed.closed_at,
            "{b}: untouched"
        );
        assert_eq!(
            status(cx_b, b_old.id).await.status,
            TicketStatus::Open,
            "{b}"
        );
        let closed_c = status(cx_c, c_old.id).await;
        assert_eq!(closed_c.status, TicketStatus::Closed, "{b}");
        assert_eq!(
            status(cx_c, c_recent.id).await.status,
            TicketStatus::Open,
            "{b}"
        );
        assert_eq!(
            status(cx_d, d_old.id).await.status,
            TicketStatus::Open,
            "{b}"
        );

        // Logs and protocols: FECH with the attendance's number; autoClose log by no user.
        let protocols = env
            .stores
            .protocols
            .list_for_ticket(&cx_a, a_old.id)
            .await
            .expect(b);
        let kinds: Vec<(ProtocolStatus, String)> = protocols
            .iter()
            .map(|p| (p.status, p.protocol_number.clone()))
            .collect();
        let number = format!("(1)-{}", a_old.id);
        assert_eq!(
            kinds,
            vec![
                (ProtocolStatus::Aber, number.clone()),
                (ProtocolStatus::Fech, number)
            ],
            "{b}"
        );
        let logs = env
            .stores
            .ticket_logs
            .list_for_ticket(&cx_a, a_old.id)
            .await
            .expect(b);
        let last = logs.last().expect("logs");
        assert_eq!(last.r#type, TicketLogType::AutoClose, "{b}");
        assert_eq!(last.user_id, None, "{b}");
        let c_logs = env
            .stores
            .ticket_logs
            .list_for_ticket(&cx_c, c_old.id)
            .await
            .expect(b);
        assert_eq!(
            c_logs.iter().map(|l| l.r#type).collect::<Vec<_>>(),
            vec![TicketLogType::AutoClose],
            "{b}"
        );
        assert!(
            env.stores
                .protocols
                .list_for_ticket(&cx_c, c_old.id)
                .await
                .expect(b)
                .is_empty(),
            "{b}: no attendance, no FECH"
        );

        // Published: exactly the two closed tickets, each to its own tenant.
        let after: Vec<(TenantId, TicketId, TicketStatus)> = kit.events.events()[before..]
            .iter()
            .filter_map(|e| match e {
                DomainEvent::TicketUpdated { ticket, .. } => {
                    Some((ticket.tenant_id, ticket.id, ticket.status))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            after,
            vec![
                (a, a_old.id, TicketStatus::Closed),
                (c, c_old.id, TicketStatus::Closed)
            ],
            "{b}"
        );

        // A second run finds nothing more.
        let again = kit
            .services
            .auto_close(&PlatformCtx::system(), Utc::now())
            .await
            .expect(b);
        assert!(again.iter().all(|(_, n)| *n == 0), "{b}: {again:?}");
    }
}
