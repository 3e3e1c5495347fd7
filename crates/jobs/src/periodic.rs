//! Periodic tasks (auto-close, outbox sweep, …) that run on one instance at a time.
//!
//! Every instance runs a scheduler with the same [`Periodic`] list. At each tick of a task the
//! scheduler takes the task's lease (named after the task) through the domain's `Leases` port
//! with a TTL of one period plus a slack (half a period, at most
//! [`SchedulerConfig::max_slack`]), and runs the task only if it got the lease. The holder
//! re-takes (extends) its lease at each tick and every third of the TTL while the task runs,
//! so the instance that holds a lease keeps it and the task runs once per period; the others
//! take over within one TTL after the holder stops (at once after a graceful stop, which
//! releases the leases).

use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::FutureExt;
use tiktickets_domain::leases::Leases;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{Instant, MissedTickBehavior, interval, interval_at, timeout};

use crate::shutdown::Shutdown;

/// The error a periodic task may return (any error type converts with `?`).
pub type TaskError = Box<dyn std::error::Error + Send + Sync>;

/// Work run every period on one instance.
#[async_trait]
pub trait PeriodicTask: Send + Sync + 'static {
    /// One run. An error is logged; the task runs again next period.
    async fn run(&self) -> Result<(), TaskError>;
}

/// A named task and its period. The name is also its lease's name.
#[derive(Clone)]
pub struct Periodic {
    /// Unique among the tasks; the lease name.
    pub name: String,
    /// Time between two runs' starts.
    pub every: Duration,
    /// The work.
    pub task: Arc<dyn PeriodicTask>,
}

impl Periodic {
    /// A task named `name` run every `every`.
    pub fn new(name: impl Into<String>, every: Duration, task: Arc<dyn PeriodicTask>) -> Self {
        Periodic {
            name: name.into(),
            every,
            task,
        }
    }
}

impl fmt::Debug for Periodic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Periodic")
            .field("name", &self.name)
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

/// Settings of a scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// This instance's name as a lease holder (default `scheduler-<random uuid>`): unique per
    /// instance.
    pub holder: String,
    /// How long shutdown waits for running tasks (default 30 s).
    pub grace: Duration,
    /// Upper bound of the slack added to a period to make a lease's TTL (default 30 s).
    pub max_slack: Duration,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            holder: format!("scheduler-{}", uuid::Uuid::new_v4().simple()),
            grace: Duration::from_secs(30),
            max_slack: Duration::from_secs(30),
        }
    }
}

/// A running scheduler.
#[derive(Debug)]
pub struct SchedulerHandle {
    supervisor: JoinHandle<()>,
}

impl SchedulerHandle {
    /// Waits until every task loop has stopped (after the shutdown fired, when running tasks
    /// are done or the grace period is over). Leases of stopped loops are released.
    pub async fn join(self) {
        if let Err(e) = self.supervisor.await {
            tracing::error!(error = %e, "scheduler supervisor failed");
        }
    }

    /// Stops every task loop now, like a crash: held leases expire by themselves.
    pub fn abort(self) {
        self.supervisor.abort();
    }
}

/// Starts one loop per task, each running its task under its lease in `leases`, until
/// `shutdown` fires. Must be called inside a tokio runtime.
pub fn spawn_scheduler(
    leases: Arc<dyn Leases>,
    tasks: Vec<Periodic>,
    config: SchedulerConfig,
    shutdown: Shutdown,
) -> SchedulerHandle {
    let mut loops = JoinSet::new();
    for periodic in tasks {
        loops.spawn(run_periodic(
            Arc::clone(&leases),
            periodic,
            config.holder.clone(),
            config.max_slack,
            shutdown.clone(),
        ));
    }
    let grace = config.grace;
    let supervisor = tokio::spawn(async move {
        shutdown.fired().await;
        let drained = timeout(grace, async {
            while let Some(done) = loops.join_next().await {
                if let Err(e) = done {
                    tracing::error!(error = %e, "periodic task loop failed");
                }
            }
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                still_running = loops.len(),
                "periodic tasks still running after the shutdown grace period; aborted"
            );
            loops.shutdown().await;
        }
    });
    SchedulerHandle { supervisor }
}

/// One task's loop: tick, take the lease, run.
async fn run_periodic(
    leases: Arc<dyn Leases>,
    periodic: Periodic,
    holder: String,
    max_slack: Duration,
    shutdown: Shutdown,
) {
    let name = periodic.name.as_str();
    let every = periodic.every.max(Duration::from_millis(1));
    let ttl = every + (every / 2).min(max_slack);
    let mut ticks = interval(every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut holding = false;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = shutdown.fired() => break,
        }
        match leases.acquire(name, &holder, ttl).await {
            Ok(true) if !holding => {
                tracing::info!(
                    task = name,
                    holder,
                    "took the lease: this instance runs the task"
                );
                holding = true;
            }
            Ok(true) => {}
            Ok(false) => {
                if holding {
                    tracing::warn!(task = name, "lost the lease to another instance");
                    holding = false;
                }
                continue;
            }
            Err(e) => {
                tracing::warn!(task = name, error = %e, "could not take the lease; run skipped");
                continue;
            }
        }
        run_under_lease(&*leases, &periodic, &holder, ttl).await;
    }
    if holding && let Err(e) = leases.release(name, &holder).await {
        tracing::debug!(task = name, error = %e, "could not release the lease");
    }
}

/// Runs the task once, renewing its lease every third of the TTL while it runs.
async fn run_under_lease(leases: &dyn Leases, periodic: &Periodic, holder: &str, ttl: Duration) {
    let name = periodic.name.as_str();
    let started = Instant::now();
    let run = AssertUnwindSafe(periodic.task.run()).catch_unwind();
    tokio::pin!(run);
    let renew_every = (ttl / 3).max(Duration::from_millis(1));
    let mut renew = interval_at(Instant::now() + renew_every, renew_every);
    let result = loop {
        tokio::select! {
            result = &mut run => break result,
            _ = renew.tick() => {
                match leases.acquire(name, holder, ttl).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(
                        task = name,
                        "the lease expired while the task ran; another instance may run it too"
                    ),
                    Err(e) => tracing::warn!(task = name, error = %e, "could not renew the lease"),
                }
            }
        }
    };
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(Ok(())) => tracing::debug!(task = name, elapsed_ms, "periodic task ran"),
        Ok(Err(e)) => tracing::warn!(task = name, elapsed_ms, error = %e, "periodic task failed"),
        Err(_) => tracing::error!(task = name, elapsed_ms, "periodic task panicked"),
    }
}
