//! What workers run: the application's [`JobHandler`], which calls the domain's use cases.

use async_trait::async_trait;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::jobs::Job;

/// Why a job's run did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobFailure {
    /// Temporary (a session reconnecting, a timeout): run again after a backoff, until the
    /// policy's `max_attempts`, then dead-letter with this error.
    #[error("retry: {0}")]
    Retry(String),
    /// Will never work: dead-letter at once with this error.
    #[error("fail: {0}")]
    Fail(String),
}

/// Runs one job. Called at least once per job, possibly more (after a crash, a lost
/// acknowledgement or a retry), so it must be idempotent.
#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// Does the job's work. `Ok` acknowledges the job.
    async fn handle(&self, job: &Job) -> Result<(), JobFailure>;
}

/// The context a job about tenant data runs under: the platform acting for the job's tenant
/// (the tenant comes from our own envelope, never from client input).
pub fn job_ctx(job: &Job) -> TenantCtx {
    match job {
        Job::SendMessage { tenant, .. } => TenantCtx::system(*tenant),
    }
}
