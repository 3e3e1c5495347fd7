//! The same test bodies run against the in-process queue (always) and the Redis queue (when
//! `TEST_REDIS_URL` is set): both implement the domain's `JobQueue` with the same semantics.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use common::{TestHandler, job, memory_queue, policy, redis_queue, wait_until};
use tiktickets_domain::jobs::{Job, JobQueue};
use tiktickets_jobs::{JobFailure, JobSource, Shutdown, WorkerConfig, spawn_workers};
use tokio::time::Instant;

/// Long enough for any wait of these tests on a loaded 2-core machine.
const PATIENCE: Duration = Duration::from_secs(15);

/// Runs `$body` on the in-process queue, then on Redis when configured.
macro_rules! on_both_queues {
    ($name:ident, $body:ident, retry_base_ms = $base:expr, visibility_ms = $vis:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            $body(memory_queue(policy($base))).await;
            if let Some(redis) = redis_queue(policy($base), Duration::from_millis($vis)).await {
                $body(Arc::clone(&redis.queue)).await;
                redis.cleanup().await;
            }
        }
    };
}

fn workers(concurrency: usize) -> WorkerConfig {
    WorkerConfig {
        concurrency,
        grace: Duration::from_secs(10),
        error_pause: Duration::from_millis(100),
    }
}

async fn holds<Q: JobQueue>(queue: &Q, job: &Job) -> bool {
    queue.holds(job).await.expect("holds")
}

// --- a job is processed exactly once ---------------------------------------------------------

async fn processed_once<Q: JobQueue + JobSource>(queue: Arc<Q>) {
    let jobs: Vec<Job> = (0..6).map(|_| job()).collect();
    for j in &jobs {
        queue.enqueue(j.clone()).await.expect("enqueue");
    }
    // A job the queue already holds is not enqueued twice.
    queue.enqueue(jobs[0].clone()).await.expect("enqueue again");

    let handler = TestHandler::ok();
    let (stop, shutdown) = Shutdown::new();
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), workers(3), shutdown);
    wait_until(PATIENCE, "every job ran", || async {
        handler.effects() == jobs.len()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.fire();
    running.join().await;

    assert_eq!(handler.runs().len(), jobs.len(), "one run per job");
    for j in &jobs {
        assert_eq!(handler.runs_of(j).len(), 1);
        assert!(!holds(&*queue, j).await, "released after ack");
    }
    let dead = queue
        .dead_letters("send-message")
        .await
        .expect("dead letters");
    assert!(dead.is_empty(), "{dead:?}");
}
on_both_queues!(
    a_job_is_processed_exactly_once,
    processed_once,
    retry_base_ms = 50,
    visibility_ms = 5000
);

// --- retry with backoff, then success ----------------------------------------------------------

async fn retried_then_succeeds<Q: JobQueue + JobSource>(queue: Arc<Q>) {
    let handler = TestHandler::scripted(|_, run| match run {
        1 | 2 => Err(JobFailure::Retry(format!("session reconnecting ({run})"))),
        _ => Ok(()),
    });
    let (stop, shutdown) = Shutdown::new();
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), workers(2), shutdown);
    let j = job();
    queue.enqueue(j.clone()).await.expect("enqueue");
    wait_until(PATIENCE, "third run succeeded", || async {
        handler.effects() == 1
    })
    .await;
    wait_until(PATIENCE, "released", || async { !holds(&*queue, &j).await }).await;
    stop.fire();
    running.join().await;

    let runs = handler.runs_of(&j);
    assert_eq!(runs.len(), 3, "two retries then success");
    // Backoff 100 ms then 200 ms, each −20 % at worst.
    assert!(
        runs[1] - runs[0] >= Duration::from_millis(80),
        "{:?}",
        runs[1] - runs[0]
    );
    assert!(
        runs[2] - runs[1] >= Duration::from_millis(160),
        "{:?}",
        runs[2] - runs[1]
    );
    assert!(
        queue
            .dead_letters("send-message")
            .await
            .expect("dead")
            .is_empty()
    );
}
on_both_queues!(
    a_retried_job_runs_again_after_backoff,
    retried_then_succeeds,
    retry_base_ms = 100,
    visibility_ms = 5000
);

// --- fail and exhausted retries end in the dead letters -----------------------------------------

