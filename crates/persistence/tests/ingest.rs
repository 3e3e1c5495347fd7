//! Inbound ingest on the real stores, every backend: a message from a new contact becomes a
//! contact, a pending ticket and a stored message with the inbox events; a replay changes
//! nothing; a phone-sent message on a closed ticket leaves it closed; another tenant's same
//! number is another contact; groups follow `ignoreGroupMsg`.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;
mod support_jobs;

use support_crud::*;
use support_jobs::*;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{MediaType, TicketStatus};
use tiktickets_domain::events::DomainEvent;
use tiktickets_domain::ids::WhatsappId;
use tiktickets_domain::services::ingest::{InboundMessage, Ingested};
use tiktickets_domain::store::contacts::InboundContact;
use tiktickets_domain::store::tickets::InboundResolution;
use tiktickets_test_support::TestDb;

fn person(raw: &str, name: &str) -> InboundContact {
    InboundContact {
        number: number(raw),
        name: Some(name.to_owned()),
        pushname: Some(name.to_owned()),
        profile_pic_url: None,
        is_user: Some(true),
        is_wa_contact: Some(true),
    }
}

fn inbound(channel: WhatsappId, from: &str, id: &str, body: &str, from_me: bool) -> InboundMessage {
    InboundMessage {
        channel,
        contact: person(from, "Maria"),
        group: None,
        from_me,
        provider_id: id.to_owned(),
        body: body.to_owned(),
        media_type: MediaType::Chat,
        media_file: None,
        quoted_provider_id: None,
        timestamp: 1_700_000_000,
    }
}

#[tokio::test]
async fn an_inbound_message_creates_contact_ticket_and_message_once() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let channel = env.channel("WhatsApp").await;
        let cx = TenantCtx::system(env.tenant);

        let first = kit
            .services
            .ingest(
                &cx,
                inbound(channel.id, "5511988880000", "WA1", "Oi", false),
            )
            .await
            .expect(b);
        let Ingested::Stored {
            message,
            ticket,
            resolution,
        } = first
        else {
            panic!("{b}: expected Stored, got {first:?}");
        };
        assert_eq!(resolution, InboundResolution::Created, "{b}");
        assert_eq!(ticket.status, TicketStatus::Pending, "{b}");
        assert_eq!(ticket.unread_messages, Some(1), "{b}: counted once");
        assert_eq!(ticket.last_message.as_deref(), Some("Oi"), "{b}");
        assert_eq!(message.message_id.as_deref(), Some("WA1"), "{b}");
        assert!(!message.from_me && !message.read, "{b}");
        let events = kit.events.events();
        assert!(
            events
                .iter()
                .any(|e| matches!(e, DomainEvent::MessageCreated { .. })),
            "{b}: chat:create"
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, DomainEvent::TicketPending { .. })),
            "{b}: notification:new"
        );

        // The same provider id again: nothing changes, nothing is published.
        let published = kit.events.events().len();
        let replay = kit
            .services
            .ingest(
                &cx,
                inbound(channel.id, "5511988880000", "WA1", "Oi", false),
            )
            .await
            .expect(b);
        assert_eq!(replay, Ingested::Duplicate, "{b}");
        assert_eq!(kit.events.events().len(), published, "{b}");
        let again = env.stores.tickets.get(&cx, ticket.id).await.expect(b);
        assert_eq!(again.unread_messages, Some(1), "{b}");

        // A second message on the same ticket counts one more unread.
        let second = kit
            .services
            .ingest(
                &cx,
                inbound(channel.id, "5511988880000", "WA2", "Alô?", false),
            )
            .await
            .expect(b);
        let Ingested::Stored {
            ticket: t2,
            resolution,
            ..
        } = second
        else {
            panic!("{b}: expected Stored");
        };
        assert_eq!(t2.id, ticket.id, "{b}");
        assert_eq!(resolution, InboundResolution::Existing, "{b}");
        assert_eq!(t2.unread_messages, Some(2), "{b}");
    }
}

#[tokio::test]
async fn phone_sent_messages_keep_a_closed_ticket_closed_and_tenants_stay_apart() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let channel = env.channel("WhatsApp").await;
        let cx = TenantCtx::system(env.tenant);
        let own = kit
            .services
            .ingest(
                &cx,
                inbound(channel.id, "5511977770000", "P1", "Bom dia", true),
            )
            .await
            .expect(b);
        let Ingested::Stored {
            ticket, message, ..
        } = own
        else {
            panic!("{b}: expected Stored");
        };
        assert_eq!(
            ticket.status,
            TicketStatus::Closed,
            "{b}: created closed (T-5)"
        );
        assert!(message.from_me && message.contact_id.is_none(), "{b}");
        assert_eq!(ticket.unread_messages.unwrap_or(0), 0, "{b}");

        // Tenant B: the same number and provider id are B's own, and A's channel is unknown.
        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        assert!(
            kit.services
                .ingest(
                    &cx_b,
                    inbound(channel.id, "5511977770000", "P1", "x", false)
                )
                .await
                .is_err(),
            "{b}: another tenant's channel is not found"
        );
        let channel_b = env
            .stores
            .channels
            .create(&cx_b, channel_input("WhatsApp B", true))
            .await
            .expect(b);
        let theirs = kit
            .services
            .ingest(
                &cx_b,
                inbound(channel_b.id, "5511977770000", "P1", "de B", false),
            )
            .await
            .expect(b);
        let Ingested::Stored { ticket: tb, .. } = theirs else {
            panic!("{b}: B's message is B's, not a duplicate of A's");
        };
        assert_ne!(tb.contact_id, ticket.contact_id, "{b}: separate contacts");
        assert_eq!(tb.tenant_id, cx_b.tenant(), "{b}");
    }
}

