//! One "bench" per backend and queue: a migrated, seeded database, the domain's services on
//! a real job queue, a recording gateway and a recording event publisher.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tiktickets_app::background::DomainJobs;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::clock::SystemClock;
use tiktickets_domain::enums::{MessageAck, SendType, TicketChannel, TicketStatus};
use tiktickets_domain::events::{DomainEvent, RecordingPublisher};
use tiktickets_domain::gateway::{GatewayError, OutboundMessage, SentMessage, WhatsAppGateway};
use tiktickets_domain::ids::{MessageId, TenantId, TicketId};
use tiktickets_domain::jobs::{Job, JobQueue};
use tiktickets_domain::phone::normalize;
use tiktickets_domain::services::Services;
use tiktickets_domain::services::messages::OutboundRequest;
use tiktickets_domain::store::contacts::ContactInput;
use tiktickets_domain::store::messages::Message;
use tiktickets_domain::store::tickets::NewTicket;
use tiktickets_jobs::{
    InProcessJobQueue, JobHandler, RedisJobQueue, RedisQueueConfig, Shutdown, WorkerConfig,
    WorkerHandle, spawn_workers,
};
use tiktickets_persistence::{Db, SeedConfig, build_stores, seed};
use tiktickets_test_support::{TestDb, missing_service};

/// Polls `check` every 50 ms until it is true or `timeout` passes.
pub async fn wait_until<F, Fut>(timeout: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A gateway that records every send and answers with a provider id derived from ours.
#[derive(Default)]
pub struct RecordingGateway {
    calls: Mutex<Vec<MessageId>>,
    permanent: Mutex<Option<String>>,
}

impl RecordingGateway {
    /// How many times `send` was called.
    pub fn count(&self) -> usize {
        self.calls.lock().map(|c| c.len()).unwrap_or(0)
    }

    /// From now on every send fails permanently with `reason`.
    pub fn fail_permanently(&self, reason: &str) {
        if let Ok(mut p) = self.permanent.lock() {
            *p = Some(reason.to_owned());
        }
    }
}

#[async_trait]
impl WhatsAppGateway for RecordingGateway {
    async fn send(
        &self,
        _cx: &TenantCtx,
        message: &OutboundMessage,
    ) -> Result<SentMessage, GatewayError> {
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(message.id.clone());
        }
        if let Some(reason) = self.permanent.lock().ok().and_then(|p| p.clone()) {
            return Err(GatewayError::Permanent(reason));
        }
        Ok(SentMessage {
            provider_id: format!("WA-{}", message.id),
            ack: MessageAck::Server,
        })
    }
}

/// Which queue a bench runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKind {
    /// In process.
    Memory,
    /// Redis Streams.
    Redis,
}

enum Concrete {
    Memory(Arc<InProcessJobQueue>),
    Redis(Arc<RedisJobQueue>, String, String),
}

/// Everything one test run needs.
pub struct Bench {
    pub kind: QueueKind,
    pub services: Services,
    pub queue: Arc<dyn JobQueue>,
    pub gateway: Arc<RecordingGateway>,
    pub cx: TenantCtx,
    events: RecordingPublisher,
    concrete: Concrete,
    ticket: TicketId,
    backend: &'static str,
    _db: TestDb,
}

impl Bench {
    /// In process on every backend, plus Redis on every backend when configured.
    pub async fn all() -> Vec<Bench> {
        let mut benches = Vec::new();
        for db in TestDb::all().await {
            benches.push(Bench::new(db, QueueKind::Memory).await);
        }
        match std::env::var("TEST_REDIS_URL") {
            Ok(_) => {
                for db in TestDb::all().await {
                    benches.push(Bench::new(db, QueueKind::Redis).await);
                }
            }
            Err(_) => missing_service("TEST_REDIS_URL is not set (no Redis)"),
        }
        benches
    }

    /// `queue/backend`, for messages.
    pub fn name(&self) -> String {
        format!("{:?}/{}", self.kind, self.backend)
    }