async fn dead_letters<Q: JobQueue + JobSource>(queue: Arc<Q>) {
    let failing = job();
    let flaky = job();
    let failing_key = failing.dedupe_key();
    let handler = TestHandler::scripted(move |j, run| {
        if j.dedupe_key() == failing_key {
            Err(JobFailure::Fail("number does not exist".into()))
        } else {
            Err(JobFailure::Retry(format!("still down #{run}")))
        }
    });
    let (stop, shutdown) = Shutdown::new();
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), workers(2), shutdown);
    queue.enqueue(failing.clone()).await.expect("enqueue");
    queue.enqueue(flaky.clone()).await.expect("enqueue");
    wait_until(PATIENCE, "both dead-lettered", || async {
        queue
            .dead_letters("send-message")
            .await
            .expect("dead")
            .len()
            == 2
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.fire();
    running.join().await;

    let dead = queue.dead_letters("send-message").await.expect("dead");
    let of = |j: &Job| {
        dead.iter()
            .find(|d| d.job.as_ref() == Some(j))
            .cloned()
            .expect("dead letter of the job")
    };
    let failed = of(&failing);
    assert_eq!(failed.error, "number does not exist");
    assert_eq!(failed.attempts, 1);
    assert_eq!(handler.runs_of(&failing).len(), 1, "Fail is not retried");
    let exhausted = of(&flaky);
    assert_eq!(exhausted.error, "still down #3", "the last error is kept");
    assert_eq!(exhausted.attempts, 3);
    assert_eq!(handler.runs_of(&flaky).len(), 3, "max attempts");
    assert!(
        exhausted.envelope.contains("\"attempt\":2"),
        "{}",
        exhausted.envelope
    );
    assert!(!holds(&*queue, &failing).await && !holds(&*queue, &flaky).await);
    assert_eq!(handler.effects(), 0);
}
on_both_queues!(
    failed_and_exhausted_jobs_are_dead_lettered,
    dead_letters,
    retry_base_ms = 30,
    visibility_ms = 5000
);

// --- delayed jobs --------------------------------------------------------------------------------

async fn delayed<Q: JobQueue + JobSource>(queue: Arc<Q>) {
    let handler = TestHandler::ok();
    let (stop, shutdown) = Shutdown::new();
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), workers(2), shutdown);
    let later = job();
    let at = Utc::now() + chrono::Duration::milliseconds(700);
    let due = Instant::now() + Duration::from_millis(700);
    queue
        .enqueue_at(later.clone(), at)
        .await
        .expect("enqueue_at");
    let past = job();
    queue
        .enqueue_at(past.clone(), Utc::now() - chrono::Duration::seconds(5))
        .await
        .expect("enqueue_at in the past");
    assert!(holds(&*queue, &later).await, "a delayed job is held");

    wait_until(PATIENCE, "the past-due job ran", || async {
        handler.effect_of(&past) == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(handler.runs_of(&later).is_empty(), "ran before its time");
    wait_until(PATIENCE, "the delayed job ran", || async {
        handler.effect_of(&later) == 1
    })
    .await;
    let ran = handler.runs_of(&later);
    assert_eq!(ran.len(), 1);
    // Clocks: the run-at is wall time, `due` is monotonic; allow 20 ms of drift.
    assert!(
        ran[0] + Duration::from_millis(20) >= due,
        "ran {:?} early",
        due - ran[0]
    );
    stop.fire();
    running.join().await;
}
on_both_queues!(
    a_delayed_job_runs_after_its_time_not_before,
    delayed,
    retry_base_ms = 50,
    visibility_ms = 5000
);

// --- holds: queued, delayed, running, retrying; released after ack -------------------------------

async fn holds_lifecycle<Q: JobQueue + JobSource>(queue: Arc<Q>) {
    let queued = job();
    queue.enqueue(queued.clone()).await.expect("enqueue");
    assert!(holds(&*queue, &queued).await, "queued");
    let delayed = job();
    queue
        .enqueue_at(
            delayed.clone(),
            Utc::now() + chrono::Duration::milliseconds(400),
        )
        .await
        .expect("enqueue_at");
    assert!(holds(&*queue, &delayed).await, "delayed");
    assert!(!holds(&*queue, &job()).await, "another job is not held");

    // The first run (of `queued`) blocks; `retrying` fails once with a 600 ms backoff.
    let handler = TestHandler::blocking_first();
    let (stop, shutdown) = Shutdown::new();
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), workers(2), shutdown);
    handler.started.notified().await;
    assert_eq!(handler.runs_of(&queued).len(), 1);
    assert!(holds(&*queue, &queued).await, "running");
    handler.gate.notify_one();
    wait_until(PATIENCE, "queued acked", || async {
        !holds(&*queue, &queued).await
    })
    .await;
    wait_until(PATIENCE, "delayed acked", || async {
        !holds(&*queue, &delayed).await
    })
    .await;
    assert_eq!(handler.effects(), 2);
    stop.fire();
    running.join().await;

    let retrying = job();
    let handler = TestHandler::scripted(|_, run| {
        if run == 1 {
            Err(JobFailure::Retry("try later".into()))
        } else {
            Ok(())
        }
    });
    let (stop, shutdown) = Shutdown::new();
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), workers(1), shutdown);
    queue.enqueue(retrying.clone()).await.expect("enqueue");
    wait_until(PATIENCE, "first run", || async {
        !handler.runs_of(&retrying).is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(handler.runs_of(&retrying).len() == 1, "still in backoff");
    assert!(
        holds(&*queue, &retrying).await,
        "held while waiting for its retry"
    );
    // Enqueueing it again meanwhile changes nothing.
    queue
        .enqueue(retrying.clone())
        .await
        .expect("enqueue again");
    wait_until(PATIENCE, "retried and acked", || async {
        !holds(&*queue, &retrying).await
    })
    .await;
    assert_eq!(handler.runs_of(&retrying).len(), 2);
    stop.fire();
    running.join().await;
}
on_both_queues!(
    holds_while_queued_delayed_running_or_retrying,
    holds_lifecycle,
    retry_base_ms = 600,
    visibility_ms = 5000
);

// --- a dropped worker's job is redelivered to another worker -------------------------------------

async fn redelivered_after_crash<Q: JobQueue + JobSource>(queue: Arc<Q>) {
    let handler = TestHandler::blocking_first();
    let (_stop_a, shutdown_a) = Shutdown::new();
    let crashed = spawn_workers(Arc::clone(&queue), handler.clone(), workers(1), shutdown_a);
    let j = job();
    queue.enqueue(j.clone()).await.expect("enqueue");
    handler.started.notified().await;
    // The worker dies while its handler waits: no ack, no retry, no dead letter.
    crashed.abort();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(holds(&*queue, &j).await, "still held after the crash");

    let (stop_b, shutdown_b) = Shutdown::new();
    let survivor = spawn_workers(Arc::clone(&queue), handler.clone(), workers(1), shutdown_b);
    wait_until(PATIENCE, "redelivered and acked", || async {
        !holds(&*queue, &j).await
    })
    .await;
    stop_b.fire();
    survivor.join().await;

    assert_eq!(
        handler.runs_of(&j).len(),
        2,
        "the crashed run, then the redelivery"
    );
    assert_eq!(
        handler.effect_of(&j),
        1,
        "the idempotent side effect happened once"
    );
    assert!(
        queue
            .dead_letters("send-message")
            .await
            .expect("dead")
            .is_empty()
    );
}
on_both_queues!(
    a_dropped_workers_job_is_redelivered,
    redelivered_after_crash,
    retry_base_ms = 50,
    visibility_ms = 600
);

// --- graceful shutdown -------------------------------------------------------------------------

async fn graceful_shutdown<Q: JobQueue + JobSource>(queue: Arc<Q>) {
    let handler = TestHandler::blocking_first();
    let (stop, shutdown) = Shutdown::new();
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), workers(2), shutdown);
    let j = job();
    queue.enqueue(j.clone()).await.expect("enqueue");
    handler.started.notified().await;

    stop.fire();
    let joined = tokio::spawn(running.join());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!joined.is_finished(), "shutdown waits for the running job");
    handler.gate.notify_one();
    tokio::time::timeout(PATIENCE, joined)
        .await
        .expect("workers stop once the job is done")
        .expect("join");
    assert_eq!(handler.effect_of(&j), 1);
    assert!(
        !holds(&*queue, &j).await,
        "the finished job was acknowledged"
    );

    // After shutdown no job is taken.
    let late = job();
    queue.enqueue(late.clone()).await.expect("enqueue");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(handler.runs_of(&late).is_empty());
    assert!(holds(&*queue, &late).await, "left in the queue");
}
on_both_queues!(
    graceful_shutdown_waits_for_the_running_job,
    graceful_shutdown,
    retry_base_ms = 50,
    visibility_ms = 5000
);

