//! Background work of one instance: the send workers on the job queue (Redis Streams when
//! Redis is configured, in process otherwise), and the periodic tasks (outbox sweeper,
//! auto-close) under leases (Redis, or the database), stopped gracefully with the server.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tiktickets_domain::jobs::{Job, JobQueue};
use tiktickets_domain::leases::Leases;
use tiktickets_domain::services::{Delivery, DeliveryError, Services};
use tiktickets_domain::{PlatformCtx, TenantCtx};
use tiktickets_jobs::{
    InProcessConfig, InProcessJobQueue, JobFailure, JobHandler, Periodic, PeriodicTask,
    RedisJobQueue, RedisLeases, RedisQueueConfig, RetryPolicy, SchedulerConfig, SchedulerHandle,
    Shutdown, ShutdownTrigger, TaskError, WorkerConfig, WorkerHandle, spawn_scheduler,
    spawn_workers,
};
use tiktickets_persistence::{Db, DbLeases};

use crate::settings::Settings;

/// The configured job queue, as the domain port and as the workers' source.
#[derive(Clone)]
pub enum Queue {
    /// Redis Streams.
    Redis(Arc<RedisJobQueue>),
    /// In process (the embedded default).
    Memory(Arc<InProcessJobQueue>),
}

impl Queue {
    /// The queue for `settings`: Redis when `redis.url` is set.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Queue> {
        let retry = RetryPolicy {
            max_attempts: settings.jobs.max_attempts,
            ..RetryPolicy::default()
        };
        Ok(
            match Some(settings.redis.url.trim()).filter(|u| !u.is_empty()) {
                Some(url) => {
                    let config = RedisQueueConfig {
                        retry,
                        visibility_timeout: Duration::from_secs(
                            settings.jobs.visibility_timeout_secs,
                        ),
                        pool_size: settings.jobs.workers + 8,
                        ..RedisQueueConfig::default()
                    };
                    Queue::Redis(Arc::new(RedisJobQueue::connect(url, config)?))
                }
                None => Queue::Memory(Arc::new(InProcessJobQueue::new(InProcessConfig {
                    retry,
                    ..InProcessConfig::default()
                }))),
            },
        )
    }

    /// The domain's port.
    pub fn port(&self) -> Arc<dyn JobQueue> {
        match self {
            Queue::Redis(q) => q.clone(),
            Queue::Memory(q) => q.clone(),
        }
    }

    /// Leases for periodic tasks: in Redis with a Redis queue, else in the database.
    fn leases(&self, db: &Db) -> Arc<dyn Leases> {
        match self {
            Queue::Redis(q) => Arc::new(RedisLeases::new(q.pool().clone())),
            Queue::Memory(_) => Arc::new(DbLeases::new(db)),
        }
    }

    /// Leases for channel sessions: only with Redis (several instances); a single process
    /// owns every session without one.
    pub fn session_leases(&self) -> Option<Arc<dyn Leases>> {
        match self {
            Queue::Redis(q) => Some(Arc::new(RedisLeases::new(q.pool().clone()))),
            Queue::Memory(_) => None,
        }
    }

    fn spawn(
        &self,
        handler: Arc<dyn JobHandler>,
        config: WorkerConfig,
        sd: Shutdown,
    ) -> WorkerHandle {
        match self {
            Queue::Redis(q) => spawn_workers(q.clone(), handler, config, sd),
            Queue::Memory(q) => spawn_workers(q.clone(), handler, config, sd),
        }
    }
}

/// Runs jobs with the domain's use cases.
pub struct DomainJobs {
    /// The use cases.
    pub services: Services,
}

#[async_trait]
impl JobHandler for DomainJobs {
    async fn handle(&self, job: &Job) -> Result<(), JobFailure> {
        match job {
            Job::SendMessage { tenant, message } => {
                let cx = TenantCtx::system(*tenant);
                match self.services.deliver_message(&cx, message).await {
                    Ok(Delivery::Sent(_) | Delivery::AlreadyDone | Delivery::Gone) => Ok(()),
                    // Scheduled messages are queued for their time; this only happens when
                    // clocks disagree a little: try again shortly.
                    Ok(Delivery::NotYet(at)) => {
                        Err(JobFailure::Retry(format!("scheduled for {at}")))
                    }
                    Err(DeliveryError::Transient(reason)) => Err(JobFailure::Retry(reason)),
                    Err(DeliveryError::Permanent(reason)) => Err(JobFailure::Fail(reason)),
                }
            }
        }
    }
}

/// Re-enqueues pending messages no queue holds.
struct OutboxSweeper {
    services: Services,
    older_than: chrono::Duration,
}

#[async_trait]
impl PeriodicTask for OutboxSweeper {
    async fn run(&self) -> Result<(), TaskError> {
        let n = self
            .services
            .sweep_outbox(&PlatformCtx::system(), self.older_than, 1_000)
            .await?;
        if n > 0 {
            tracing::info!(requeued = n, "outbox sweeper re-enqueued pending messages");
        }
        Ok(())
    }
}

/// Closes inactive tickets, each tenant by its own period.
struct AutoClose {
    services: Services,
}

#[async_trait]
impl PeriodicTask for AutoClose {
    async fn run(&self) -> Result<(), TaskError> {
        let now = self.services.clock.now();
        for (tenant, closed) in self
            .services
            .auto_close(&PlatformCtx::system(), now)
            .await?
        {
            if closed > 0 {
                tracing::info!(
                    tenant = tenant.get(),
                    closed,
                    "auto-closed inactive tickets"
                );
            }
        }
        Ok(())
    }
}

/// The running background work; stop it with [`Background::shutdown`] (dropping it also
/// signals the stop).
pub struct Background {
    trigger: ShutdownTrigger,
    workers: WorkerHandle,
    scheduler: SchedulerHandle,
}

impl Background {
    /// Starts the workers and the periodic tasks.
    pub fn start(settings: &Settings, queue: &Queue, db: &Db, services: &Services) -> Background {
        let (trigger, shutdown) = Shutdown::new();
        let workers = queue.spawn(
            Arc::new(DomainJobs {
                services: services.clone(),
            }),
            WorkerConfig {
                concurrency: settings.jobs.workers,
                ..WorkerConfig::default()
            },
            shutdown.clone(),
        );
        let sweep_after = i64::try_from(settings.jobs.sweep_after_secs).unwrap_or(i64::MAX / 1000);
        let tasks = vec![
            Periodic::new(
                "outbox-sweeper",
                Duration::from_secs(settings.jobs.sweep_every_secs),
                Arc::new(OutboxSweeper {
                    services: services.clone(),
                    older_than: chrono::Duration::seconds(sweep_after),
                }),
            ),
            Periodic::new(
                "auto-close",
                Duration::from_secs(settings.jobs.auto_close_every_secs),
                Arc::new(AutoClose {
                    services: services.clone(),
                }),
            ),
        ];
        let scheduler = spawn_scheduler(
            queue.leases(db),
            tasks,
            SchedulerConfig::default(),
            shutdown,
        );
        Background {
            trigger,
            workers,
            scheduler,
        }
    }

    /// Stops reading jobs, lets running ones finish (within the grace period) and releases
    /// the leases.
    pub async fn shutdown(self) {
        self.trigger.fire();
        self.workers.join().await;
        self.scheduler.join().await;
    }
}
