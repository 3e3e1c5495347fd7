//! The consumer side of [`InProcessJobQueue`]: worker loops wait on a `Notify`, deliveries
//! are tracked in flight, and a receipt dropped unsettled puts its job back.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::{Instant, sleep_until};

use super::queue::{InProcessJobQueue, Inner};
use super::state::Fate;
use crate::clock::{ms, now_ms};
use crate::envelope::KINDS;
use crate::error::JobsError;
use crate::policy::Decision;
use crate::shutdown::Shutdown;
use crate::source::{DeadLetter, Delivery, JobSource, Outcome};

/// Most dead letters returned by [`JobSource::dead_letters`].
const DEAD_LETTERS_LISTED: usize = 1000;

/// One in-process worker loop: the kind it takes.
#[derive(Debug)]
pub struct MemoryLane {
    kind: &'static str,
}

/// A job in flight. Dropped without being settled (its worker's task was aborted or
/// panicked), it puts the job back at the head of its queue.
#[derive(Debug)]
pub struct MemoryReceipt {
    id: u64,
    inner: Arc<Inner>,
}

impl Drop for MemoryReceipt {
    fn drop(&mut self) {
        let max = self.inner.config.retry.max_attempts;
        let fate = self.inner.state().requeue(self.id, max);
        match fate {
            Fate::NotInFlight => {}
            Fate::Requeued(kind) => {
                tracing::info!(
                    kind,
                    "job redelivered: its worker stopped before settling it"
                );
                self.inner.wake.notify_waiters();
            }
            Fate::Buried(kind) => {
                tracing::warn!(
                    kind,
                    "job dead-lettered: delivered too often without an ack"
                );
            }
        }
    }
}

#[async_trait]
impl JobSource for InProcessJobQueue {
    type Lane = MemoryLane;
    type Receipt = MemoryReceipt;

    fn lanes(&self, concurrency: usize) -> Vec<MemoryLane> {
        KINDS
            .iter()
            .flat_map(|kind| (0..concurrency).map(|_| MemoryLane { kind }))
            .collect()
    }

    async fn fetch(
        &self,
        lane: &mut MemoryLane,
        shutdown: &Shutdown,
    ) -> Result<Option<Delivery<MemoryReceipt>>, JobsError> {
        let deadline = Instant::now() + self.inner.config.poll;
        loop {
            // Registered before looking, so an enqueue between the look and the wait wakes us.
            let wake = self.inner.wake.notified();
            tokio::pin!(wake);
            wake.as_mut().enable();
            let next_due = {
                let mut state = self.inner.state();
                state.promote(now_ms());
                if let Some((id, entry)) = state.take(lane.kind) {
                    return Ok(Some(Delivery {
                        job: entry.job,
                        attempt: entry.attempt,
                        enqueued_at: entry.enqueued_at,
                        receipt: MemoryReceipt {
                            id,
                            inner: Arc::clone(&self.inner),
                        },
                    }));
                }
                state.next_due_ms()
            };
            let now = Instant::now();
            if now >= deadline || shutdown.is_fired() {
                return Ok(None);
            }
            let until = match next_due {
                Some(due) => {
                    let wait = u64::try_from(due.saturating_sub(now_ms())).unwrap_or(0);
                    deadline.min(now + Duration::from_millis(wait))
                }
                None => deadline,
            };
            tokio::select! {
                _ = &mut wake => {}
                _ = sleep_until(until) => {}
                _ = shutdown.fired() => return Ok(None),
            }
        }
    }

    fn heartbeat_every(&self) -> Option<Duration> {
        None
    }

    async fn heartbeat(
        &self,
        _lane: &MemoryLane,
        _receipt: &MemoryReceipt,
    ) -> Result<(), JobsError> {
        Ok(())
    }

    async fn settle(
        &self,
        _lane: &MemoryLane,
        delivery: Delivery<MemoryReceipt>,
        outcome: Outcome,
    ) -> Result<(), JobsError> {
        let Delivery {
            job,
            attempt,
            receipt,
            ..
        } = delivery;
        let kind = job.kind();
        let decision = self.inner.config.retry.decide(attempt, outcome);
        let retried = {
            let mut state = self.inner.state();
            let Some(mut entry) = state.finish(receipt.id) else {
                return Ok(());
            };
            match decision {
                Decision::Ack => {
                    state.release(&entry.job);
                    false
                }
                Decision::Retry { delay, error } => {
                    tracing::info!(
                        kind,
                        attempt = attempt + 1,
                        delay_ms = delay.as_millis() as u64,
                        error = %error,
                        "job failed; retrying after backoff"
                    );
                    entry.attempt = attempt.saturating_add(1);
                    entry.deliveries = 0;
                    state.schedule(now_ms().saturating_add(ms(delay)), entry);
                    true
                }
                Decision::Dead { error, attempts } => {
                    tracing::warn!(kind, attempts, error = %error, "job dead-lettered");
                    state.bury(entry, error, attempts);
                    false
                }
            }
        };
        // The receipt finds nothing in flight any more: dropping it is a no-op.
        drop(receipt);
        if retried {
            self.inner.wake.notify_waiters();
        }
        Ok(())
    }

    fn tick_every(&self) -> Option<Duration> {
        None
    }

    async fn tick(&self) -> Result<(), JobsError> {
        self.inner.state().promote(now_ms());
        Ok(())
    }

    async fn close_lane(&self, _lane: MemoryLane) -> Result<(), JobsError> {
        Ok(())
    }

    async fn dead_letters(&self, kind: &str) -> Result<Vec<DeadLetter>, JobsError> {
        Ok(self.inner.state().dead_letters(kind, DEAD_LETTERS_LISTED))
    }
}
