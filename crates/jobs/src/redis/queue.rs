//! [`RedisJobQueue`]: construction and the producer side (the domain's `JobQueue` port).

use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_redis::redis;
use deadpool_redis::{Pool, PoolConfig, Runtime, Timeouts};
use tiktickets_domain::Result;
use tiktickets_domain::jobs::{Job, JobQueue};

use super::config::RedisQueueConfig;
use super::keys::Keys;
use super::scripts::Scripts;
use crate::clock::{ms, now_ms};
use crate::envelope::Envelope;
use crate::error::JobsError;

/// Longest wait for a pooled connection, a new connection or a recycle check.
const POOL_TIMEOUT: Duration = Duration::from_secs(5);

/// The job queue on Redis Streams. Clones share the pool.
#[derive(Debug, Clone)]
pub struct RedisJobQueue {
    pub(super) pool: Pool,
    pub(super) keys: Keys,
    pub(super) config: Arc<RedisQueueConfig>,
    pub(super) scripts: Arc<Scripts>,
    /// When idle consumers were last pruned (ms; shared by clones).
    pub(super) last_prune_ms: Arc<AtomicI64>,
}

impl RedisJobQueue {
    /// A queue on the Redis server at `url`, with its own pool of `config.pool_size`
    /// connections. Nothing connects yet; a malformed URL is an error.
    pub fn connect(url: &str, config: RedisQueueConfig) -> Result<Self, JobsError> {
        let mut pool_config = deadpool_redis::Config::from_url(url);
        pool_config.pool = Some(PoolConfig {
            max_size: config.pool_size.max(2),
            timeouts: Timeouts {
                wait: Some(POOL_TIMEOUT),
                create: Some(POOL_TIMEOUT),
                recycle: Some(POOL_TIMEOUT),
            },
            ..PoolConfig::default()
        });
        let pool = pool_config
            .create_pool(Some(Runtime::Tokio1))
            .map_err(|e| JobsError::Config(e.to_string()))?;
        Ok(Self::with_pool(pool, config))
    }

    /// A queue on an existing pool (size it for the worker loops, see
    /// [`RedisQueueConfig::pool_size`]).
    pub fn with_pool(pool: Pool, config: RedisQueueConfig) -> Self {
        RedisJobQueue {
            pool,
            keys: Keys::new(&config.prefix),
            config: Arc::new(config),
            scripts: Arc::new(Scripts::new()),
            last_prune_ms: Arc::new(AtomicI64::new(0)),
        }
    }

    /// The queue's settings.
    pub fn config(&self) -> &RedisQueueConfig {
        &self.config
    }

    /// The connection pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Accepts `job` to run at `run_at_ms` (now when `None`) unless it is held already.
    /// True when accepted.
    async fn push(&self, job: &Job, run_at_ms: Option<i64>) -> Result<bool, JobsError> {
        let kind = job.kind();
        let envelope = Envelope::new(job, Utc::now()).to_json()?;
        let delay = run_at_ms.map_or(0, |at| at.saturating_sub(now_ms()).max(0));
        let delay = Duration::from_millis(u64::try_from(delay).unwrap_or(0));
        let mut conn = self.pool.get().await?;
        let accepted: i64 = self
            .scripts
            .enqueue
            .key(self.keys.held(&job.dedupe_key()))
            .key(self.keys.stream(kind))
            .key(self.keys.delayed(kind))
            .arg(envelope)
            .arg(ms(self.config.held_ttl(delay)))
            .arg(run_at_ms.map(|at| at.to_string()).unwrap_or_default())
            .arg(self.config.max_len)
            .invoke_async(&mut conn)
            .await?;
        if accepted == 0 {
            tracing::debug!(kind, "job already held by the queue; not enqueued again");
        }
        Ok(accepted == 1)
    }
}

#[async_trait]
impl JobQueue for RedisJobQueue {
    async fn enqueue(&self, job: Job) -> Result<()> {
        self.push(&job, None).await?;
        Ok(())
    }

    async fn enqueue_at(&self, job: Job, at: DateTime<Utc>) -> Result<()> {
        let at = at.timestamp_millis();
        let run_at = (at > now_ms()).then_some(at);
        self.push(&job, run_at).await?;
        Ok(())
    }

    async fn holds(&self, job: &Job) -> Result<bool> {
        let mut conn = self.pool.get().await.map_err(JobsError::from)?;
        let held: bool = redis::cmd("EXISTS")
            .arg(self.keys.held(&job.dedupe_key()))
            .query_async(&mut conn)
            .await
            .map_err(JobsError::from)?;
        Ok(held)
    }
}