#[tokio::test]
async fn group_messages_follow_the_ignore_group_setting() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let channel = env.channel("WhatsApp").await;
        let cx = TenantCtx::system(env.tenant);
        let group_msg = |id: &str| InboundMessage {
            group: Some(person("120363012345678901@g.us", "Família")),
            ..inbound(channel.id, "5511966660000", id, "oi grupo", false)
        };
        env.stores
            .settings
            .upsert(&cx, "ignoreGroupMsg", "enabled")
            .await
            .expect(b);
        let ignored = kit.services.ingest(&cx, group_msg("G1")).await.expect(b);
        assert_eq!(ignored, Ingested::IgnoredGroup, "{b}");
        env.stores
            .settings
            .upsert(&cx, "ignoreGroupMsg", "disabled")
            .await
            .expect(b);
        let stored = kit.services.ingest(&cx, group_msg("G2")).await.expect(b);
        let Ingested::Stored {
            ticket, message, ..
        } = stored
        else {
            panic!("{b}: expected Stored");
        };
        assert!(ticket.is_group, "{b}: the ticket belongs to the group");
        assert_ne!(
            ticket.contact_id, message.contact_id,
            "{b}: the sender is the person"
        );
    }
}

#[tokio::test]
async fn acks_edits_and_revokes_change_only_the_tenants_own_message() {
    use tiktickets_domain::enums::MessageAck;

    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let channel = env.channel("WhatsApp").await;
        let cx = TenantCtx::system(env.tenant);
        let (_, cx_b) = env.other_tenant("Tenant B", "admin@b.example").await;
        let channel_b = env
            .stores
            .channels
            .create(&cx_b, channel_input("WhatsApp B", true))
            .await
            .expect(b);
        // The same provider id exists in both tenants.
        for (ctx, ch) in [(&cx, channel.id), (&cx_b, channel_b.id)] {
            kit.services
                .ingest(ctx, inbound(ch, "5511955550000", "SAME", "original", true))
                .await
                .expect(b);
        }

        let acked = kit
            .services
            .apply_ack(&cx, "SAME", MessageAck::Read)
            .await
            .expect(b);
        assert_eq!(acked.map(|m| m.ack), Some(MessageAck::Read), "{b}");
        // Acks never go back.
        let late = kit
            .services
            .apply_ack(&cx, "SAME", MessageAck::Delivered)
            .await
            .expect(b);
        assert!(late.is_none(), "{b}: a late ack is ignored");
        let edited = kit
            .services
            .apply_edit(&cx, "SAME", "corrigido")
            .await
            .expect(b);
        let edited = edited.expect(b);
        assert_eq!(edited.edited.as_deref(), Some("corrigido"), "{b}");
        assert_eq!(edited.body, "original", "{b}: the body stays");
        let revoked = kit
            .services
            .apply_revoke(&cx, "SAME")
            .await
            .expect(b)
            .expect(b);
        assert!(revoked.is_deleted, "{b}");
        assert!(
            kit.services
                .apply_revoke(&cx, "UNKNOWN")
                .await
                .expect(b)
                .is_none(),
            "{b}: unknown ids change nothing"
        );

        // Tenant B's message with the same provider id is untouched.
        let theirs = env
            .stores
            .messages
            .find_by_provider_id(&cx_b, "SAME")
            .await
            .expect(b)
            .expect(b);
        assert_eq!(theirs.ack, MessageAck::Server, "{b}");
        assert!(theirs.edited.is_none() && !theirs.is_deleted, "{b}");
        let events = kit.events.events();
        assert!(
            events.iter().any(|e| matches!(
                e,
                DomainEvent::MessageAck {
                    ack: MessageAck::Read,
                    ..
                }
            )),
            "{b}: chat:ack published"
        );
        assert!(
            events.iter().all(|e| e.tenant() != cx_b.tenant()
                || matches!(
                    e,
                    DomainEvent::MessageCreated { .. }
                        | DomainEvent::TicketUpdated { .. }
                        | DomainEvent::TicketPending { .. }
                )),
            "{b}: no change event for tenant B"
        );
    }
}
