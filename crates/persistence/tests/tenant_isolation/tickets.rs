//! `TicketStore`.

use super::*;

use tiktickets_domain::enums::{TicketChannel, TicketStatus};
use tiktickets_domain::ids::{ContactId, QueueId, UserId, WhatsappId};
use tiktickets_domain::store::tickets::{
    InboundTicketRequest, NewTicket, TicketPatch, TicketQuery,
};
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- TicketStore

fn ticket_query(f: impl FnOnce(&mut TicketQuery)) -> TicketQuery {
    let mut q = all_tickets();
    f(&mut q);
    q
}

#[tokio::test]
async fn ticket_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("tickets.get(B's ticket)"),
                s.tickets.get(&cx, b.ticket.id).await,
                s.tickets.get(&cx, missing_ticket()).await,
            );
            let listed = s.tickets.list(&cx, &all_tickets()).await.expect("list");
            assert_eq!(listed.items, m.a_before.tickets, "[{backend}] {who}: list");
            let b_ticket_id = b.ticket.id.get().to_string();
            let queries = [
                (
                    "search B's contact name",
                    ticket_query(|q| q.search = Some(b.contact.name.clone())),
                ),
                (
                    "search B's number",
                    ticket_query(|q| q.search = Some(b.contact_number.as_str().to_owned())),
                ),
                ("queue B", ticket_query(|q| q.queue_ids = vec![b.queue.id])),
                ("user B", ticket_query(|q| q.user_id = Some(b.agent.id))),
                (
                    "open, queue B, user B",
                    ticket_query(|q| {
                        q.statuses = vec![TicketStatus::Open];
                        q.queue_ids = vec![b.queue.id];
                        q.user_id = Some(b.agent.id);
                    }),
                ),
            ];
            for (label, q) in queries {
                let found = s.tickets.list(&cx, &q).await.expect("list");
                assert!(
                    found.items.is_empty() && found.count == 0,
                    "[{backend}] {who}: list({label}) found {found:?}"
                );
            }
            let by_id = s
                .tickets
                .list(&cx, &ticket_query(|q| q.search = Some(b_ticket_id.clone())))
                .await
                .expect("list");
            assert!(
                by_id
                    .items
                    .iter()
                    .all(|t| t.tenant_id == a.tenant.id && t.id != b.ticket.id),
                "[{backend}] {who}: search by B's ticket id found {by_id:?}"
            );
            for (label, contact, channel) in [
                ("B's contact, B's channel", b.contact.id, Some(b.channel.id)),
                ("B's contact, any channel", b.contact.id, None),
                ("B's contact, A's channel", b.contact.id, Some(a.channel.id)),
                ("A's contact, B's channel", a.contact.id, Some(b.channel.id)),
            ] {
                assert_eq!(
                    s.tickets.find_active(&cx, contact, channel).await,
                    Ok(None),
                    "[{backend}] {who}: find_active({label})"
                );
            }

            // Writes on B's ticket.
            let patch = TicketPatch {
                status: Some(TicketStatus::Closed),
                user_id: Some(None),
                queue_id: Some(None),
                unread_messages: Some(0),
                answered: Some(true),
                last_message: Some("hijacked".to_owned()),
                last_message_at: Some(1),
                closed_at: Some(Some(1)),
                clear_auto_reply: true,
                ..TicketPatch::default()
            };
            m.denied_as_missing(
                &w("tickets.update(B's ticket)"),
                s.tickets.update(&cx, b.ticket.id, patch.clone()).await,
                s.tickets.update(&cx, missing_ticket(), patch).await,
            )
            .await;
            m.denied_as_missing(
                &w("tickets.record_message(B's ticket)"),
                s.tickets
                    .record_message(&cx, b.ticket.id, "hijacked", 2, false)
                    .await,
                s.tickets
                    .record_message(&cx, missing_ticket(), "hijacked", 2, false)
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("tickets.record_message(B's ticket, from me)"),
                s.tickets
                    .record_message(&cx, b.ticket.id, "hijacked", 2, true)
                    .await,
                s.tickets
                    .record_message(&cx, missing_ticket(), "hijacked", 2, true)
                    .await,
            )
            .await;

            // Assigning B's user or queue to A's ticket.
            m.denied_as_missing(
                &w("tickets.update(A's ticket, user = B's agent)"),
                s.tickets
                    .update(
                        &cx,
                        a.ticket.id,
                        TicketPatch {
                            user_id: Some(Some(b.agent.id)),
                            ..TicketPatch::default()
                        },
                    )
                    .await,
                s.tickets
                    .update(
                        &cx,
                        a.ticket.id,
                        TicketPatch {
                            user_id: Some(Some(missing_user())),
                            ..TicketPatch::default()
                        },
                    )
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("tickets.update(A's ticket, queue = B's queue)"),
                s.tickets
                    .update(
                        &cx,
                        a.ticket.id,
                        TicketPatch {
                            queue_id: Some(Some(b.queue.id)),
                            status: Some(TicketStatus::Pending),
                            ..TicketPatch::default()
                        },
                    )
                    .await,
                s.tickets
                    .update(
                        &cx,
                        a.ticket.id,
                        TicketPatch {
                            queue_id: Some(Some(missing_queue())),
                            status: Some(TicketStatus::Pending),
                            ..TicketPatch::default()
                        },
                    )
                    .await,
            )
            .await;

            // find_or_create_for_inbound with B's contact and/or channel.
            let req =
                |contact: ContactId, channel: WhatsappId, from_me: bool| InboundTicketRequest {
                    contact_id: contact,
                    whatsapp_id: channel,
                    from_me,
                    is_group: false,
                    channel: TicketChannel::Whatsapp,
                    unread_count: 1,
                };
            for from_me in [false, true] {
                m.denied_as_missing(
                    &w(&format!(
                        "find_or_create_for_inbound(B's contact, A's channel, from_me={from_me})"
                    )),
                    s.tickets
                        .find_or_create_for_inbound(&cx, req(b.contact.id, a.channel.id, from_me))
                        .await,
                    s.tickets
                        .find_or_create_for_inbound(
                            &cx,
                            req(missing_contact(), a.channel.id, from_me),
                        )
                        .await,
                )
                .await;
                m.denied_as_missing(
                    &w(&format!(
                        "find_or_create_for_inbound(A's contact, B's channel, from_me={from_me})"
                    )),
                    s.tickets
                        .find_or_create_for_inbound(&cx, req(a.contact.id, b.channel.id, from_me))
                        .await,
                    s.tickets
                        .find_or_create_for_inbound(
                            &cx,
                            req(a.contact.id, missing_channel(), from_me),
                        )
                        .await,
                )
                .await;
                m.denied(
                    &w(&format!(
                        "find_or_create_for_inbound(B's contact, B's channel, from_me={from_me})"
                    )),
                    s.tickets
                        .find_or_create_for_inbound(&cx, req(b.contact.id, b.channel.id, from_me))
                        .await,
                )
                .await;
            }

            // create with one of B's references (A's lead has no ticket yet, so nothing else
            // can refuse it).
            let new = |contact: ContactId,
                       channel: Option<WhatsappId>,
                       user: Option<UserId>,
                       queue: Option<QueueId>| NewTicket {
                contact_id: contact,
                whatsapp_id: channel,
                status: TicketStatus::Open,
                user_id: user,
                queue_id: queue,
                is_group: false,
                channel: TicketChannel::Whatsapp,
                is_active_demand: true,
            };
            let cases = [
                (
                    "B's contact",
                    new(b.lead.id, Some(a.channel.id), None, None),
                    new(missing_contact(), Some(a.channel.id), None, None),
                ),
                (
                    "B's contact, no channel",
                    new(b.lead.id, None, None, None),
                    new(missing_contact(), None, None, None),
                ),
                (
                    "B's channel",
                    new(a.lead.id, Some(b.channel.id), None, None),
                    new(a.lead.id, Some(missing_channel()), None, None),
                ),
                (
                    "B's user",
                    new(a.lead.id, Some(a.channel.id), Some(b.agent.id), None),
                    new(a.lead.id, Some(a.channel.id), Some(missing_user()), None),
                ),
                (
                    "B's queue",
                    new(a.lead.id, Some(a.channel.id), None, Some(b.queue.id)),
                    new(a.lead.id, Some(a.channel.id), None, Some(missing_queue())),
                ),
            ];
            for (label, via_b, via_missing) in cases {
                m.denied_as_missing(
                    &w(&format!("tickets.create({label})")),
                    s.tickets.create(&cx, via_b).await,
                    s.tickets.create(&cx, via_missing).await,
                )
                .await;
            }
        }
    }
}
