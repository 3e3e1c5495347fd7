//! A deleting its own rows leaves B's data alone.

use super::*;

use tiktickets_domain::Result;
use tiktickets_domain::enums::TicketStatus;
use tiktickets_domain::store::tickets::TicketPatch;
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- A's own deletes

/// Deletes and clears of A's own rows (several of them cascade or reset other rows) leave B's
/// data exactly as it was.
#[tokio::test]
async fn a_deleting_its_own_rows_leaves_b_alone() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let a = m.a.clone();
        let s = m.s().clone();
        let cx = a.cx;
        let ok = |what: &str, r: Result<()>| {
            assert!(r.is_ok(), "[{backend}] {what}: {r:?}");
        };

        ok(
            "clear tags",
            s.contacts.set_tags(&cx, a.contact.id, &[]).await.map(drop),
        );
        ok("delete tag", s.tags.delete(&cx, a.tag.id).await);
        ok(
            "clear wallets",
            s.contacts
                .set_wallets(&cx, a.contact.id, &[])
                .await
                .map(drop),
        );
        ok(
            "clear custom fields",
            s.contacts
                .set_custom_fields(&cx, a.contact.id, vec![])
                .await
                .map(drop),
        );
        m.b_unchanged("A clears its contact's tags, wallets and fields")
            .await;

        ok(
            "remove campaign contact",
            s.campaigns
                .remove_contact(&cx, a.campaign.id, a.lead.id)
                .await,
        );
        ok(
            "delete campaign",
            s.campaigns.delete(&cx, a.campaign.id).await,
        );
        ok("delete lead", s.contacts.delete(&cx, a.lead.id).await);
        ok(
            "delete fast reply",
            s.fast_replies.delete(&cx, a.fast_reply.id).await,
        );
        ok(
            "delete message",
            s.messages.delete(&cx, &a.message.id).await,
        );
        m.b_unchanged("A deletes its campaign, lead, fast reply and message")
            .await;

        ok(
            "clear user queues",
            s.users.set_queues(&cx, a.agent.id, &[]).await.map(drop),
        );
        ok("delete agent", s.users.delete(&cx, a.agent.id).await);
        let ticket = s.tickets.get(&cx, a.ticket.id).await.expect("A's ticket");
        assert_eq!(
            (ticket.status, ticket.user_id),
            (TicketStatus::Pending, None),
            "[{backend}] the deleted agent's open ticket went back to pending"
        );
        ok("delete channel", s.channels.delete(&cx, a.channel.id).await);
        ok(
            "unqueue ticket",
            s.tickets
                .update(
                    &cx,
                    a.ticket.id,
                    TicketPatch {
                        queue_id: Some(None),
                        ..TicketPatch::default()
                    },
                )
                .await
                .map(drop),
        );
        ok("delete queue", s.queues.delete(&cx, a.queue.id).await);
        m.b_unchanged("A deletes its agent, channel and queue")
            .await;

        let a_now = snapshot(&s, &cx).await;
        assert_eq!(
            (
                a_now.users.len(),
                a_now.contacts.len(),
                a_now.channels.len(),
                a_now.queues.len(),
                a_now.tags.len(),
                a_now.campaigns.len(),
                a_now.fast_replies.len(),
            ),
            (1, 1, 0, 0, 0, 0, 0),
            "[{backend}] what A has left"
        );
        assert_eq!(
            a_now.tickets[0].whatsapp_id, None,
            "[{backend}] A's ticket lost its deleted channel"
        );
    }
}
