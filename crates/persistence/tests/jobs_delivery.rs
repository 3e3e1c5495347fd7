//! The outbox use cases (issue 5) on the real stores, every backend: `deliver_message` (sent
//! once, idempotent under redelivery; transient, permanent, scheduled, closed ticket, no
//! number) and `sweep_outbox` (re-enqueues what the queue lost). The gateway and the queue are
//! fakes that record what they are asked.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_crud;
mod support_jobs;

use chrono::{Duration, Utc};
use support_crud::*;
use support_jobs::*;
use tiktickets_domain::enums::{MessageAck, MessageStatus, TicketStatus};
use tiktickets_domain::ids::MessageId;
use tiktickets_domain::jobs::Job;
use tiktickets_domain::services::tickets::TicketChange;
use tiktickets_domain::services::{Delivery, DeliveryError};
use tiktickets_domain::store::tickets::TicketPatch;
use tiktickets_domain::{PlatformCtx, TenantCtx};
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------------------------------------
// deliver_message
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_message_is_sent_once_even_when_the_job_is_delivered_twice() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let (contact, channel, ticket) = env.contact_channel_ticket().await;
        let message = kit.send(&env, ticket.id, "Hello", None).await;
        assert_eq!(
            kit.queue.enqueued(),
            vec![(job(env.tenant, &message), None)],
            "{b}: enqueued at once"
        );

        let worker = TenantCtx::system(env.tenant);
        let first = kit.services.deliver_message(&worker, &message.id).await;
        let Ok(Delivery::Sent(sent)) = first else {
            panic!("{b}: expected Sent, got {first:?}");
        };
        let provider = format!("WA-{}", message.id);
        assert_eq!(sent.message_id.as_deref(), Some(provider.as_str()), "{b}");
        assert_eq!(sent.ack, MessageAck::Server, "{b}");
        assert_eq!(sent.status, Some(MessageStatus::Sended), "{b}");
        assert_eq!(
            env.stores
                .messages
                .get(&env.cx, &message.id)
                .await
                .expect(b),
            *sent,
            "{b}: stored"
        );
        let calls = kit.gateway.calls();
        assert_eq!(calls.len(), 1, "{b}");
        assert_eq!(calls[0].id, message.id, "{b}");
        assert_eq!(calls[0].channel, channel.id, "{b}");
        assert_eq!(Some(calls[0].to.clone()), contact.number, "{b}");
        assert!(!calls[0].is_group, "{b}");
        assert_eq!(calls[0].body, "Hello", "{b}");
        assert_eq!(calls[0].media_file, None, "{b}");
        assert_eq!(kit.updates_of(&message.id), vec![(*sent).clone()], "{b}");
        assert_eq!(kit.acks_of(&message.id), vec![MessageAck::Server], "{b}");

        // Redelivery: nothing happens, the gateway is not called again.
        let again = kit.services.deliver_message(&worker, &message.id).await;
        assert_eq!(again, Ok(Delivery::AlreadyDone), "{b}");
        assert_eq!(kit.gateway.calls().len(), 1, "{b}");
        assert_eq!(kit.updates_of(&message.id).len(), 1, "{b}");
    }
}

#[tokio::test]
async fn a_transient_failure_leaves_the_message_pending() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let message = kit.send(&env, ticket.id, "Hello", None).await;
        kit.gateway.answer(Answer::Transient);

        let worker = TenantCtx::system(env.tenant);
        let result = kit.services.deliver_message(&worker, &message.id).await;
        assert_eq!(
            result,
            Err(DeliveryError::Transient("session restarting".into())),
            "{b}"
        );
        assert!(result.is_err_and(|e| e.is_transient()), "{b}");
        let stored = env
            .stores
            .messages
            .get(&env.cx, &message.id)
            .await
            .expect(b);
        assert_eq!(stored, message, "{b}: nothing written");
        assert!(kit.updates_of(&message.id).is_empty(), "{b}");

        // The retry sends it.
        kit.gateway.answer(Answer::Send);
        let retry = kit.services.deliver_message(&worker, &message.id).await;
        assert!(matches!(retry, Ok(Delivery::Sent(_))), "{b}: {retry:?}");
        assert_eq!(kit.gateway.calls().len(), 2, "{b}");
    }
}

