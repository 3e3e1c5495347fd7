//! The crate's error type: infrastructure failures of a queue or lease store.

use deadpool_redis::redis::RedisError;
use tiktickets_domain::DomainError;

/// A queue, worker or lease operation failed.
#[derive(Debug, thiserror::Error)]
pub enum JobsError {
    /// Redis answered with an error, or the connection failed.
    #[error("Redis: {0}")]
    Redis(#[from] RedisError),
    /// No pooled Redis connection could be had in time.
    #[error("Redis pool: {0}")]
    Pool(#[from] deadpool_redis::PoolError),
    /// The Redis URL or pool settings are invalid.
    #[error("invalid Redis configuration: {0}")]
    Config(String),
    /// A job could not be written as an envelope (never expected).
    #[error("job envelope: {0}")]
    Envelope(String),
}

impl From<JobsError> for DomainError {
    /// The domain sees every queue failure as a dependency being unavailable: the job was not
    /// accepted, and the outbox sweeper enqueues it again later.
    fn from(e: JobsError) -> Self {
        DomainError::Unavailable(e.to_string())
    }
}
