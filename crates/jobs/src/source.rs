//! The consumer side of a queue: what [`spawn_workers`](crate::spawn_workers) needs to take
//! jobs, keep them while they run and settle them. Both queues implement it.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tiktickets_domain::jobs::Job;

use crate::error::JobsError;
use crate::handler::JobFailure;
use crate::shutdown::Shutdown;

/// A job handed to one worker, with the queue's proof of delivery (`receipt`).
#[derive(Debug)]
pub struct Delivery<R> {
    /// The job to run.
    pub job: Job,
    /// Runs of this job that already failed with a retry (0 on the first run).
    pub attempt: u32,
    /// When the job was first accepted.
    pub enqueued_at: DateTime<Utc>,
    /// The queue's handle on this delivery (a stream entry id, an in-flight slot).
    pub receipt: R,
}

/// How a run ended, as reported to the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Success: acknowledge and forget the job.
    Ack,
    /// Run again after a backoff (dead-letter once the attempts are used up).
    Retry(String),
    /// Dead-letter now.
    Fail(String),
}

impl From<Result<(), JobFailure>> for Outcome {
    fn from(result: Result<(), JobFailure>) -> Self {
        match result {
            Ok(()) => Outcome::Ack,
            Err(JobFailure::Retry(e)) => Outcome::Retry(e),
            Err(JobFailure::Fail(e)) => Outcome::Fail(e),
        }
    }
}

/// A job the queue gave up on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The job's kind (for a malformed entry: the stream's kind).
    pub kind: String,
    /// The job, when its envelope could be decoded.
    pub job: Option<Job>,
    /// The envelope as stored (JSON), or the raw entry when it was malformed.
    pub envelope: String,
    /// The last error.
    pub error: String,
    /// Runs made (0 for an entry that never ran).
    pub attempts: u32,
    /// When the job was dead-lettered.
    pub failed_at: DateTime<Utc>,
}

/// The consumer side of a queue. A worker runtime opens `lanes` (one per worker loop), and in
/// each lane repeatedly fetches a job, runs it (calling `heartbeat` every `heartbeat_every`)
/// and settles it. A delivery that is never settled (the worker died) is redelivered.
#[async_trait]
pub trait JobSource: Send + Sync + 'static {
    /// State of one worker loop (its consumer name, its reclaim cursor).
    type Lane: Send + Sync + 'static;
    /// The proof of one delivery.
    type Receipt: Send + Sync + 'static;

    /// One lane per job kind and per unit of `concurrency`, named uniquely for this call.
    fn lanes(&self, concurrency: usize) -> Vec<Self::Lane>;

    /// The next job for this lane, waiting a bounded time (at most about a second by default,
    /// or until `shutdown` fires); `None` when nothing came.
    async fn fetch(
        &self,
        lane: &mut Self::Lane,
        shutdown: &Shutdown,
    ) -> Result<Option<Delivery<Self::Receipt>>, JobsError>;

    /// How often a running job must be confirmed alive, if at all.
    fn heartbeat_every(&self) -> Option<Duration>;

    /// Confirms that the job of `receipt` still runs, so it is not redelivered.
    async fn heartbeat(&self, lane: &Self::Lane, receipt: &Self::Receipt) -> Result<(), JobsError>;

    /// Records how a delivered job's run ended: acknowledge, retry later or dead-letter.
    async fn settle(
        &self,
        lane: &Self::Lane,
        delivery: Delivery<Self::Receipt>,
        outcome: Outcome,
    ) -> Result<(), JobsError>;

    /// How often [`JobSource::tick`] must run (promoting due delayed jobs), if at all.
    fn tick_every(&self) -> Option<Duration>;

    /// Housekeeping shared by all lanes: promotes due delayed jobs.
    async fn tick(&self) -> Result<(), JobsError>;

    /// Called once when a lane stops gracefully.
    async fn close_lane(&self, lane: Self::Lane) -> Result<(), JobsError>;

    /// The newest dead letters of `kind` (at most 1000), oldest first.
    async fn dead_letters(&self, kind: &str) -> Result<Vec<DeadLetter>, JobsError>;
}
