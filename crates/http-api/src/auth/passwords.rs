//! Password hashing off the request path, on one dedicated thread.
//!
//! argon2id needs a 19 MiB working memory per hash. Allocated per call (on actix's blocking
//! pool), it made the heap grow with every login: six logins left the process at 111 MiB RSS
//! instead of 33 MiB (`tiktickets serve`, release build). One thread owns one
//! [`PasswordEngine`] that reuses its memory, so the process holds at most one such buffer; at
//! roughly 50 ms per hash it serves ~20 logins per second, far above what the login throttle
//! lets through per client. After a few idle seconds the memory is released.

use std::sync::mpsc;
use std::time::Duration;

use tiktickets_domain::password::{PasswordCheck, PasswordEngine};
use tokio::sync::oneshot;

use crate::error::{ApiError, ApiResult};

/// Idle time after which the password thread frees its working memory.
const RELEASE_AFTER: Duration = Duration::from_secs(5);

enum Job {
    Hash(String, oneshot::Sender<ApiResult<String>>),
    Verify(String, String, oneshot::Sender<PasswordCheck>),
}

/// The password thread's queue. Cheap to clone.
#[derive(Clone)]
pub struct PasswordWorker {
    jobs: mpsc::Sender<Job>,
}

impl PasswordWorker {
    /// Starts the thread; it ends when the last handle is dropped.
    pub fn start() -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("password-hasher".into())
            .spawn(move || {
                let mut engine = PasswordEngine::new();
                loop {
                    let job = match queue.recv_timeout(RELEASE_AFTER) {
                        Ok(job) => job,
                        // Idle: give the working memory back until the next login.
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            engine = PasswordEngine::new();
                            continue;
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    };
                    match job {
                        Job::Hash(password, reply) => {
                            let _ = reply.send(engine.hash(&password).map_err(ApiError::from));
                        }
                        Job::Verify(password, stored, reply) => {
                            let _ = reply.send(engine.verify(&password, &stored));
                        }
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start the password thread");
        }
        Self { jobs }
    }

    fn gone() -> ApiError {
        ApiError::Internal("the password thread is not running".into())
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &str) -> ApiResult<String> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Hash(password.to_owned(), reply))
            .map_err(|_| Self::gone())?;
        answer.await.map_err(|_| Self::gone())?
    }

    /// Checks a password against a stored hash.
    pub async fn verify(&self, password: &str, stored: &str) -> ApiResult<PasswordCheck> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Verify(password.to_owned(), stored.to_owned(), reply))
            .map_err(|_| Self::gone())?;
        answer.await.map_err(|_| Self::gone())
    }
}