#[tokio::test]
async fn a_permanent_failure_marks_the_message_failed_with_the_reason() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let message = kit.send(&env, ticket.id, "Hello", None).await;
        kit.gateway.answer(Answer::Permanent);

        let worker = TenantCtx::system(env.tenant);
        let result = kit.services.deliver_message(&worker, &message.id).await;
        assert_eq!(
            result,
            Err(DeliveryError::Permanent("number not on WhatsApp".into())),
            "{b}"
        );
        let stored = env
            .stores
            .messages
            .get(&env.cx, &message.id)
            .await
            .expect(b);
        assert_eq!(stored.ack, MessageAck::Error, "{b}");
        assert_eq!(stored.status, Some(MessageStatus::Failed), "{b}");
        assert_eq!(
            stored.send_error.as_deref(),
            Some("number not on WhatsApp"),
            "{b}"
        );
        assert_eq!(stored.message_id, None, "{b}");
        assert_eq!(kit.updates_of(&message.id), vec![stored], "{b}");
        assert!(kit.acks_of(&message.id).is_empty(), "{b}");

        // A failed message is done: a redelivered job does not try again.
        kit.gateway.answer(Answer::Send);
        let again = kit.services.deliver_message(&worker, &message.id).await;
        assert_eq!(again, Ok(Delivery::AlreadyDone), "{b}");
        assert_eq!(kit.gateway.calls().len(), 1, "{b}");
    }
}

#[tokio::test]
async fn a_scheduled_message_waits_for_its_time() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let at = Utc::now() + Duration::hours(2);
        let message = kit.send(&env, ticket.id, "Later", Some(at)).await;
        let stored_at = message.schedule_date.expect("scheduled");
        assert_eq!(
            kit.queue.enqueued(),
            vec![(job(env.tenant, &message), Some(stored_at))],
            "{b}: enqueued for its time"
        );

        let worker = TenantCtx::system(env.tenant);
        let early = kit.services.deliver_message(&worker, &message.id).await;
        assert_eq!(early, Ok(Delivery::NotYet(stored_at)), "{b}");
        assert!(kit.gateway.calls().is_empty(), "{b}");

        kit.clock.shift(Duration::hours(3));
        let due = kit.services.deliver_message(&worker, &message.id).await;
        assert!(matches!(due, Ok(Delivery::Sent(_))), "{b}: {due:?}");
        assert_eq!(kit.gateway.calls().len(), 1, "{b}");
    }
}

#[tokio::test]
async fn closed_tickets_take_only_the_farewell_and_other_tenants_see_nothing() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let message = kit.send(&env, ticket.id, "Too late", None).await;
        let farewell = kit.send(&env, ticket.id, "Bye", None).await;
        let close = |farewell: bool| TicketPatch {
            status: Some(TicketStatus::Closed),
            is_farewell_message: Some(farewell),
            ..TicketPatch::default()
        };
        env.stores
            .tickets
            .update(&env.cx, ticket.id, close(false))
            .await
            .expect(b);

        // Another tenant's worker context finds nothing.
        let (tenant_b, _) = env.other_tenant("Tenant B", "admin@b.example").await;
        let other = kit
            .services
            .deliver_message(&TenantCtx::system(tenant_b), &message.id)
            .await;
        assert_eq!(other, Ok(Delivery::Gone), "{b}");

        let worker = TenantCtx::system(env.tenant);
        let result = kit.services.deliver_message(&worker, &message.id).await;
        assert_eq!(
            result,
            Err(DeliveryError::Permanent("ticket closed".into())),
            "{b}"
        );
        let stored = env
            .stores
            .messages
            .get(&env.cx, &message.id)
            .await
            .expect(b);
        assert_eq!(stored.status, Some(MessageStatus::Failed), "{b}");
        assert_eq!(stored.send_error.as_deref(), Some("ticket closed"), "{b}");
        assert!(kit.gateway.calls().is_empty(), "{b}");

        env.stores
            .tickets
            .update(&env.cx, ticket.id, close(true))
            .await
            .expect(b);
        let sent = kit.services.deliver_message(&worker, &farewell.id).await;
        assert!(matches!(sent, Ok(Delivery::Sent(_))), "{b}: {sent:?}");

        // A deleted message is gone.
        let gone = kit
            .services
            .deliver_message(&worker, &MessageId::generate())
            .await;
        assert_eq!(gone, Ok(Delivery::Gone), "{b}");
    }
}

