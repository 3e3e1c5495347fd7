//! The tenant-isolation matrix for the port additions (the rest is in `tenant_isolation.rs`):
//! tenant A's contexts (admin, agent, system) with tenant B's ids find nothing and change
//! nothing, and every answer is the one for an id that exists nowhere.
//!
//! - `TicketStore`: `list` with `visible_to` (B's agent) and `tag_ids` (B's tag),
//!   `created_between`.
//! - `MessageStore`: `insert_outbound` (B's ticket; A's ticket with B's contact, user or quoted
//!   message), `scheduled_for_ticket`, `stamp_protocol`.
//! - `ContactStore`: `query` (B's tag, wallet user, visible_to user, B's name), `get_many`,
//!   `tags_of_many`, `count_created_between`.
//! - `UserStore`: `rehash_password`.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_isolation;

use std::fmt::Debug;

use chrono::Duration;
use support_isolation::*;
use tiktickets_domain::enums::{MessageAck, MessageStatus};
use tiktickets_domain::ids::{ContactId, MessageId, TagId, TicketId, UserId};
use tiktickets_domain::store::contacts::ContactQuery;
use tiktickets_domain::store::messages::NewMessage;
use tiktickets_domain::store::tickets::TicketQuery;
use tiktickets_domain::{DomainError, Result, TenantCtx};
use tiktickets_test_support::TestDb;

/// B's rows and missing ids answer alike through A; errors are `NotFound`.
#[track_caller]
fn hidden<T: Debug + PartialEq>(
    backend: &str,
    what: &str,
    via_b: Result<T>,
    via_missing: Result<T>,
) {
    assert_eq!(
        via_b, via_missing,
        "[{backend}] {what}: B's row must look missing to A"
    );
    if let Err(e) = &via_b {
        assert!(
            matches!(e, DomainError::NotFound { .. }),
            "[{backend}] {what}: expected NotFound, got {e:?}"
        );
    }
}

fn outbound(ticket: TicketId, contact: Option<ContactId>) -> NewMessage {
    NewMessage {
        message_id: None,
        ticket_id: ticket,
        contact_id: contact,
        body: "from A".to_owned(),
        from_me: true,
        read: true,
        media_type: None,
        media_url: None,
        quoted_msg_id: None,
        timestamp: None,
        user_id: None,
        schedule_date: None,
        send_type: None,
        status: Some(MessageStatus::Pending),
        ack: MessageAck::Pending,
        id_front: None,
        poll_data: None,
    }
}

fn tickets_query(f: impl FnOnce(&mut TicketQuery)) -> TicketQuery {
    let mut q = all_tickets();
    f(&mut q);
    q
}

fn contacts_query(f: impl FnOnce(&mut ContactQuery)) -> ContactQuery {
    let mut q = ContactQuery::all(big_page());
    f(&mut q);
    q
}

