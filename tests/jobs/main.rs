//! Background sending end to end: the domain's use cases (outbox, delivery, sweeper) on the
//! real queues — in process always, Redis Streams with `TEST_REDIS_URL` — and a database on
//! each backend. The WhatsApp gateway is a recording test implementation of the domain port.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

mod fixture;

use std::sync::Arc;
use std::time::Duration;

use tiktickets_app::background::DomainJobs;
use tiktickets_domain::enums::{MessageAck, MessageStatus};
use tiktickets_domain::jobs::Job;
use tiktickets_domain::{PlatformCtx, TenantCtx};
use tiktickets_jobs::{JobFailure, JobHandler, Shutdown, WorkerConfig, spawn_workers};

use crate::fixture::{Bench, QueueKind, wait_until};

#[actix_web::test]
async fn an_outbound_message_is_delivered_once_and_recorded() {
    for bench in Bench::all().await {
        let (_trigger, shutdown) = Shutdown::new();
        let workers = bench.spawn_domain_workers(shutdown);
        let message = bench.send_text("Olá!").await;
        assert!(
            wait_until(Duration::from_secs(10), || async {
                bench.gateway.count() == 1
            })
            .await,
            "{}: the message was not sent",
            bench.name()
        );
        assert!(
            wait_until(Duration::from_secs(10), || async {
                bench.message(&message).await.status == Some(MessageStatus::Sended)
            })
            .await,
            "{}: the send was not recorded",
            bench.name()
        );
        let stored = bench.message(&message).await;
        assert_eq!(stored.ack, MessageAck::Server);
        assert_eq!(
            stored.message_id.as_deref(),
            Some(format!("WA-{message}").as_str())
        );
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(bench.gateway.count(), 1, "{}: sent twice", bench.name());
        assert!(bench.acks_published() >= 1, "chat:ack published");
        assert!(!bench.queue.holds(&bench.job(&message)).await.unwrap());
        workers.abort();
    }
}

/// A handler that delivers, then "crashes" before acknowledging (never returns) the first
/// time it runs.
struct DiesBeforeAck {
    inner: DomainJobs,
    died: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl JobHandler for DiesBeforeAck {
    async fn handle(&self, job: &Job) -> Result<(), JobFailure> {
        let result = self.inner.handle(job).await;
        if !self.died.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        result
    }
}

#[actix_web::test]
async fn a_worker_dropped_before_acknowledging_is_replaced_and_the_message_is_sent_once() {
    for bench in Bench::all().await {
        let (_t1, first_shutdown) = Shutdown::new();
        let dying = Arc::new(DiesBeforeAck {
            inner: DomainJobs {
                services: bench.services.clone(),
            },
            died: std::sync::atomic::AtomicBool::new(false),
        });
        let first = bench.spawn_workers_with(dying.clone(), first_shutdown);
        let message = bench.send_text("uma vez só").await;
        // The send is recorded; the worker then dies with the job unacknowledged.
        assert!(
            wait_until(Duration::from_secs(10), || async {
                bench.message(&message).await.status == Some(MessageStatus::Sended)
            })
            .await
        );
        assert_eq!(bench.gateway.count(), 1);
        first.abort();
        assert!(
            bench.queue.holds(&bench.job(&message)).await.unwrap(),
            "still held"
        );
        let (_t2, second_shutdown) = Shutdown::new();
        let second = bench.spawn_workers_with(dying, second_shutdown);
        let job = bench.job(&message);
        let released = wait_until(Duration::from_secs(30), || async {
            !bench.queue.holds(&job).await.unwrap_or(true)
        })
        .await;
        assert!(
            released,
            "{}: the redelivered job was not settled",
            bench.name()
        );
        assert_eq!(
            bench.gateway.count(),
            1,
            "{}: the redelivery sent again",
            bench.name()
        );
        second.abort();
    }
}

#[actix_web::test]
async fn a_scheduled_message_is_not_sent_before_its_time() {
    for bench in Bench::all().await {
        let (_trigger, shutdown) = Shutdown::new();
        let workers = bench.spawn_domain_workers(shutdown);
        let at = chrono::Utc::now() + chrono::Duration::milliseconds(2_500);
        bench.send_scheduled("lembrete", at).await;
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert_eq!(bench.gateway.count(), 0, "{}: sent early", bench.name());
        assert!(
            wait_until(Duration::from_secs(10), || async {
                bench.gateway.count() == 1
            })
            .await
        );
        assert!(chrono::Utc::now() >= at);
        workers.abort();
    }
}

#[actix_web::test]
async fn a_send_lost_by_the_queue_is_recovered_by_the_sweeper() {
    for bench in Bench::all().await {
        if bench.kind != QueueKind::Redis {
            continue;
        }
        // Committed, enqueued... and then Redis loses everything of the queue.
        let message = bench.send_text("não se perde").await;
        bench.flush_queue().await;
        assert!(!bench.queue.holds(&bench.job(&message)).await.unwrap());
        let (_trigger, shutdown) = Shutdown::new();
        let workers = bench.spawn_domain_workers(shutdown);
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert_eq!(
            bench.gateway.count(),
            0,
            "nothing left to deliver without the sweeper"
        );
        let requeued = bench
            .services
            .sweep_outbox(&PlatformCtx::system(), chrono::Duration::zero(), 100)
            .await
            .unwrap();
        assert_eq!(requeued, 1);
        assert!(
            wait_until(Duration::from_secs(10), || async {
                bench.gateway.count() == 1
            })
            .await
        );
        assert!(
            wait_until(Duration::from_secs(10), || async {
                bench.message(&message).await.status == Some(MessageStatus::Sended)
            })
            .await
        );
        // A second sweep finds nothing pending.
        let again = bench
            .services
            .sweep_outbox(&PlatformCtx::system(), chrono::Duration::zero(), 100)
            .await
            .unwrap();
        assert_eq!(again, 0);
        let stored = bench.message(&message).await;
        assert_eq!(stored.status, Some(MessageStatus::Sended));
        workers.abort();
    }
}

#[actix_web::test]
async fn permanent_failures_are_marked_and_not_retried() {
    for bench in Bench::all().await {
        bench.gateway.fail_permanently("number not on WhatsApp");
        let (_trigger, shutdown) = Shutdown::new();
        let workers = bench.spawn_domain_workers(shutdown);
        let message = bench.send_text("para ninguém").await;
        let cx: TenantCtx = bench.cx;
        assert!(
            wait_until(Duration::from_secs(10), || async {
                bench
                    .services
                    .stores
                    .messages
                    .get(&cx, &message)
                    .await
                    .is_ok_and(|m| m.status == Some(MessageStatus::Failed))
            })
            .await
        );
        let stored = bench.message(&message).await;
        assert_eq!(stored.ack, MessageAck::Error);
        assert_eq!(stored.send_error.as_deref(), Some("number not on WhatsApp"));
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert_eq!(
            bench.gateway.count(),
            1,
            "a permanent failure is not retried"
        );
        workers.abort();
    }
}

#[actix_web::test]
async fn workers_share_the_configuration_defaults() {
    // Guards the wiring: the app's workers use the same concurrency setting type.
    let config = WorkerConfig::default();
    assert!(config.concurrency >= 1);
    let _ = spawn_workers::<tiktickets_jobs::InProcessJobQueue>;
}
