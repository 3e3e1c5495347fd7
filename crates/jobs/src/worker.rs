//! The worker runtime: loops that take jobs from a [`JobSource`], run them with a
//! [`JobHandler`] and settle them, plus the source's housekeeping ticker.
//!
//! Graceful shutdown: once the [`Shutdown`] fires, every loop stops taking jobs and finishes
//! the one it runs; loops still busy after [`WorkerConfig::grace`] are aborted, and their jobs,
//! never acknowledged, stay in the queue for redelivery.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{Instant, interval_at, sleep, timeout};
use tracing::Instrument;

use crate::handler::JobHandler;
use crate::shutdown::Shutdown;
use crate::source::{Delivery, JobSource, Outcome};

/// How many jobs run at once and how shutdown waits for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerConfig {
    /// Worker loops per job kind, i.e. jobs of one kind running at once (default 4). A Redis
    /// pool needs at least `concurrency × kinds + 2` connections.
    pub concurrency: usize,
    /// How long shutdown waits for running jobs before abandoning them to redelivery
    /// (default 30 s).
    pub grace: Duration,
    /// Pause of a loop after the queue failed (Redis unreachable), before it tries again
    /// (default 1 s).
    pub error_pause: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: 4,
            grace: Duration::from_secs(30),
            error_pause: Duration::from_secs(1),
        }
    }
}

/// The running workers of one [`spawn_workers`] call.
#[derive(Debug)]
pub struct WorkerHandle {
    supervisor: JoinHandle<()>,
}

impl WorkerHandle {
    /// Waits until every loop has stopped: after the shutdown fired, when running jobs are
    /// done or the grace period is over.
    pub async fn join(self) {
        if let Err(e) = self.supervisor.await {
            tracing::error!(error = %e, "job worker supervisor failed");
        }
    }

    /// Stops every loop now, like a crash: running jobs are not settled and are redelivered
    /// (Redis: after the visibility timeout; in process: at once).
    pub fn abort(self) {
        self.supervisor.abort();
    }

    /// True when every loop has stopped.
    pub fn is_finished(&self) -> bool {
        self.supervisor.is_finished()
    }
}

/// Starts `config.concurrency` worker loops per job kind on `source`, running `handler`, until
/// `shutdown` fires. Must be called inside a tokio runtime.
pub fn spawn_workers<S: JobSource>(
    source: Arc<S>,
    handler: Arc<dyn JobHandler>,
    config: WorkerConfig,
    shutdown: Shutdown,
) -> WorkerHandle {
    let mut tasks = JoinSet::new();
    for lane in source.lanes(config.concurrency.max(1)) {
        tasks.spawn(run_lane(
            Arc::clone(&source),
            Arc::clone(&handler),
            lane,
            shutdown.clone(),
            config.error_pause,
        ));
    }
    if let Some(every) = source.tick_every() {
        tasks.spawn(run_ticks(Arc::clone(&source), every, shutdown.clone()));
    }
    let grace = config.grace;
    // Dropping the supervisor (abort) drops the JoinSet, which aborts every loop.
    let supervisor = tokio::spawn(async move {
        shutdown.fired().await;
        let drained = timeout(grace, async {
            while let Some(done) = tasks.join_next().await {
                if let Err(e) = done {
                    tracing::error!(error = %e, "job worker loop failed");
                }
            }
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                still_running = tasks.len(),
                grace_ms = grace.as_millis() as u64,
                "jobs still running after the shutdown grace period; \
                 left unacknowledged for redelivery"
            );
            tasks.shutdown().await;
        }
    });
    WorkerHandle { supervisor }
}

/// One worker loop: fetch, run, settle, until shutdown.
async fn run_lane<S: JobSource>(
    source: Arc<S>,
    handler: Arc<dyn JobHandler>,
    mut lane: S::Lane,
    shutdown: Shutdown,
    error_pause: Duration,
) {
    let mut failing = false;
    while !shutdown.is_fired() {
        match source.fetch(&mut lane, &shutdown).await {
            Ok(fetched) => {
                if failing {
                    tracing::info!("job queue reachable again");
                    failing = false;
                }
                if let Some(delivery) = fetched {
                    let span = tracing::info_span!(
                        "job",
                        kind = delivery.job.kind(),
                        attempt = delivery.attempt
                    );
                    run_one(&*source, &*handler, &lane, delivery)
                        .instrument(span)
                        .await;
                }
            }
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "job queue unavailable; worker pauses");
                    failing = true;
                }
                tokio::select! {
                    _ = sleep(error_pause) => {}
                    _ = shutdown.fired() => {}
                }
            }
        }
    }
    if let Err(e) = source.close_lane(lane).await {
        tracing::debug!(error = %e, "could not close a worker lane");
    }
}

/// Runs one delivered job (keeping it alive with heartbeats) and settles it.
async fn run_one<S: JobSource>(
    source: &S,
    handler: &dyn JobHandler,
    lane: &S::Lane,
    delivery: Delivery<S::Receipt>,
) {
    let result = {
        let run = AssertUnwindSafe(handler.handle(&delivery.job)).catch_unwind();
        match source.heartbeat_every() {
            None => run.await,
            Some(every) => {
                tokio::pin!(run);
                let mut beat = interval_at(Instant::now() + every, every);
                loop {
                    tokio::select! {
                        result = &mut run => break result,
                        _ = beat.tick() => {
                            if let Err(e) = source.heartbeat(lane, &delivery.receipt).await {
                                tracing::warn!(error = %e, "job heartbeat failed");
                            }
                        }
                    }
                }
            }
        }
    };
    let outcome = match result {
        Ok(result) => Outcome::from(result),
        Err(panic) => Outcome::Retry(format!("handler panicked: {}", panic_text(&*panic))),
    };
    if let Outcome::Retry(e) | Outcome::Fail(e) = &outcome {
        tracing::debug!(error = %e, "job run failed");
    }
    if let Err(e) = source.settle(lane, delivery, outcome).await {
        tracing::warn!(error = %e, "could not settle a job; it will be redelivered");
    }
}

/// The source's housekeeping (promoting delayed jobs), every `every`, until shutdown.
async fn run_ticks<S: JobSource>(source: Arc<S>, every: Duration, shutdown: Shutdown) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = shutdown.fired() => return,
        }
        match source.tick().await {
            Ok(()) if failing => {
                tracing::info!("delayed-job promotion works again");
                failing = false;
            }
            Ok(()) => {}
            Err(e) if !failing => {
                tracing::warn!(error = %e, "could not promote delayed jobs");
                failing = true;
            }
            Err(_) => {}
        }
    }
}

fn panic_text(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_owned()
    }
}
