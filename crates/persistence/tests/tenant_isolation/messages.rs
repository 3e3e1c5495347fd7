//! `MessageStore`, and provider-id lookups.

use super::*;

use tiktickets_domain::enums::MessageAck;
use tiktickets_domain::ids::{MessageId, UserId};
use tiktickets_domain::store::messages::MessagePatch;
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- MessageStore

#[tokio::test]
async fn message_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            let missing_message = MessageId::generate();
            m.hidden(
                &w("messages.get(B's message)"),
                s.messages.get(&cx, &b.message.id).await,
                s.messages.get(&cx, &missing_message).await,
            );
            m.hidden(
                &w("messages.find_by_provider_id(B's WhatsApp id)"),
                s.messages.find_by_provider_id(&cx, &b.provider_id).await,
                s.messages.find_by_provider_id(&cx, "wamid.nowhere").await,
            );
            assert_eq!(
                s.messages.find_by_provider_id(&cx, &b.provider_id).await,
                Ok(None),
                "[{backend}] {who}"
            );
            m.hidden(
                &w("messages.list_for_ticket(B's ticket)"),
                s.messages
                    .list_for_ticket(&cx, b.ticket.id, big_page())
                    .await,
                s.messages
                    .list_for_ticket(&cx, missing_ticket(), big_page())
                    .await,
            );

            // insert into B's ticket, with and without B's WhatsApp id.
            m.denied_as_missing(
                &w("messages.insert(B's ticket)"),
                s.messages
                    .insert(&cx, inbound_message(b.ticket.id, None, None, "hijack"))
                    .await,
                s.messages
                    .insert(&cx, inbound_message(missing_ticket(), None, None, "hijack"))
                    .await,
            )
            .await;
            m.denied(
                &w("messages.insert(B's ticket, B's contact, B's WhatsApp id)"),
                s.messages
                    .insert(
                        &cx,
                        inbound_message(
                            b.ticket.id,
                            Some(b.contact.id),
                            Some(&b.provider_id),
                            "replay",
                        ),
                    )
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("messages.insert(B's ticket, fresh WhatsApp id)"),
                s.messages
                    .insert(
                        &cx,
                        inbound_message(b.ticket.id, None, Some("wamid.fresh.1"), "x"),
                    )
                    .await,
                s.messages
                    .insert(
                        &cx,
                        inbound_message(missing_ticket(), None, Some("wamid.fresh.1"), "x"),
                    )
                    .await,
            )
            .await;
            // insert into A's ticket naming B's contact, user or quoted message.
            m.denied_as_missing(
                &w("messages.insert(A's ticket, B's contact)"),
                s.messages
                    .insert(
                        &cx,
                        inbound_message(a.ticket.id, Some(b.contact.id), None, "x"),
                    )
                    .await,
                s.messages
                    .insert(
                        &cx,
                        inbound_message(a.ticket.id, Some(missing_contact()), None, "x"),
                    )
                    .await,
            )
            .await;
            let with_user = |user: UserId| {
                let mut msg = inbound_message(a.ticket.id, None, None, "x");
                msg.from_me = true;
                msg.user_id = Some(user);
                msg
            };
            m.denied_as_missing(
                &w("messages.insert(A's ticket, B's user)"),
                s.messages.insert(&cx, with_user(b.agent.id)).await,
                s.messages.insert(&cx, with_user(missing_user())).await,
            )
            .await;
            let quoting = |quoted: &MessageId| {
                let mut msg = inbound_message(a.ticket.id, None, None, "x");
                msg.quoted_msg_id = Some(quoted.clone());
                msg
            };
            m.denied_as_missing(
                &w("messages.insert(A's ticket, quoting B's message)"),
                s.messages.insert(&cx, quoting(&b.message.id)).await,
                s.messages.insert(&cx, quoting(&missing_message)).await,
            )
            .await;

            let patch = MessagePatch {
                message_id: Some("wamid.hijacked".to_owned()),
                ack: Some(MessageAck::Read),
                status: Some(tiktickets_domain::enums::MessageStatus::Canceled),
                edited: Some("hijacked".to_owned()),
                is_deleted: Some(true),
                read: Some(true),
                protocol_number: Some("(X)-1".to_owned()),
                send_error: Some("hijacked".to_owned()),
            };
            m.denied_as_missing(
                &w("messages.update(B's message)"),
                s.messages.update(&cx, &b.message.id, patch.clone()).await,
                s.messages.update(&cx, &missing_message, patch).await,
            )
            .await;
            m.denied_as_missing(
                &w("messages.mark_ticket_read(B's ticket)"),
                s.messages.mark_ticket_read(&cx, b.ticket.id).await,
                s.messages.mark_ticket_read(&cx, missing_ticket()).await,
            )
            .await;
            m.denied_as_missing(
                &w("messages.delete(B's message)"),
                s.messages.delete(&cx, &b.message.id).await,
                s.messages.delete(&cx, &missing_message).await,
            )
            .await;
        }

        // A legitimately marking its own ticket read touches only A's message.
        let changed = s
            .messages
            .mark_ticket_read(&a.cx, a.ticket.id)
            .await
            .expect("mark read");
        assert_eq!(changed, 1, "[{backend}] only A's one unread message");
        m.b_unchanged("messages.mark_ticket_read(A's ticket)").await;
    }
}

#[tokio::test]
async fn provider_id_lookups_are_per_tenant() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let backend = m.backend();
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            assert_eq!(
                s.messages.find_by_provider_id(&cx, &b.provider_id).await,
                Ok(None),
                "[{backend}] {who}: B's WhatsApp id from A"
            );
            assert_eq!(
                s.messages
                    .find_by_provider_id(&cx, &a.provider_id)
                    .await
                    .expect("find")
                    .map(|x| x.id),
                Some(a.message.id.clone()),
                "[{backend}] {who}: A's own WhatsApp id"
            );
        }
        // The same WhatsApp id delivered to A is a new row of A, not a duplicate of B's.
        let stored = s
            .messages
            .insert(
                &a.system_cx,
                inbound_message(
                    a.ticket.id,
                    Some(a.contact.id),
                    Some(&b.provider_id),
                    "same id",
                ),
            )
            .await
            .expect("insert B's WhatsApp id into A");
        assert!(!stored.duplicate, "[{backend}] not a duplicate of B's row");
        assert_ne!(stored.message.id, b.message.id, "[{backend}]");
        assert_eq!(stored.message.tenant_id, a.tenant.id, "[{backend}]");
        let replay = s
            .messages
            .insert(
                &a.system_cx,
                inbound_message(
                    a.ticket.id,
                    Some(a.contact.id),
                    Some(&b.provider_id),
                    "again",
                ),
            )
            .await
            .expect("replay");
        assert!(
            replay.duplicate,
            "[{backend}] second delivery to A is a duplicate"
        );
        assert_eq!(replay.message, stored.message, "[{backend}] ... of A's row");
        assert_eq!(
            s.messages
                .find_by_provider_id(&a.cx, &b.provider_id)
                .await
                .expect("find")
                .map(|x| x.id),
            Some(stored.message.id.clone()),
            "[{backend}] A now finds its own row"
        );
        assert_eq!(
            s.messages
                .find_by_provider_id(&b.cx, &b.provider_id)
                .await
                .expect("find"),
            Some(m.b_before.messages[0].1[0].clone()),
            "[{backend}] B still finds its own row, unchanged"
        );
        m.b_unchanged("messages.insert(A, B's WhatsApp id)").await;
    }
}