#[tokio::test]
async fn a_contact_without_number_is_a_permanent_failure() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let contact = env
            .stores
            .contacts
            .create(&env.cx, contact_input("No number", None))
            .await
            .expect(b);
        let channel = env.channel("Main").await;
        let ticket = env.ticket(contact.id, channel.id, TicketStatus::Open).await;
        let message = kit.send(&env, ticket.id, "Hello?", None).await;
        let result = kit
            .services
            .deliver_message(&TenantCtx::system(env.tenant), &message.id)
            .await;
        assert!(
            matches!(&result, Err(DeliveryError::Permanent(r)) if r.contains("no number")),
            "{b}: {result:?}"
        );
        assert!(kit.gateway.calls().is_empty(), "{b}");
        let stored = env
            .stores
            .messages
            .get(&env.cx, &message.id)
            .await
            .expect(b);
        assert_eq!(stored.ack, MessageAck::Error, "{b}");
    }
}

// ---------------------------------------------------------------------------------------------
// sweep_outbox
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_sweeper_re_enqueues_overdue_messages_the_queue_does_not_hold() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let (_, _, ticket) = env.contact_channel_ticket().await;
        let lost = kit.send(&env, ticket.id, "lost", None).await;
        let held = kit.send(&env, ticket.id, "held", None).await;
        let sent = kit.send(&env, ticket.id, "sent", None).await;
        let scheduled = kit
            .send(
                &env,
                ticket.id,
                "later",
                Some(Utc::now() + Duration::hours(2)),
            )
            .await;
        let worker = TenantCtx::system(env.tenant);
        assert!(matches!(
            kit.services.deliver_message(&worker, &sent.id).await,
            Ok(Delivery::Sent(_))
        ));
        kit.queue.hold(job(env.tenant, &held));
        kit.queue.clear();

        // Nothing is overdue yet.
        let p = PlatformCtx::system();
        let age = Duration::minutes(30);
        assert_eq!(kit.services.sweep_outbox(&p, age, 100).await, Ok(0), "{b}");
        assert!(kit.queue.enqueued().is_empty(), "{b}");

        // An hour later the unsent, unscheduled messages are overdue; the held one is left.
        kit.clock.shift(Duration::hours(1));
        assert_eq!(kit.services.sweep_outbox(&p, age, 100).await, Ok(1), "{b}");
        assert_eq!(
            kit.queue.enqueued(),
            vec![(job(env.tenant, &lost), None)],
            "{b}"
        );

        // Three hours later the scheduled one too.
        kit.queue.clear();
        kit.clock.shift(Duration::hours(3));
        assert_eq!(kit.services.sweep_outbox(&p, age, 100).await, Ok(2), "{b}");
        let enqueued: Vec<Job> = kit.queue.enqueued().into_iter().map(|(j, _)| j).collect();
        assert_eq!(
            enqueued,
            vec![job(env.tenant, &lost), job(env.tenant, &scheduled)],
            "{b}"
        );
    }
}

#[tokio::test]
async fn the_farewell_of_an_agents_close_is_delivered_on_the_closed_ticket() {
    for tdb in TestDb::all().await {
        let env = Env::new(&tdb).await;
        let b = env.backend;
        let kit = Kit::new(&env);
        let contact = env.contact("Leaving", "5511977776666").await;
        let mut input = channel_input("With farewell", false);
        input.farewell_message = Some("Bye {name}".into());
        let channel = env.stores.channels.create(&env.cx, input).await.expect(b);
        let ticket = env.ticket(contact.id, channel.id, TicketStatus::Open).await;
        let closed = kit
            .services
            .update_ticket(
                &env.cx,
                ticket.id,
                TicketChange {
                    status: Some(TicketStatus::Closed),
                    ..Default::default()
                },
            )
            .await
            .expect(b);
        assert!(closed.ticket.is_farewell_message, "{b}");
        assert_eq!(closed.ticket.status, TicketStatus::Closed, "{b}");
        let enqueued = kit.queue.enqueued();
        let [(Job::SendMessage { tenant, message }, None)] = enqueued.as_slice() else {
            panic!("{b}: one farewell job expected, got {enqueued:?}");
        };
        assert_eq!(*tenant, env.tenant, "{b}");

        let sent = kit
            .services
            .deliver_message(&TenantCtx::system(env.tenant), message)
            .await;
        let Ok(Delivery::Sent(sent)) = sent else {
            panic!("{b}: expected Sent, got {sent:?}");
        };
        assert_eq!(sent.body, "Bye Leaving", "{b}");
        assert_eq!(kit.gateway.calls().len(), 1, "{b}");
    }
}
