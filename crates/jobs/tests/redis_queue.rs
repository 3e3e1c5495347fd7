//! Redis-only behaviour: the key layout, malformed entries, reclaim timing.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use common::{TestHandler, job, policy, redis_queue, wait_until};
use deadpool_redis::redis;
use tiktickets_domain::jobs::JobQueue;
use tiktickets_jobs::{JobSource, Shutdown, WorkerConfig, spawn_workers};
use tokio::time::Instant;

const PATIENCE: Duration = Duration::from_secs(15);

fn workers() -> WorkerConfig {
    WorkerConfig {
        concurrency: 2,
        grace: Duration::from_secs(5),
        error_pause: Duration::from_millis(100),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_streams_and_groups_follow_the_documented_layout() {
    let Some(redis) = redis_queue(policy(50), Duration::from_secs(5)).await else {
        return;
    };
    let p = redis.prefix.clone();
    let queue = Arc::clone(&redis.queue);
    let mut conn = queue.pool().get().await.unwrap();

    let now = job();
    let later = job();
    queue.enqueue(now.clone()).await.unwrap();
    queue
        .enqueue_at(later.clone(), Utc::now() + chrono::Duration::seconds(60))
        .await
        .unwrap();
    let held: i64 = redis::cmd("EXISTS")
        .arg(format!("{p}:held:{}", now.dedupe_key()))
        .arg(format!("{p}:held:{}", later.dedupe_key()))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(held, 2, "held markers");
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{p}:held:{}", later.dedupe_key()))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(
        ttl > 60_000,
        "the marker outlives the delay and the retries: {ttl} ms"
    );
    let len: i64 = redis::cmd("XLEN")
        .arg(format!("{p}:send-message"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(len, 1, "ready stream");
    let delayed: Vec<(String, f64)> = redis::cmd("ZRANGE")
        .arg(format!("{p}:send-message:delayed"))
        .arg(0)
        .arg(-1)
        .arg("WITHSCORES")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(delayed.len(), 1, "delayed set");
    let envelope: serde_json::Value = serde_json::from_str(&delayed[0].0).unwrap();
    assert_eq!(envelope["kind"], "send-message");
    assert_eq!(envelope["tenant"], 7);
    assert_eq!(envelope["attempt"], 0);
    assert!(envelope["enqueuedAt"].is_string() && envelope["message"].is_string());

    let handler = TestHandler::ok();
    let (stop, shutdown) = Shutdown::new();
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), workers(), shutdown);
    wait_until(PATIENCE, "ran", || async { handler.effect_of(&now) == 1 }).await;
    wait_until(PATIENCE, "acked", || async {
        !queue.holds(&now).await.unwrap()
    })
    .await;
    let groups: Vec<HashMap<String, redis::Value>> = redis::cmd("XINFO")
        .arg("GROUPS")
        .arg(format!("{p}:send-message"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(groups.len(), 1);
    let name: String = redis::from_redis_value_ref(&groups[0]["name"]).unwrap();
    assert_eq!(name, format!("{p}:send-message:workers"));
    let len: i64 = redis::cmd("XLEN")
        .arg(format!("{p}:send-message"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(len, 0, "acknowledged entries are deleted");
    stop.fire();
    running.join().await;
    let consumers: Vec<HashMap<String, redis::Value>> = redis::cmd("XINFO")
        .arg("CONSUMERS")
        .arg(format!("{p}:send-message"))
        .arg(format!("{p}:send-message:workers"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(
        consumers.is_empty(),
        "idle consumers retire on graceful shutdown"
    );
    redis.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_entries_are_dead_lettered_not_run() {
    let Some(redis) = redis_queue(policy(50), Duration::from_secs(5)).await else {
        return;
    };
    let p = redis.prefix.clone();
    let queue = Arc::clone(&redis.queue);
    let mut conn = queue.pool().get().await.unwrap();
    let stream = format!("{p}:send-message");
    for (field, value) in [
        ("job", "not json"),
        ("other", "no job field"),
        (
            "job",
            r#"{"kind":"send-message","tenant":-1,"message":"m","attempt":0,"enqueuedAt":"2026-01-01T00:00:00Z"}"#,
        ),
        (
            "job",
            r#"{"kind":"teleport","tenant":1,"message":"m","attempt":0,"enqueuedAt":"2026-01-01T00:00:00Z"}"#,
        ),
    ] {
        let _: String = redis::cmd("XADD")
            .arg(&stream)
            .arg("*")
            .arg(field)
            .arg(value)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
    let good = job();
    queue.enqueue(good.clone()).await.unwrap();

    let handler = TestHandler::ok();
    let (stop, shutdown) = Shutdown::new();
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), workers(), shutdown);
    wait_until(PATIENCE, "the good job ran", || async {
        handler.effect_of(&good) == 1
    })
    .await;
    wait_until(PATIENCE, "four dead letters", || async {
        queue.dead_letters("send-message").await.unwrap().len() == 4
    })
    .await;
    stop.fire();
    running.join().await;

    assert_eq!(
        handler.runs().len(),
        1,
        "malformed entries never reach the handler"
    );
    let dead = queue.dead_letters("send-message").await.unwrap();
    assert!(dead.iter().all(|d| d.job.is_none() && d.attempts == 0));
    // Two loops consume concurrently: find each dead letter by its payload.
    let error_of = |needle: &str| {
        dead.iter()
            .find(|d| d.envelope.contains(needle))
            .map(|d| d.error.clone())
            .unwrap_or_else(|| panic!("no dead letter holding {needle:?}: {dead:?}"))
    };
    assert!(error_of("not json").contains("malformed"));
    assert!(error_of("no job field").contains("no `job` field"));
    assert!(error_of("\"tenant\":-1").contains("tenant"));
    assert!(error_of("teleport").contains("unknown job kind"));
    let pending: (i64,) = {
        let reply: redis::Value = redis::cmd("XPENDING")
            .arg(&stream)
            .arg(format!("{p}:send-message:workers"))
            .query_async(&mut conn)
            .await
            .unwrap();
        match reply {
            redis::Value::Array(items) => (redis::from_redis_value_ref(&items[0]).unwrap(),),
            other => panic!("unexpected XPENDING reply {other:?}"),
        }
    };
    assert_eq!(pending.0, 0, "nothing left pending");
    redis.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_consumers_entry_waits_for_the_visibility_timeout() {
    let visibility = Duration::from_millis(800);
    let Some(redis) = redis_queue(policy(50), visibility).await else {
        return;
    };
    let queue = Arc::clone(&redis.queue);
    let handler = TestHandler::blocking_first();
    let (_keep, shutdown) = Shutdown::new();
    let crashed = spawn_workers(Arc::clone(&queue), handler.clone(), workers(), shutdown);
    let j = job();
    queue.enqueue(j.clone()).await.unwrap();
    handler.started.notified().await;
    crashed.abort();
    let aborted = Instant::now();

    let (stop, shutdown) = Shutdown::new();
    let survivor = spawn_workers(Arc::clone(&queue), handler.clone(), workers(), shutdown);
    wait_until(PATIENCE, "reclaimed", || async {
        handler.runs_of(&j).len() == 2
    })
    .await;
    let runs = handler.runs_of(&j);
    // The entry's idle time was last reset by a heartbeat at most a third of the timeout ago.
    assert!(
        runs[1] - aborted >= visibility * 2 / 3 - Duration::from_millis(50),
        "redelivered after {:?}",
        runs[1] - aborted
    );
    wait_until(PATIENCE, "acked", || async {
        !queue.holds(&j).await.unwrap()
    })
    .await;
    stop.fire();
    survivor.join().await;
    assert_eq!(handler.effect_of(&j), 1);
    redis.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_running_longer_than_the_visibility_timeout_is_not_stolen() {
    let visibility = Duration::from_millis(300);
    let Some(redis) = redis_queue(policy(50), visibility).await else {
        return;
    };
    let queue = Arc::clone(&redis.queue);
    let handler = TestHandler::blocking_first();
    let (stop, shutdown) = Shutdown::new();
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), workers(), shutdown);
    let j = job();
    queue.enqueue(j.clone()).await.unwrap();
    handler.started.notified().await;
    // Three visibility timeouts: heartbeats keep the entry fresh, the other loop waits.
    tokio::time::sleep(visibility * 3).await;
    assert_eq!(
        handler.runs_of(&j).len(),
        1,
        "not redelivered while it runs"
    );
    handler.gate.notify_one();
    wait_until(PATIENCE, "acked", || async {
        !queue.holds(&j).await.unwrap()
    })
    .await;
    stop.fire();
    running.join().await;
    assert_eq!(handler.runs_of(&j).len(), 1);
    assert!(queue.dead_letters("send-message").await.unwrap().is_empty());
    redis.cleanup().await;
}
