//! Taking jobs from a stream: the consumer group, blocking reads, reclaiming the entries of
//! dead consumers, and decoding (a malformed entry is dead-lettered, never run).

use std::time::Duration;

use deadpool_redis::Connection;
use deadpool_redis::redis::streams::{
    StreamAutoClaimReply, StreamId, StreamPendingCountReply, StreamReadReply,
};
use deadpool_redis::redis::{self, RedisError};
use tokio::time::Instant;

use super::queue::RedisJobQueue;
use super::source::{RedisLane, RedisReceipt};
use crate::clock::ms;
use crate::envelope::{DecodeError, Envelope};
use crate::error::JobsError;
use crate::source::Delivery;

/// Extra time a blocking read may take beyond its `BLOCK` before the client gives up.
const BLOCK_MARGIN: Duration = Duration::from_secs(5);

/// A Redis error meaning the consumer group (or its stream) does not exist.
pub(super) fn is_nogroup(e: &RedisError) -> bool {
    e.code() == Some("NOGROUP") || e.to_string().contains("NOGROUP")
}

impl RedisJobQueue {
    /// Creates the kind's consumer group (and stream) unless it exists. The group starts at id
    /// 0: jobs enqueued before any worker ran are delivered too.
    pub(super) async fn ensure_group(
        &self,
        conn: &mut Connection,
        kind: &str,
    ) -> Result<(), JobsError> {
        let created: Result<(), RedisError> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(self.keys.stream(kind))
            .arg(self.keys.group(kind))
            .arg("0")
            .arg("MKSTREAM")
            .query_async(conn)
            .await;
        match created {
            Err(e) if e.code() != Some("BUSYGROUP") && !e.to_string().contains("BUSYGROUP") => {
                Err(e.into())
            }
            _ => Ok(()),
        }
    }

    /// Waits up to `block` for a new entry of the lane's stream.
    pub(super) async fn read(
        &self,
        conn: &mut Connection,
        lane: &RedisLane,
    ) -> Result<Option<StreamId>, RedisError> {
        // Redis holds the answer up to `block`: the client must wait longer than that.
        conn.set_response_timeout(self.config.block + BLOCK_MARGIN);
        let reply: Option<StreamReadReply> = redis::cmd("XREADGROUP")
            .arg("GROUP")
            .arg(self.keys.group(lane.kind))
            .arg(&lane.consumer)
            .arg("COUNT")
            .arg(1)
            .arg("BLOCK")
            .arg(ms(self.config.block).max(1))
            .arg("STREAMS")
            .arg(self.keys.stream(lane.kind))
            .arg(">")
            .query_async(conn)
            .await?;
        Ok(reply.and_then(|r| r.keys.into_iter().flat_map(|k| k.ids).next()))
    }

    /// Takes over one entry that a consumer left pending longer than the visibility timeout,
    /// scanning the pending list from the lane's cursor. An entry delivered more than
    /// `max_attempts` times without being settled is dead-lettered instead of run again.
    pub(super) async fn reclaim(
        &self,
        conn: &mut Connection,
        lane: &mut RedisLane,
    ) -> Result<Option<Delivery<RedisReceipt>>, JobsError> {
        let stream = self.keys.stream(lane.kind);
        let group = self.keys.group(lane.kind);
        let reply: StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
            .arg(&stream)
            .arg(&group)
            .arg(&lane.consumer)
            .arg(ms(self.config.visibility_timeout))
            .arg(&lane.cursor)
            .arg("COUNT")
            .arg(1)
            .query_async(conn)
            .await?;
        for id in &reply.deleted_ids {
            tracing::warn!(
                kind = lane.kind,
                id,
                "a pending job entry was trimmed from its stream before it was acknowledged; \
                 it is lost (the outbox sweeper re-enqueues pending messages)"
            );
        }
        // Scan on at once while the pending list has more, else wait `reclaim_every`.
        let done = reply.next_stream_id == "0-0";
        lane.next_reclaim = if done && reply.claimed.is_empty() {
            Instant::now() + self.config.reclaim_every
        } else {
            Instant::now()
        };
        lane.cursor = if done {
            "0-0".to_owned()
        } else {
            reply.next_stream_id
        };
        let Some(entry) = reply.claimed.into_iter().next() else {
            return Ok(None);
        };
        let pending: StreamPendingCountReply = redis::cmd("XPENDING")
            .arg(&stream)
            .arg(&group)
            .arg(&entry.id)
            .arg(&entry.id)
            .arg(1)
            .query_async(conn)
            .await?;
        let deliveries = pending.ids.first().map_or(1, |p| p.times_delivered);
        tracing::info!(
            kind = lane.kind,
            id = entry.id,
            deliveries,
            consumer = lane.consumer,
            "reclaimed a job left pending by a worker that stopped"
        );
        let max = usize::try_from(self.config.retry.max_attempts.max(1)).unwrap_or(usize::MAX);
        if deliveries > max {
            let error = format!("delivered {deliveries} times without being acknowledged");
            let raw: Option<String> = entry.get("job");
            let raw = raw.unwrap_or_default();
            let (held, attempts) = match Envelope::from_json(&raw) {
                Ok(envelope) => (
                    envelope
                        .job()
                        .ok()
                        .map(|job| self.keys.held(&job.dedupe_key())),
                    envelope.attempt.saturating_add(1),
                ),
                Err(_) => (None, 0),
            };
            tracing::warn!(kind = lane.kind, id = entry.id, error, "job dead-lettered");
            self.bury(conn, lane.kind, &entry.id, &raw, &error, attempts, held)
                .await?;
            return Ok(None);
        }
        self.accept(conn, lane, entry).await
    }

    /// Decodes a delivered entry into a job; a malformed one is dead-lettered (`None`).
    pub(super) async fn accept(
        &self,
        conn: &mut Connection,
        lane: &RedisLane,
        entry: StreamId,
    ) -> Result<Option<Delivery<RedisReceipt>>, JobsError> {
        let raw: Option<String> = entry.get("job");
        let decoded = raw
            .as_deref()
            .ok_or_else(|| DecodeError::Malformed("the entry has no `job` field".into()))
            .and_then(Envelope::from_json)
            .and_then(|envelope| envelope.job().map(|job| (envelope, job)));
        match decoded {
            Ok((envelope, job)) => Ok(Some(Delivery {
                job,
                attempt: envelope.attempt,
                enqueued_at: envelope.enqueued_at,
                receipt: RedisReceipt {
                    id: entry.id,
                    envelope,
                },
            })),
            Err(e) => {
                let error = e.to_string();
                tracing::error!(
                    kind = lane.kind,
                    id = entry.id,
                    error,
                    "malformed job entry dead-lettered"
                );
                let raw = raw.unwrap_or_else(|| describe(&entry));
                self.bury(conn, lane.kind, &entry.id, &raw, &error, 0, None)
                    .await?;
                Ok(None)
            }
        }
    }
}

/// An entry's fields as `name=value` text, for the dead letter of an entry without `job`.
fn describe(entry: &StreamId) -> String {
    let mut fields: Vec<String> = entry
        .map
        .keys()
        .map(|name| {
            let value = entry
                .get::<String>(name)
                .unwrap_or_else(|| "(binary)".to_owned());
            format!("{name}={value}")
        })
        .collect();
    fields.sort();
    fields.join(" ")
}
