//! The wire format of a job: a small JSON envelope, identical on Redis and in memory (where it
//! is what dead letters keep).
//!
//! ```json
//! {"kind":"send-message","tenant":3,"message":"0b9e…","attempt":0,"enqueuedAt":"2026-…Z"}
//! ```
//!
//! `attempt` counts the runs that already failed with a retry (0 on the first run);
//! `enqueuedAt` is the time the job was first accepted and never changes across retries, so
//! the retry of one run is always the same envelope (a duplicate re-schedule collapses).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tiktickets_domain::ids::{MessageId, TenantId};
use tiktickets_domain::jobs::Job;

use crate::error::JobsError;

/// Every job kind, i.e. every stream / consumer group the workers read. [`Envelope::new`]
/// matches exhaustively on [`Job`], and a test checks that each variant's kind is listed here.
pub const KINDS: [&str; 1] = ["send-message"];

/// The serialised form of a [`Job`] plus its delivery bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// [`Job::kind`].
    pub kind: String,
    /// The tenant the job works for (jobs run under `TenantCtx::system(tenant)`).
    pub tenant: i32,
    /// The message the job is about.
    pub message: String,
    /// Runs of this job that failed with a retry so far.
    pub attempt: u32,
    /// When the job was first accepted.
    pub enqueued_at: DateTime<Utc>,
}

/// Why an envelope read back from a queue is not a job.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not JSON, or fields missing / of the wrong type.
    #[error("malformed job envelope: {0}")]
    Malformed(String),
    /// A kind this build does not know.
    #[error("unknown job kind {0:?}")]
    UnknownKind(String),
    /// A field holds an impossible value.
    #[error("invalid job envelope: {0}")]
    Invalid(String),
}

impl Envelope {
    /// The envelope of a freshly accepted job.
    pub fn new(job: &Job, enqueued_at: DateTime<Utc>) -> Self {
        match job {
            Job::SendMessage { tenant, message } => Envelope {
                kind: job.kind().to_owned(),
                tenant: tenant.get(),
                message: message.as_str().to_owned(),
                attempt: 0,
                enqueued_at,
            },
        }
    }

    /// The same job, for its next attempt.
    pub fn next_attempt(&self) -> Self {
        Envelope {
            attempt: self.attempt.saturating_add(1),
            ..self.clone()
        }
    }

    /// JSON text.
    pub fn to_json(&self) -> Result<String, JobsError> {
        serde_json::to_string(self).map_err(|e| JobsError::Envelope(e.to_string()))
    }

    /// Parses JSON text written by [`Envelope::to_json`].
    pub fn from_json(text: &str) -> Result<Self, DecodeError> {
        serde_json::from_str(text).map_err(|e| DecodeError::Malformed(e.to_string()))
    }

    /// The job this envelope carries. The tenant is trusted: envelopes are written only by
    /// this crate's queues.
    pub fn job(&self) -> Result<Job, DecodeError> {
        match self.kind.as_str() {
            "send-message" => {
                if self.tenant <= 0 {
                    return Err(DecodeError::Invalid(format!(
                        "tenant must be positive, got {}",
                        self.tenant
                    )));
                }
                let message: MessageId = self
                    .message
                    .parse()
                    .map_err(|e| DecodeError::Invalid(format!("message: {e}")))?;
                Ok(Job::SendMessage {
                    tenant: TenantId::from_verified(self.tenant),
                    message,
                })
            }
            other => Err(DecodeError::UnknownKind(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job::SendMessage {
            tenant: TenantId::from_verified(3),
            message: MessageId::generate(),
        }
    }

    #[test]
    fn every_kind_is_listed() {
        assert!(KINDS.contains(&job().kind()));
    }

    #[test]
    fn round_trips_through_json() {
        let job = job();
        let envelope = Envelope::new(&job, Utc::now()).next_attempt();
        let text = envelope.to_json().expect("encodes");
        assert!(text.contains("\"enqueuedAt\""), "{text}");
        let back = Envelope::from_json(&text).expect("decodes");
        assert_eq!(back, envelope);
        assert_eq!(back.attempt, 1);
        assert_eq!(back.job(), Ok(job));
    }

    #[test]
    fn malformed_envelopes_are_errors_not_panics() {
        for text in ["", "{", "[]", "{\"kind\":\"send-message\"}", "null"] {
            assert!(
                matches!(Envelope::from_json(text), Err(DecodeError::Malformed(_))),
                "{text}"
            );
        }
        let mut envelope = Envelope::new(&job(), Utc::now());
        envelope.kind = "mystery".into();
        assert_eq!(
            envelope.job(),
            Err(DecodeError::UnknownKind("mystery".into()))
        );
        envelope.kind = "send-message".into();
        envelope.tenant = 0;
        assert!(matches!(envelope.job(), Err(DecodeError::Invalid(_))));
        envelope.tenant = 1;
        envelope.message = String::new();
        assert!(matches!(envelope.job(), Err(DecodeError::Invalid(_))));
    }
}
