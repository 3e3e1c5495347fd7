//! Fakes and helpers of the jobs suites (`jobs_*.rs`): a gateway and a job queue that record
//! what they are asked, a clock the test moves, the services wired to them, and raw updates
//! that age rows through the test's own connection.

#![allow(
    dead_code,
    reason = "each jobs_* test binary uses a different subset of the fixtures"
)]
#![allow(
    clippy::expect_used,
    reason = "test fixtures: a broken fixture must stop the test"
)]

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use tiktickets_domain::Result;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::clock::Clock;
use tiktickets_domain::enums::{MessageAck, SendType};
use tiktickets_domain::events::{DomainEvent, RecordingPublisher};
use tiktickets_domain::gateway::{GatewayError, OutboundMessage, SentMessage, WhatsAppGateway};
use tiktickets_domain::ids::{MessageId, TenantId, TicketId};
use tiktickets_domain::jobs::{Job, JobQueue};
use tiktickets_domain::services::Services;
use tiktickets_domain::services::messages::OutboundRequest;
use tiktickets_domain::store::messages::Message;
use tiktickets_test_support::TestDb;

use crate::support_crud::Env;

// ---------------------------------------------------------------------------------------------
// Fakes
// ---------------------------------------------------------------------------------------------

/// How the fake gateway answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Sends.
    Send,
    /// Fails, worth a retry.
    Transient,
    /// Fails for good.
    Permanent,
}

/// Records every send; answers as told.
pub struct FakeGateway {
    calls: Mutex<Vec<OutboundMessage>>,
    answer: Mutex<Answer>,
}

impl FakeGateway {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            calls: Mutex::new(Vec::new()),
            answer: Mutex::new(Answer::Send),
        })
    }

    pub fn answer(&self, answer: Answer) {
        *self.answer.lock().expect("lock") = answer;
    }

    pub fn calls(&self) -> Vec<OutboundMessage> {
        self.calls.lock().expect("lock").clone()
    }
}

#[async_trait]
impl WhatsAppGateway for FakeGateway {
    async fn send(
        &self,
        _cx: &TenantCtx,
        message: &OutboundMessage,
    ) -> std::result::Result<SentMessage, GatewayError> {
        self.calls.lock().expect("lock").push(message.clone());
        match *self.answer.lock().expect("lock") {
            Answer::Send => Ok(SentMessage {
                provider_id: format!("WA-{}", message.id),
                ack: MessageAck::Server,
            }),
            Answer::Transient => Err(GatewayError::Transient("session restarting".into())),
            Answer::Permanent => Err(GatewayError::Permanent("number not on WhatsApp".into())),
        }
    }
}

/// Records every enqueue; holds what it is told to hold.
#[derive(Default)]
pub struct RecordingQueue {
    enqueued: Mutex<Vec<(Job, Option<DateTime<Utc>>)>>,
    held: Mutex<HashSet<Job>>,
}

impl RecordingQueue {
    pub fn enqueued(&self) -> Vec<(Job, Option<DateTime<Utc>>)> {
        self.enqueued.lock().expect("lock").clone()
    }

    pub fn clear(&self) {
        self.enqueued.lock().expect("lock").clear();
    }

    pub fn hold(&self, job: Job) {
        self.held.lock().expect("lock").insert(job);
    }
}

#[async_trait]
impl JobQueue for RecordingQueue {
    async fn enqueue(&self, job: Job) -> Result<()> {
        self.enqueued.lock().expect("lock").push((job, None));
        Ok(())
    }

    async fn enqueue_at(&self, job: Job, at: DateTime<Utc>) -> Result<()> {
        self.enqueued.lock().expect("lock").push((job, Some(at)));
        Ok(())
    }

    async fn holds(&self, job: &Job) -> Result<bool> {
        Ok(self.held.lock().expect("lock").contains(job))
    }
}

/// A clock that tells `Utc::now()` plus an offset the test moves.
#[derive(Default)]
pub struct ShiftedClock {
    offset: Mutex<Duration>,
}

impl ShiftedClock {
    pub fn shift(&self, by: Duration) {
        *self.offset.lock().expect("lock") = by;
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.offset.lock().expect("lock")
    }
}

/// The stores of `env` behind the services, with the fakes.
pub struct Kit {
    /// The services under test.
    pub services: Services,
    /// The gateway.
    pub gateway: Arc<FakeGateway>,
    /// The queue.
    pub queue: Arc<RecordingQueue>,
    /// Every published event.
    pub events: Arc<RecordingPublisher>,
    /// The services' clock.
    pub clock: Arc<ShiftedClock>,
}

impl Kit {
    pub fn new(env: &Env) -> Kit {
        let gateway = FakeGateway::new();
        let queue = Arc::new(RecordingQueue::default());
        let events = Arc::new(RecordingPublisher::default());
        let clock = Arc::new(ShiftedClock::default());
        let services = Services::new(
            env.stores.clone(),
            events.clone(),
            queue.clone(),
            clock.clone(),
        )
        .with_gateway(gateway.clone());
        Kit {
            services,
            gateway,
            queue,
            events,
            clock,
        }
    }

    pub fn updates_of(&self, id: &MessageId) -> Vec<Message> {
        self.events
            .events()
            .into_iter()
            .filter_map(|e| match e {
                DomainEvent::MessageUpdated { message } if message.id == *id => Some(*message),
                _ => None,
            })
            .collect()
    }

    pub fn acks_of(&self, id: &MessageId) -> Vec<MessageAck> {
        self.events
            .events()
            .into_iter()
            .filter_map(|e| match e {
                DomainEvent::MessageAck { id: m, ack, .. } if m == *id => Some(ack),
                _ => None,
            })
            .collect()
    }

    /// An agent's text on `ticket`, optionally scheduled.
    pub async fn send(
        &self,
        env: &Env,
        ticket: TicketId,
        body: &str,
        at: Option<DateTime<Utc>>,
    ) -> Message {
        let mut stored = self
            .services
            .send_message(
                &env.cx,
                ticket,
                OutboundRequest {
                    body: body.to_owned(),
                    media: Vec::new(),
                    quoted: None,
                    schedule_date: at,
                    send_type: SendType::Chat,
                    id_front: None,
                },
            )
            .await
            .expect(env.backend);
        stored.pop().expect("one message")
    }
}

pub fn job(tenant: TenantId, message: &Message) -> Job {
    Job::SendMessage {
        tenant,
        message: message.id.clone(),
    }
}

/// Runs one statement with bound values through the test's own connection.
pub async fn raw(tdb: &TestDb, sql_pg: &str, values: Vec<sea_orm::Value>) {
    let conn = Database::connect(tdb.url()).await.expect("connect");
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => sql_pg.to_owned(),
        _ => sql_pg.replace("$1", "?").replace("$2", "?"),
    };
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .expect("raw update");
    conn.close().await.expect("close");
}

/// Sets a ticket's `updatedAt`.
pub async fn age_ticket(tdb: &TestDb, id: TicketId, at: DateTime<Utc>) {
    raw(
        tdb,
        r#"UPDATE "Tickets" SET "updatedAt" = $1 WHERE "id" = $2"#,
        vec![at.into(), id.get().into()],
    )
    .await;
}

/// Sets a message's `createdAt`.
pub async fn age_message(tdb: &TestDb, id: &MessageId, at: DateTime<Utc>) {
    raw(
        tdb,
        r#"UPDATE "Messages" SET "createdAt" = $1 WHERE "id" = $2"#,
        vec![at.into(), id.as_str().into()],
    )
    .await;
}
