//! The fixture itself: both data sets are complete, and no list of A holds a row of B.

use super::*;

use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- fixture sanity

#[tokio::test]
async fn fixture_is_complete_and_lists_of_a_never_contain_rows_of_b() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        for (f, snap) in [(&m.a, &m.a_before), (&m.b, &m.b_before)] {
            let who = format!("[{backend}] tenant {}", f.label);
            assert_eq!(snap.users.len(), 2, "{who}: admin and agent");
            assert_eq!(snap.user_count, 2, "{who}");
            assert_eq!(snap.queues.len(), 1, "{who}");
            assert_eq!(snap.contacts.len(), 2, "{who}: contact and lead");
            assert_eq!(snap.tickets.len(), 1, "{who}");
            assert_eq!(snap.messages[0].1.len(), 1, "{who}");
            assert_eq!(snap.channels.len(), 1, "{who}");
            assert_eq!(snap.settings.len(), 2, "{who}");
            assert_eq!(snap.tags.len(), 1, "{who}");
            assert_eq!(snap.fast_replies.len(), 1, "{who}");
            assert_eq!(snap.campaigns.len(), 1, "{who}");
            assert_eq!(snap.campaign_contacts[0].1.len(), 2, "{who}");
            assert_eq!(snap.protocols[0].1.len(), 1, "{who}");
            assert_eq!(snap.ticket_logs[0].1.len(), 1, "{who}");
            let agent_queues = snap
                .user_queues
                .iter()
                .find(|(u, _)| *u == f.agent.id)
                .map(|(_, q)| q.clone());
            assert_eq!(
                agent_queues,
                Some(vec![f.queue.clone()]),
                "{who}: user-queue link"
            );
            let contact_extras = (
                snap.contact_tags
                    .iter()
                    .find(|(c, _)| *c == f.contact.id)
                    .map(|(_, t)| t.len()),
                snap.contact_wallets
                    .iter()
                    .find(|(c, _)| *c == f.contact.id)
                    .map(|(_, w)| w.clone()),
                snap.contact_fields
                    .iter()
                    .find(|(c, _)| *c == f.contact.id)
                    .map(|(_, x)| x.len()),
            );
            assert_eq!(
                contact_extras,
                (Some(1), Some(vec![f.agent.id]), Some(1)),
                "{who}: tag, wallet and custom field of the contact"
            );
            assert_eq!(
                snap.messages[0].1[0].message_id.as_deref(),
                Some(f.provider_id.as_str()),
                "{who}: message with a provider id"
            );
        }
        assert_only_own(backend, "A", &m.a_before, m.a.tenant.id, &m.b_before);
        assert_only_own(backend, "B", &m.b_before, m.b.tenant.id, &m.a_before);
        // The same through the agent's and the system's contexts.
        for (who, cx) in m.a_contexts() {
            let snap = snapshot(m.s(), &cx).await;
            assert_eq!(
                snap, m.a_before,
                "[{backend}] {who}: same view as A's admin"
            );
        }
        // Only-active tag list, and filtered ticket lists, hold A's rows only.
        let active = m.s().tags.list(&m.a.cx, true).await.expect("tags");
        assert_eq!(active, vec![m.a.tag.clone()], "[{backend}]");
    }
}
