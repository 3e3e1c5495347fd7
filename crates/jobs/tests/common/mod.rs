//! Shared fixtures: both queues on short timings, a scriptable handler, polling helpers.

#![allow(dead_code, reason = "each test binary uses a part of the fixtures")]
#![allow(
    clippy::expect_used,
    reason = "test fixtures: a broken fixture must stop the test"
)]

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use deadpool_redis::redis;
use tiktickets_domain::ids::{MessageId, TenantId};
use tiktickets_domain::jobs::Job;
use tiktickets_jobs::{
    InProcessConfig, InProcessJobQueue, JobFailure, JobHandler, RedisJobQueue, RedisQueueConfig,
    RetryPolicy,
};
use tokio::sync::Notify;
use tokio::time::Instant;

/// A send-message job for a fresh message of tenant 7.
pub fn job() -> Job {
    Job::SendMessage {
        tenant: TenantId::from_verified(7),
        message: MessageId::generate(),
    }
}

/// Retries fast enough for tests: 3 runs, `base_ms` doubling, ±20 %.
pub fn policy(base_ms: u64) -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(base_ms),
        max_delay: Duration::from_secs(2),
        jitter: 0.2,
    }
}

/// The in-process queue.
pub fn memory_queue(retry: RetryPolicy) -> Arc<InProcessJobQueue> {
    Arc::new(InProcessJobQueue::new(InProcessConfig {
        retry,
        poll: Duration::from_millis(200),
        ..InProcessConfig::default()
    }))
}

/// A Redis queue under a fresh prefix, removed by [`RedisHarness::cleanup`].
pub struct RedisHarness {
    pub queue: Arc<RedisJobQueue>,
    pub prefix: String,
}

/// The Redis URL of the tests, or `None` (a skip, or a failure under `REQUIRE_SERVICES=1`).
pub fn redis_url() -> Option<String> {
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            tiktickets_test_support::missing_service("TEST_REDIS_URL is not set (no Redis)");
            None
        }
    }
}

/// A unique key prefix for one test.
pub fn unique_prefix(what: &str) -> String {
    format!("tt-test:{what}:{}", uuid::Uuid::new_v4().simple())
}

/// The Redis queue with short timings, when Redis is configured.
pub async fn redis_queue(retry: RetryPolicy, visibility: Duration) -> Option<RedisHarness> {
    let url = redis_url()?;
    let prefix = unique_prefix("jobs");
    let config = RedisQueueConfig {
        prefix: prefix.clone(),
        retry,
        visibility_timeout: visibility,
        reclaim_every: Duration::from_millis(100),
        block: Duration::from_millis(100),
        promote_every: Duration::from_millis(20),
        ..RedisQueueConfig::default()
    };
    let queue = RedisJobQueue::connect(&url, config).expect("Redis URL");
    let mut conn = queue.pool().get().await.expect("Redis reachable");
    let _: String = redis::cmd("PING")
        .query_async(&mut conn)
        .await
        .expect("PING");
    Some(RedisHarness {
        queue: Arc::new(queue),
        prefix,
    })
}

impl RedisHarness {
    /// Deletes every key under the test's prefix.
    pub async fn cleanup(&self) {
        delete_prefix(self.queue.pool(), &self.prefix).await;
    }
}

/// Deletes every key starting with `prefix`.
pub async fn delete_prefix(pool: &deadpool_redis::Pool, prefix: &str) {
    let mut conn = pool.get().await.expect("Redis");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut conn)
        .await
        .expect("KEYS");
    if !keys.is_empty() {
        let _: i64 = redis::cmd("DEL")
            .arg(keys)
            .query_async(&mut conn)
            .await
            .expect("DEL");
    }
}

type Script = dyn Fn(&Job, usize) -> Result<(), JobFailure> + Send + Sync;

/// A handler whose result per run is scripted, that records its runs, applies an idempotent
/// side effect on success, and can hold its first run until released.
pub struct TestHandler {
    script: Box<Script>,
    runs: Mutex<Vec<(String, Instant)>>,
    effects: Mutex<HashMap<String, usize>>,
    block_first: AtomicBool,
    pub started: Notify,
    pub gate: Notify,
}

impl TestHandler {
    /// Succeeds every run.
    pub fn ok() -> Arc<Self> {
        Self::scripted(|_, _| Ok(()))
    }

    /// Returns `script(job, run number of this job from 1)`.
    pub fn scripted(
        script: impl Fn(&Job, usize) -> Result<(), JobFailure> + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(TestHandler {
            script: Box::new(script),
            runs: Mutex::new(Vec::new()),
            effects: Mutex::new(HashMap::new()),
            block_first: AtomicBool::new(false),
            started: Notify::new(),
            gate: Notify::new(),
        })
    }

    /// Succeeds, but its very first run waits for `gate` (possibly forever).
    pub fn blocking_first() -> Arc<Self> {
        let handler = Self::ok();
        handler.block_first.store(true, Ordering::SeqCst);
        handler
    }

    /// Every run so far: (dedupe key, start).
    pub fn runs(&self) -> Vec<(String, Instant)> {
        self.runs.lock().expect("lock").clone()
    }

    /// Runs of one job.
    pub fn runs_of(&self, job: &Job) -> Vec<Instant> {
        let key = job.dedupe_key();
        self.runs()
            .into_iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, at)| at)
            .collect()
    }

    /// Jobs whose side effect happened (each counted once: the effect is idempotent).
    pub fn effects(&self) -> usize {
        self.effects.lock().expect("lock").len()
    }

    /// Times the side effect was attempted for `job` (1 when applied once).
    pub fn effect_of(&self, job: &Job) -> usize {
        self.effects
            .lock()
            .expect("lock")
            .get(&job.dedupe_key())
            .copied()
            .unwrap_or(0)
    }
}

#[async_trait]
impl JobHandler for TestHandler {
    async fn handle(&self, job: &Job) -> Result<(), JobFailure> {
        let key = job.dedupe_key();
        let (total, of_job) = {
            let mut runs = self.runs.lock().expect("lock");
            runs.push((key.clone(), Instant::now()));
            let of_job = runs.iter().filter(|(k, _)| *k == key).count();
            (runs.len(), of_job)
        };
        self.started.notify_one();
        if total == 1 && self.block_first.load(Ordering::SeqCst) {
            self.gate.notified().await;
        }
        let result = (self.script)(job, of_job);
        if result.is_ok() {
            // Idempotent: a second success for the same job changes nothing.
            self.effects.lock().expect("lock").entry(key).or_insert(1);
        }
        result
    }
}

/// Polls `check` every 10 ms until it holds; panics after `within`.
pub async fn wait_until<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
