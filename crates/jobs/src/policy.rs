//! Retries: how long to wait before the next attempt and when to give up. Both queues share it.

use std::time::Duration;

use crate::source::Outcome;

/// Exponential backoff with jitter: after the `n`-th failed run (counted from 0) the job waits
/// `base_delay × 2^n`, capped at `max_delay`, then shifted by a random ±`jitter` fraction.
/// After `max_attempts` runs the job is dead-lettered with its last error.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Runs before a job that keeps asking for a retry is dead-lettered (default 8, at least 1).
    pub max_attempts: u32,
    /// Wait after the first failed run (default 1 s).
    pub base_delay: Duration,
    /// Longest wait between two runs, before jitter (default 5 min).
    pub max_delay: Duration,
    /// Random spread of each wait, as a fraction (default 0.2, i.e. ±20 %; clamped to 0..=1).
    pub jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
            jitter: 0.2,
        }
    }
}

/// What a queue does with a job after its run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decision {
    /// Done: forget the job.
    Ack,
    /// Run again after `delay`.
    Retry { delay: Duration, error: String },
    /// Give up: keep the job with its last error and the number of runs.
    Dead { error: String, attempts: u32 },
}

impl RetryPolicy {
    /// The wait before the run that follows failed run number `failed_attempt` (from 0).
    pub fn backoff(&self, failed_attempt: u32) -> Duration {
        let nominal = self.nominal(failed_attempt);
        let jitter = self.jitter.clamp(0.0, 1.0);
        let factor = 1.0 + jitter * (2.0 * unit_random() - 1.0);
        nominal.mul_f64(factor.max(0.0))
    }

    /// The longest time a job can spend waiting between its runs: the sum of every backoff at
    /// its upper jitter bound. Used to size the "held" marker's lifetime.
    pub fn horizon(&self) -> Duration {
        let upper = 1.0 + self.jitter.clamp(0.0, 1.0);
        (0..self.max_attempts.max(1))
            .map(|n| self.nominal(n).mul_f64(upper))
            .sum()
    }

    /// Decides the fate of a job whose run number `attempt` (from 0) ended with `outcome`.
    pub(crate) fn decide(&self, attempt: u32, outcome: Outcome) -> Decision {
        match outcome {
            Outcome::Ack => Decision::Ack,
            Outcome::Fail(error) => Decision::Dead {
                error,
                attempts: attempt.saturating_add(1),
            },
            Outcome::Retry(error) => {
                let runs = attempt.saturating_add(1);
                if runs >= self.max_attempts.max(1) {
                    Decision::Dead {
                        error,
                        attempts: runs,
                    }
                } else {
                    Decision::Retry {
                        delay: self.backoff(attempt),
                        error,
                    }
                }
            }
        }
    }

    fn nominal(&self, failed_attempt: u32) -> Duration {
        let factor = 2u32.checked_pow(failed_attempt).unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// A uniformly distributed number in `[0, 1)`, from the operating system's randomness that
/// `uuid` already uses (no `rand` dependency for one number per retry).
fn unit_random() -> f64 {
    let bits = (uuid::Uuid::new_v4().as_u128() >> 75) as u64; // 53 random bits
    bits as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let policy = RetryPolicy::default();
        for n in 0..12 {
            let nominal = Duration::from_secs(1u64 << n.min(20)).min(policy.max_delay);
            let got = policy.backoff(n);
            assert!(got >= nominal.mul_f64(0.8), "{n}: {got:?}");
            assert!(got <= nominal.mul_f64(1.2), "{n}: {got:?}");
        }
        assert!(policy.backoff(40) <= Duration::from_secs(360));
    }

    #[test]
    fn jitter_spreads_the_waits() {
        let policy = RetryPolicy::default();
        let waits: std::collections::HashSet<_> = (0..20).map(|_| policy.backoff(3)).collect();
        assert!(waits.len() > 1);
    }

    #[test]
    fn retries_until_max_attempts_then_dead() {
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        assert!(matches!(
            policy.decide(0, Outcome::Retry("a".into())),
            Decision::Retry { .. }
        ));
        assert!(matches!(
            policy.decide(1, Outcome::Retry("b".into())),
            Decision::Retry { .. }
        ));
        assert_eq!(
            policy.decide(2, Outcome::Retry("c".into())),
            Decision::Dead {
                error: "c".into(),
                attempts: 3
            }
        );
        assert_eq!(
            policy.decide(0, Outcome::Fail("no".into())),
            Decision::Dead {
                error: "no".into(),
                attempts: 1
            }
        );
        assert_eq!(policy.decide(5, Outcome::Ack), Decision::Ack);
    }

    #[test]
    fn horizon_covers_every_wait() {
        let policy = RetryPolicy::default();
        // 1 + 2 + … + 128 s = 255 s, at +20 %.
        let horizon = policy.horizon().as_secs_f64();
        assert!((305.9..306.1).contains(&horizon), "{horizon}");
    }
}
