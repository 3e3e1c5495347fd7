//! Settings of the Redis queue.

use std::time::Duration;

use crate::policy::RetryPolicy;

/// Settings of [`RedisJobQueue`](crate::RedisJobQueue). Defaults suit production; tests
/// shorten the waits and use their own prefix.
#[derive(Debug, Clone, PartialEq)]
pub struct RedisQueueConfig {
    /// Namespace of every key (default `tiktickets:jobs`).
    pub prefix: String,
    /// Retries and their backoff.
    pub retry: RetryPolicy,
    /// A delivered job idle this long (its worker sent no heartbeat) is taken over by another
    /// worker (default 60 s). Heartbeats run every third of it.
    pub visibility_timeout: Duration,
    /// How often each worker loop looks for entries of dead consumers (default 5 s).
    pub reclaim_every: Duration,
    /// Longest `XREADGROUP BLOCK` wait, hence the longest delay before a loop notices shutdown
    /// (default 1 s).
    pub block: Duration,
    /// How often due delayed jobs are moved into their stream (default 500 ms).
    pub promote_every: Duration,
    /// Most delayed jobs moved by one script call (default 100; the promoter repeats while
    /// batches come back full).
    pub promote_batch: usize,
    /// Approximate cap of each job stream (`XADD … MAXLEN ~`, default 100 000). Acknowledged
    /// entries are deleted, so only a backlog this deep would be trimmed.
    pub max_len: usize,
    /// Approximate cap of each dead-letter stream (default 10 000).
    pub dead_max_len: usize,
    /// Added to the longest retry horizon to make the lifetime of a "held" marker (default
    /// 1 h): a job still unfinished after that is no longer reported held, and the outbox
    /// sweeper may enqueue it again (handlers are idempotent).
    pub held_margin: Duration,
    /// Consumers idle longer than this with no pending entry are removed from their group
    /// (default 1 h; live consumers read every `block`).
    pub consumer_idle_prune: Duration,
    /// Connections of the pool made by [`RedisJobQueue::connect`](crate::RedisJobQueue::connect)
    /// (default 16). Every worker loop holds one during its blocking read: keep it at least
    /// `concurrency × kinds + 2`.
    pub pool_size: usize,
}

impl Default for RedisQueueConfig {
    fn default() -> Self {
        RedisQueueConfig {
            prefix: "tiktickets:jobs".to_owned(),
            retry: RetryPolicy::default(),
            visibility_timeout: Duration::from_secs(60),
            reclaim_every: Duration::from_secs(5),
            block: Duration::from_secs(1),
            promote_every: Duration::from_millis(500),
            promote_batch: 100,
            max_len: 100_000,
            dead_max_len: 10_000,
            held_margin: Duration::from_secs(3600),
            consumer_idle_prune: Duration::from_secs(3600),
            pool_size: 16,
        }
    }
}

impl RedisQueueConfig {
    /// Lifetime of a "held" marker for a job that first runs after `delay`: the delay, every
    /// retry wait, a visibility timeout per attempt, and the margin.
    pub fn held_ttl(&self, delay: Duration) -> Duration {
        let reclaims = self
            .visibility_timeout
            .saturating_mul(self.retry.max_attempts.max(1));
        delay
            .saturating_add(self.retry.horizon())
            .saturating_add(reclaims)
            .saturating_add(self.held_margin)
    }
}
