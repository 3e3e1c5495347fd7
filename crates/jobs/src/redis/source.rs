//! The consumer side of [`RedisJobQueue`]: one consumer per worker loop in each kind's group.

use std::sync::atomic::Ordering;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_redis::redis;
use deadpool_redis::redis::streams::StreamRangeReply;
use tokio::time::Instant;

use super::consume::is_nogroup;
use super::queue::RedisJobQueue;
use crate::clock::{from_ms, ms, now_ms};
use crate::envelope::{Envelope, KINDS};
use crate::error::JobsError;
use crate::shutdown::Shutdown;
use crate::source::{DeadLetter, Delivery, JobSource, Outcome};

/// Most dead letters returned by [`JobSource::dead_letters`].
const DEAD_LETTERS_LISTED: usize = 1000;
/// Most promoter batches per kind and tick.
const PROMOTE_ROUNDS: usize = 10;
/// How often idle consumers are pruned (by whichever instance ticks first).
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// One worker loop: its kind, its consumer name in the kind's group, its reclaim cursor.
#[derive(Debug)]
pub struct RedisLane {
    pub(super) kind: &'static str,
    pub(super) consumer: String,
    pub(super) group_ready: bool,
    pub(super) cursor: String,
    pub(super) next_reclaim: Instant,
}

/// A delivered stream entry: its id and the envelope it carried.
#[derive(Debug)]
pub struct RedisReceipt {
    pub(super) id: String,
    pub(super) envelope: Envelope,
}

impl RedisReceipt {
    /// The stream entry id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

#[async_trait]
impl JobSource for RedisJobQueue {
    type Lane = RedisLane;
    type Receipt = RedisReceipt;

    fn lanes(&self, concurrency: usize) -> Vec<RedisLane> {
        let instance = uuid::Uuid::new_v4().simple().to_string();
        let instance = instance.get(..12).unwrap_or(&instance).to_owned();
        let lanes: Vec<RedisLane> = KINDS
            .iter()
            .flat_map(|kind| {
                let instance = instance.clone();
                (0..concurrency).map(move |n| RedisLane {
                    kind,
                    consumer: format!("{instance}-{n}"),
                    group_ready: false,
                    cursor: "0-0".to_owned(),
                    next_reclaim: Instant::now(),
                })
            })
            .collect();
        let pool_size = self.pool.status().max_size;
        if pool_size < lanes.len() + 2 {
            tracing::warn!(
                pool_size,
                worker_loops = lanes.len(),
                "the Redis pool is smaller than the worker loops + 2: loops will wait for \
                 connections"
            );
        }
        lanes
    }

    async fn fetch(
        &self,
        lane: &mut RedisLane,
        _shutdown: &Shutdown,
    ) -> Result<Option<Delivery<RedisReceipt>>, JobsError> {
        let mut conn = self.pool.get().await?;
        if !lane.group_ready {
            self.ensure_group(&mut conn, lane.kind).await?;
            lane.group_ready = true;
        }
        if Instant::now() >= lane.next_reclaim {
            match self.reclaim(&mut conn, lane).await {
                Ok(Some(delivery)) => return Ok(Some(delivery)),
                Ok(None) => {}
                Err(JobsError::Redis(e)) if is_nogroup(&e) => {
                    lane.group_ready = false;
                    return Ok(None);
                }
                Err(e) => return Err(e),
            }
        }
        match self.read(&mut conn, lane).await {
            Ok(Some(entry)) => self.accept(&mut conn, lane, entry).await,
            Ok(None) => Ok(None),
            Err(e) if is_nogroup(&e) => {
                lane.group_ready = false;
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn heartbeat_every(&self) -> Option<Duration> {
        Some((self.config.visibility_timeout / 3).max(Duration::from_millis(10)))
    }

    async fn heartbeat(&self, lane: &RedisLane, receipt: &RedisReceipt) -> Result<(), JobsError> {
        let mut conn = self.pool.get().await?;
        let renewed: i64 = self
            .scripts
            .heartbeat
            .key(self.keys.stream(lane.kind))
            .arg(self.keys.group(lane.kind))
            .arg(&lane.consumer)
            .arg(&receipt.id)
            .invoke_async(&mut conn)
            .await?;
        if renewed == 0 {
            tracing::warn!(
                kind = lane.kind,
                id = receipt.id,
                "a running job was taken over by another worker (it ran past the visibility \
                 timeout without a heartbeat)"
            );
        }
        Ok(())
    }

    async fn settle(
        &self,
        lane: &RedisLane,
        delivery: Delivery<RedisReceipt>,
        outcome: Outcome,
    ) -> Result<(), JobsError> {
        self.settle_delivery(lane, delivery, outcome).await
    }

    fn tick_every(&self) -> Option<Duration> {
        Some(self.config.promote_every.max(Duration::from_millis(10)))
    }

    async fn tick(&self) -> Result<(), JobsError> {
        let mut conn = self.pool.get().await?;
        let batch = self.config.promote_batch.max(1);
        for kind in KINDS {
            for _ in 0..PROMOTE_ROUNDS {
                let moved: usize = self
                    .scripts
                    .promote
                    .key(self.keys.delayed(kind))
                    .key(self.keys.stream(kind))
                    .arg(now_ms())
                    .arg(batch)
                    .arg(self.config.max_len)
                    .invoke_async(&mut conn)
                    .await?;
                if moved < batch {
                    break;
                }
            }
        }
        let now = now_ms();
        let last = self.last_prune_ms.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= ms(PRUNE_EVERY)
            && self
                .last_prune_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            for kind in KINDS {
                let pruned: Result<i64, _> = self
                    .scripts
                    .prune
                    .key(self.keys.stream(kind))
                    .arg(self.keys.group(kind))
                    .arg(ms(self.config.consumer_idle_prune))
                    .invoke_async(&mut conn)
                    .await;
                match pruned {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(kind, removed = n, "pruned idle job consumers"),
                    Err(e) => tracing::debug!(kind, error = %e, "could not prune job consumers"),
                }
            }
        }
        Ok(())
    }

    async fn close_lane(&self, lane: RedisLane) -> Result<(), JobsError> {
        let mut conn = self.pool.get().await?;
        let _: i64 = self
            .scripts
            .retire
            .key(self.keys.stream(lane.kind))
            .arg(self.keys.group(lane.kind))
            .arg(&lane.consumer)
            .invoke_async(&mut conn)
            .await?;
        Ok(())
    }

    async fn dead_letters(&self, kind: &str) -> Result<Vec<DeadLetter>, JobsError> {
        let mut conn = self.pool.get().await?;
        let reply: StreamRangeReply = redis::cmd("XREVRANGE")
            .arg(self.keys.dead(kind))
            .arg("+")
            .arg("-")
            .arg("COUNT")
            .arg(DEAD_LETTERS_LISTED)
            .query_async(&mut conn)
            .await?;
        Ok(reply
            .ids
            .into_iter()
            .rev()
            .map(|entry| {
                let field = |name: &str| entry.get::<String>(name).unwrap_or_default();
                let envelope = field("job");
                DeadLetter {
                    kind: kind.to_owned(),
                    job: Envelope::from_json(&envelope)
                        .ok()
                        .and_then(|e| e.job().ok()),
                    envelope,
                    error: field("error"),
                    attempts: field("attempts").parse().unwrap_or(0),
                    failed_at: from_ms(field("failedAt").parse().unwrap_or(0)),
                }
            })
            .collect())
    }
}
