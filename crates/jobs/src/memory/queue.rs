//! [`InProcessJobQueue`]: the producer side (the domain's `JobQueue` port) and construction.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tiktickets_domain::Result;
use tiktickets_domain::jobs::{Job, JobQueue};
use tokio::sync::Notify;

use super::state::State;
use crate::policy::RetryPolicy;

/// Settings of the in-process queue.
#[derive(Debug, Clone, PartialEq)]
pub struct InProcessConfig {
    /// Retries and their backoff (the same policy as on Redis).
    pub retry: RetryPolicy,
    /// Longest wait of an idle worker loop before it checks for shutdown again (default 1 s;
    /// enqueues and shutdown wake it earlier).
    pub poll: Duration,
    /// Dead letters kept; the oldest are dropped beyond it (default 10 000).
    pub dead_max_len: usize,
}

impl Default for InProcessConfig {
    fn default() -> Self {
        InProcessConfig {
            retry: RetryPolicy::default(),
            poll: Duration::from_secs(1),
            dead_max_len: 10_000,
        }
    }
}

/// A job queue in this process's memory. Clones share the queue.
#[derive(Debug, Clone)]
pub struct InProcessJobQueue {
    pub(super) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(super) struct Inner {
    state: Mutex<State>,
    /// Wakes idle worker loops: a job became ready, or the earliest run-at time changed.
    pub(super) wake: Notify,
    pub(super) config: InProcessConfig,
}

impl Inner {
    /// The state; a panic while it was locked cannot leave it inconsistent (every transition
    /// is a few infallible collection operations), so a poisoned lock is taken over.
    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for InProcessJobQueue {
    fn default() -> Self {
        Self::new(InProcessConfig::default())
    }
}

impl InProcessJobQueue {
    /// An empty queue.
    pub fn new(config: InProcessConfig) -> Self {
        InProcessJobQueue {
            inner: Arc::new(Inner {
                state: Mutex::new(State::new(config.dead_max_len)),
                wake: Notify::new(),
                config,
            }),
        }
    }

    /// The queue's settings.
    pub fn config(&self) -> &InProcessConfig {
        &self.inner.config
    }

    fn accept(&self, job: Job, run_at_ms: Option<i64>) {
        let accepted = self.inner.state().accept(job, run_at_ms);
        if accepted {
            self.inner.wake.notify_waiters();
        }
    }
}

#[async_trait]
impl JobQueue for InProcessJobQueue {
    async fn enqueue(&self, job: Job) -> Result<()> {
        self.accept(job, None);
        Ok(())
    }

    async fn enqueue_at(&self, job: Job, at: DateTime<Utc>) -> Result<()> {
        self.accept(job, Some(at.timestamp_millis()));
        Ok(())
    }

    async fn holds(&self, job: &Job) -> Result<bool> {
        Ok(self.inner.state().holds(job))
    }
}