async fn grace_exceeded<Q: JobQueue + JobSource>(queue: Arc<Q>) {
    let handler = TestHandler::blocking_first();
    let (stop, shutdown) = Shutdown::new();
    let config = WorkerConfig {
        grace: Duration::from_millis(200),
        ..workers(1)
    };
    let running = spawn_workers(Arc::clone(&queue), handler.clone(), config, shutdown);
    let j = job();
    queue.enqueue(j.clone()).await.expect("enqueue");
    handler.started.notified().await;
    stop.fire();
    tokio::time::timeout(PATIENCE, running.join())
        .await
        .expect("the grace period ends the wait");
    assert!(
        holds(&*queue, &j).await,
        "the unfinished job stays in the queue"
    );

    let (stop, shutdown) = Shutdown::new();
    let next = spawn_workers(Arc::clone(&queue), handler.clone(), workers(1), shutdown);
    wait_until(PATIENCE, "redelivered after the restart", || async {
        !holds(&*queue, &j).await
    })
    .await;
    stop.fire();
    next.join().await;
    assert_eq!(handler.runs_of(&j).len(), 2);
    assert_eq!(handler.effect_of(&j), 1);
}
on_both_queues!(
    a_job_unfinished_after_the_grace_period_is_redelivered,
    grace_exceeded,
    retry_base_ms = 50,
    visibility_ms = 600
);