#[tokio::test]
async fn port_additions_keep_tenants_apart() {
    for tdb in TestDb::all().await {
        let env = Env::open(tdb).await;
        let backend = env.backend();
        let s = &env.stores;
        let a = make_fixture(s, "A", "11").await;
        let b = make_fixture(s, "B", "21").await;
        let a_before = snapshot(s, &a.cx).await;
        let b_before = snapshot(s, &b.cx).await;
        let missing_user = UserId::new(MISSING);
        let missing_ticket = TicketId::new(MISSING);
        let missing_contact = ContactId::new(MISSING);
        let missing_tag = TagId::new(MISSING);
        let contexts: [(&str, TenantCtx); 3] = [
            ("A admin", a.cx),
            ("A agent", a.agent_cx),
            ("A system", a.system_cx),
        ];
        for (who, cx) in contexts {
            let w = |what: &str| format!("{who}: {what}");

            // TicketStore.
            hidden(
                backend,
                &w("tickets.list(visible_to B's agent)"),
                s.tickets
                    .list(&cx, &tickets_query(|q| q.visible_to = Some(b.agent.id)))
                    .await,
                s.tickets
                    .list(&cx, &tickets_query(|q| q.visible_to = Some(missing_user)))
                    .await,
            );
            let by_b_tag = s
                .tickets
                .list(&cx, &tickets_query(|q| q.tag_ids = vec![b.tag.id]))
                .await;
            assert_eq!(
                by_b_tag.as_ref().map(|p| p.count),
                Ok(0),
                "[{backend}] {who}"
            );
            hidden(
                backend,
                &w("tickets.list(B's tag)"),
                by_b_tag,
                s.tickets
                    .list(&cx, &tickets_query(|q| q.tag_ids = vec![missing_tag]))
                    .await,
            );
            let window = (
                a.ticket.created_at - Duration::days(1),
                b.ticket.created_at + Duration::days(1),
            );
            let created = s
                .tickets
                .created_between(&cx, window.0, window.1)
                .await
                .expect(backend);
            assert_eq!(
                created.iter().map(|t| t.id).collect::<Vec<_>>(),
                vec![a.ticket.id],
                "[{backend}] {who}: created_between lists A's tickets only"
            );

            // MessageStore.
            hidden(
                backend,
                &w("messages.insert_outbound(B's ticket)"),
                s.messages
                    .insert_outbound(&cx, outbound(b.ticket.id, None), 1, true)
                    .await,
                s.messages
                    .insert_outbound(&cx, outbound(missing_ticket, None), 1, true)
                    .await,
            );
            hidden(
                backend,
                &w("messages.insert_outbound(B's contact)"),
                s.messages
                    .insert_outbound(&cx, outbound(a.ticket.id, Some(b.contact.id)), 1, true)
                    .await,
                s.messages
                    .insert_outbound(&cx, outbound(a.ticket.id, Some(missing_contact)), 1, true)
                    .await,
            );
            let with_user = |user| NewMessage {
                user_id: Some(user),
                ..outbound(a.ticket.id, a.ticket.contact_id)
            };
            hidden(
                backend,
                &w("messages.insert_outbound(B's user)"),
                s.messages
                    .insert_outbound(&cx, with_user(b.admin.id), 1, true)
                    .await,
                s.messages
                    .insert_outbound(&cx, with_user(missing_user), 1, true)
                    .await,
            );
            let quoting = |quoted: MessageId| NewMessage {
                quoted_msg_id: Some(quoted),
                ..outbound(a.ticket.id, a.ticket.contact_id)
            };
            hidden(
                backend,
                &w("messages.insert_outbound(quoting B's message)"),
                s.messages
                    .insert_outbound(&cx, quoting(b.message.id.clone()), 1, true)
                    .await,
                s.messages
                    .insert_outbound(&cx, quoting(MessageId::generate()), 1, true)
                    .await,
            );
            hidden(
                backend,
                &w("messages.scheduled_for_ticket"),
                s.messages.scheduled_for_ticket(&cx, b.ticket.id).await,
                s.messages.scheduled_for_ticket(&cx, missing_ticket).await,
            );
            hidden(
                backend,
                &w("messages.stamp_protocol"),
                s.messages.stamp_protocol(&cx, b.ticket.id, "X-1").await,
                s.messages.stamp_protocol(&cx, missing_ticket, "X-1").await,
            );

            // ContactStore.
            for (what, via_b, via_missing) in [
                (
                    "contacts.query(B's tag)",
                    contacts_query(|q| q.tag_ids = vec![b.tag.id]),
                    contacts_query(|q| q.tag_ids = vec![missing_tag]),
                ),
                (
                    "contacts.query(B's wallet user)",
                    contacts_query(|q| q.wallet_ids = vec![b.agent.id]),
                    contacts_query(|q| q.wallet_ids = vec![missing_user]),
                ),
                (
                    "contacts.query(visible_to B's agent)",
                    contacts_query(|q| q.visible_to = Some(b.agent.id)),
                    contacts_query(|q| q.visible_to = Some(missing_user)),
                ),
                (
                    "contacts.query(B's contact name)",
                    contacts_query(|q| q.search = Some(b.contact.name.clone())),
                    contacts_query(|q| q.search = Some("nobody at all".to_owned())),
                ),
            ] {
                hidden(
                    backend,
                    &w(what),
                    s.contacts.query(&cx, &via_b).await,
                    s.contacts.query(&cx, &via_missing).await,
                );
            }
            let every = s
                .contacts
                .query(&cx, &ContactQuery::all(big_page()))
                .await
                .expect(backend);
            assert!(
                every.items.iter().all(|c| c.tenant_id == a.tenant.id),
                "[{backend}] {who}: contacts.query lists A's contacts only"
            );
            hidden(
                backend,
                &w("contacts.get_many"),
                s.contacts.get_many(&cx, &[b.contact.id, b.lead.id]).await,
                s.contacts.get_many(&cx, &[missing_contact]).await,
            );
            hidden(
                backend,
                &w("contacts.tags_of_many"),
                s.contacts.tags_of_many(&cx, &[b.contact.id]).await,
                s.contacts.tags_of_many(&cx, &[missing_contact]).await,
            );
            assert_eq!(
                s.contacts
                    .count_created_between(
                        &cx,
                        a.contact.created_at - Duration::days(1),
                        b.lead.created_at + Duration::days(1),
                    )
                    .await
                    .expect(backend),
                2,
                "[{backend}] {who}: A's two contacts only"
            );

            // UserStore.
            hidden(
                backend,
                &w("users.rehash_password"),
                s.users.rehash_password(&cx, b.admin.id, "stolen").await,
                s.users.rehash_password(&cx, missing_user, "stolen").await,
            );

            assert_eq!(
                snapshot(s, &b.cx).await,
                b_before,
                "[{backend}] {who}: B's data changed"
            );
            assert_eq!(
                snapshot(s, &a.cx).await,
                a_before,
                "[{backend}] {who}: a refused write changed A's data"
            );
        }
    }
}
