//! Settling a delivered entry: acknowledge, re-schedule for a retry, or dead-letter. Each is
//! one Lua script that first `XACK`s, so of two workers holding one entry only the first
//! settles it.

use deadpool_redis::Connection;

use super::queue::RedisJobQueue;
use super::source::{RedisLane, RedisReceipt};
use crate::clock::{ms, now_ms};
use crate::error::JobsError;
use crate::policy::Decision;
use crate::source::{Delivery, Outcome};

impl RedisJobQueue {
    /// Applies the retry policy to a run's outcome.
    pub(super) async fn settle_delivery(
        &self,
        lane: &RedisLane,
        delivery: Delivery<RedisReceipt>,
        outcome: Outcome,
    ) -> Result<(), JobsError> {
        let kind = lane.kind;
        let RedisReceipt { id, envelope } = delivery.receipt;
        let held = self.keys.held(&delivery.job.dedupe_key());
        let stream = self.keys.stream(kind);
        let group = self.keys.group(kind);
        let mut conn = self.pool.get().await?;
        let settled: i64 = match self.config.retry.decide(delivery.attempt, outcome) {
            Decision::Ack => {
                self.scripts
                    .ack
                    .key(&stream)
                    .key(&held)
                    .arg(&group)
                    .arg(&id)
                    .invoke_async(&mut conn)
                    .await?
            }
            Decision::Retry { delay, error } => {
                let next = envelope.next_attempt();
                tracing::info!(
                    kind,
                    attempt = next.attempt,
                    delay_ms = delay.as_millis() as u64,
                    error,
                    "job failed; retrying after backoff"
                );
                self.scripts
                    .retry
                    .key(&stream)
                    .key(self.keys.delayed(kind))
                    .key(&held)
                    .arg(&group)
                    .arg(&id)
                    .arg(now_ms().saturating_add(ms(delay)))
                    .arg(next.to_json()?)
                    .arg(ms(self.config.held_ttl(delay)))
                    .invoke_async(&mut conn)
                    .await?
            }
            Decision::Dead { error, attempts } => {
                tracing::warn!(kind, attempts, error, "job dead-lettered");
                let payload = envelope.to_json()?;
                self.bury(&mut conn, kind, &id, &payload, &error, attempts, Some(held))
                    .await?
            }
        };
        if settled == 0 {
            tracing::debug!(kind, id, "job entry was already settled by another worker");
        }
        Ok(())
    }

    /// Moves an entry to the dead-letter stream with its last error. `held`: the job's
    /// marker, when the entry could be decoded. Returns 1 when this call settled the entry.
    #[allow(clippy::too_many_arguments, reason = "one script's arguments, named")]
    pub(super) async fn bury(
        &self,
        conn: &mut Connection,
        kind: &str,
        id: &str,
        payload: &str,
        error: &str,
        attempts: u32,
        held: Option<String>,
    ) -> Result<i64, JobsError> {
        let stream = self.keys.stream(kind);
        let drop_held = if held.is_some() { "1" } else { "0" };
        let settled: i64 = self
            .scripts
            .bury
            .key(&stream)
            .key(self.keys.dead(kind))
            .key(held.unwrap_or_else(|| stream.clone()))
            .arg(self.keys.group(kind))
            .arg(id)
            .arg(payload)
            .arg(error)
            .arg(attempts)
            .arg(now_ms())
            .arg(self.config.dead_max_len)
            .arg(drop_held)
            .invoke_async(conn)
            .await?;
        Ok(settled)
    }
}
