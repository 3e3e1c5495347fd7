//! Periodic tasks under leases: two schedulers sharing one lease store run a task once per
//! period, in memory and on Redis.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use common::{delete_prefix, redis_url, unique_prefix};
use tiktickets_domain::leases::Leases;
use tiktickets_jobs::{
    InMemoryLeases, Periodic, PeriodicTask, RedisJobQueue, RedisLeases, RedisQueueConfig,
    SchedulerConfig, Shutdown, spawn_scheduler,
};

/// Counts runs and notices overlapping ones.
#[derive(Default)]
struct Counter {
    runs: AtomicUsize,
    running: AtomicBool,
    overlapped: AtomicBool,
}

#[async_trait]
impl PeriodicTask for Counter {
    async fn run(&self) -> Result<(), tiktickets_jobs::TaskError> {
        if self.running.swap(true, Ordering::SeqCst) {
            self.overlapped.store(true, Ordering::SeqCst);
        }
        self.runs.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.running.store(false, Ordering::SeqCst);
        Ok(())
    }
}

fn scheduler(name: &str) -> SchedulerConfig {
    SchedulerConfig {
        holder: name.to_owned(),
        grace: Duration::from_secs(5),
        ..SchedulerConfig::default()
    }
}

/// Two schedulers race for one task every 100 ms for about 1 s: one runs it, ~11 times
/// (twice as many would mean both ran it). When the holder stops, the other takes over.
async fn races(leases: Arc<dyn Leases>) {
    let every = Duration::from_millis(100);
    let counter = Arc::new(Counter::default());
    let task = Periodic::new("auto-close", every, counter.clone());
    let (stop_a, shutdown_a) = Shutdown::new();
    let (stop_b, shutdown_b) = Shutdown::new();
    let a = spawn_scheduler(
        Arc::clone(&leases),
        vec![task.clone()],
        scheduler("instance-a"),
        shutdown_a,
    );
    let b = spawn_scheduler(
        Arc::clone(&leases),
        vec![task],
        scheduler("instance-b"),
        shutdown_b,
    );
    tokio::time::sleep(Duration::from_millis(1050)).await;
    let runs = counter.runs.load(Ordering::SeqCst);
    assert!(
        (8..=13).contains(&runs),
        "once per period, got {runs} runs in ~11 periods"
    );
    assert!(
        !counter.overlapped.load(Ordering::SeqCst),
        "never two runs at once"
    );

    // Whichever holds the lease stops (releasing it): the other carries on.
    stop_a.fire();
    a.join().await;
    let before = counter.runs.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after = counter.runs.load(Ordering::SeqCst);
    assert!(
        after - before >= 3,
        "the remaining instance runs the task ({before} → {after})"
    );
    stop_b.fire();
    b.join().await;
    assert!(!counter.overlapped.load(Ordering::SeqCst));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_run_a_task_once_per_period() {
    races(Arc::new(InMemoryLeases::new())).await;

    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("leases");
    let queue = RedisJobQueue::connect(&url, RedisQueueConfig::default()).expect("Redis URL");
    let pool = queue.pool().clone();
    races(Arc::new(RedisLeases::with_prefix(pool.clone(), &prefix))).await;
    delete_prefix(&pool, &prefix).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_leases_compare_and_set() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("leases");
    let queue = RedisJobQueue::connect(&url, RedisQueueConfig::default()).expect("Redis URL");
    let pool = queue.pool().clone();
    let leases = RedisLeases::with_prefix(pool.clone(), &prefix);
    let ttl = Duration::from_millis(200);

    assert!(leases.acquire("sweep", "a", ttl).await.unwrap());
    assert!(
        !leases.acquire("sweep", "b", ttl).await.unwrap(),
        "held by a"
    );
    assert!(
        leases.acquire("other", "b", ttl).await.unwrap(),
        "leases are per name"
    );
    assert!(
        leases.acquire("sweep", "a", ttl).await.unwrap(),
        "a extends its own"
    );
    leases.release("sweep", "b").await.unwrap();
    assert!(
        !leases.acquire("sweep", "b", ttl).await.unwrap(),
        "b cannot release a's lease"
    );

    let mut conn = pool.get().await.unwrap();
    let holder: String = deadpool_redis::redis::cmd("GET")
        .arg(format!("{prefix}:sweep"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(holder, "a", "key layout: <prefix>:<name> = holder");

    tokio::time::sleep(ttl + Duration::from_millis(100)).await;
    assert!(
        leases.acquire("sweep", "b", ttl).await.unwrap(),
        "expired: b takes it"
    );
    assert!(
        !leases.acquire("sweep", "a", ttl).await.unwrap(),
        "a cannot extend b's"
    );
    leases.release("sweep", "a").await.unwrap();
    assert!(
        !leases.acquire("sweep", "a", ttl).await.unwrap(),
        "a cannot release b's"
    );
    leases.release("sweep", "b").await.unwrap();
    assert!(
        leases.acquire("sweep", "a", ttl).await.unwrap(),
        "released: free again"
    );
    delete_prefix(&pool, &prefix).await;
}