    async fn new(db: TestDb, kind: QueueKind) -> Bench {
        let conn = Db::connect(db.url()).await.expect("connect");
        conn.migrate_up().await.expect("migrate");
        seed(
            &conn,
            &SeedConfig {
                admin_email: "admin@jobs.test".into(),
                admin_password: Some("admin-pass-1".into()),
                super_email: "super@jobs.test".into(),
                super_password: Some("super-pass-1".into()),
            },
        )
        .await
        .expect("seed");
        let stores = build_stores(&conn);
        let cx = TenantCtx::system(TenantId::from_verified(1));
        let channel = stores
            .channels
            .list(&cx)
            .await
            .expect("channels")
            .into_iter()
            .find(|c| c.is_default)
            .expect("seeded default channel");
        let contact = stores
            .contacts
            .create(
                &cx,
                ContactInput {
                    name: "Cliente".into(),
                    number: Some(normalize("5511987650000").expect("number")),
                    email: None,
                    profile_pic_url: None,
                },
            )
            .await
            .expect("contact");
        let ticket = stores
            .tickets
            .create(
                &cx,
                NewTicket {
                    contact_id: contact.id,
                    whatsapp_id: Some(channel.id),
                    status: TicketStatus::Open,
                    user_id: None,
                    queue_id: None,
                    is_group: false,
                    channel: TicketChannel::Whatsapp,
                    is_active_demand: true,
                },
            )
            .await
            .expect("ticket");
        let concrete = match kind {
            QueueKind::Memory => Concrete::Memory(Arc::new(InProcessJobQueue::default())),
            QueueKind::Redis => {
                let url = std::env::var("TEST_REDIS_URL").expect("redis url");
                let prefix = format!("tt-jobs-e2e:{}", uuid::Uuid::new_v4().simple());
                let config = RedisQueueConfig {
                    prefix: prefix.clone(),
                    visibility_timeout: Duration::from_secs(1),
                    reclaim_every: Duration::from_millis(200),
                    promote_every: Duration::from_millis(100),
                    ..RedisQueueConfig::default()
                };
                Concrete::Redis(
                    Arc::new(RedisJobQueue::connect(&url, config).expect("redis queue")),
                    url,
                    prefix,
                )
            }
        };
        let queue: Arc<dyn JobQueue> = match &concrete {
            Concrete::Memory(q) => q.clone(),
            Concrete::Redis(q, _, _) => q.clone(),
        };
        let events = RecordingPublisher::default();
        let gateway = Arc::new(RecordingGateway::default());
        let services = Services::new(
            stores,
            Arc::new(events.clone()),
            queue.clone(),
            Arc::new(SystemClock),
        )
        .with_gateway(gateway.clone());
        Bench {
            kind,
            services,
            queue,
            gateway,
            cx,
            events,
            concrete,
            ticket: ticket.id,
            backend: db.backend_name(),
            _db: db,
        }
    }

    /// Workers running the app's own job handler.
    pub fn spawn_domain_workers(&self, shutdown: Shutdown) -> WorkerHandle {
        self.spawn_workers_with(
            Arc::new(DomainJobs {
                services: self.services.clone(),
            }),
            shutdown,
        )
    }

    /// Workers running `handler`.
    pub fn spawn_workers_with(
        &self,
        handler: Arc<dyn JobHandler>,
        shutdown: Shutdown,
    ) -> WorkerHandle {
        let config = WorkerConfig {
            concurrency: 2,
            ..WorkerConfig::default()
        };
        match &self.concrete {
            Concrete::Memory(q) => spawn_workers(q.clone(), handler, config, shutdown),
            Concrete::Redis(q, _, _) => spawn_workers(q.clone(), handler, config, shutdown),
        }
    }

    async fn send(&self, body: &str, schedule_date: Option<DateTime<Utc>>) -> MessageId {
        let stored = self
            .services
            .send_message(
                &self.cx,
                self.ticket,
                OutboundRequest {
                    body: body.into(),
                    media: Vec::new(),
                    quoted: None,
                    schedule_date,
                    send_type: SendType::Chat,
                    id_front: None,
                },
            )
            .await
            .expect("send");
        stored[0].id.clone()
    }

    /// An agent's text, through the outbox.
    pub async fn send_text(&self, body: &str) -> MessageId {
        self.send(body, None).await
    }

    /// A scheduled text.
    pub async fn send_scheduled(&self, body: &str, at: DateTime<Utc>) -> MessageId {
        self.send(body, Some(at)).await
    }

    /// The stored message.
    pub async fn message(&self, id: &MessageId) -> Message {
        self.services
            .stores
            .messages
            .get(&self.cx, id)
            .await
            .expect("message")
    }

    /// The send job of a message.
    pub fn job(&self, id: &MessageId) -> Job {
        Job::SendMessage {
            tenant: self.cx.tenant(),
            message: id.clone(),
        }
    }

    /// `chat:ack` events published so far.
    pub fn acks_published(&self) -> usize {
        self.events
            .events()
            .iter()
            .filter(|e| matches!(e, DomainEvent::MessageAck { .. }))
            .count()
    }

    /// Deletes every key of this bench's Redis queue (Redis "losing" the queue).
    pub async fn flush_queue(&self) {
        let Concrete::Redis(_, url, prefix) = &self.concrete else {
            return;
        };
        let client = deadpool_redis::redis::Client::open(url.as_str()).expect("client");
        let mut conn = client
            .get_multiplexed_async_connection()
            .await
            .expect("redis connection");
        let keys: Vec<String> = deadpool_redis::redis::cmd("KEYS")
            .arg(format!("{prefix}*"))
            .query_async(&mut conn)
            .await
            .expect("keys");
        for key in keys {
            let _: i64 = deadpool_redis::redis::cmd("DEL")
                .arg(&key)
                .query_async(&mut conn)
                .await
                .expect("del");
        }
    }
}
