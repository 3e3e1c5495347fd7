//! The one error type of the sessions crate.

use thiserror::Error;

/// What can go wrong while driving a WhatsApp Web session.
#[derive(Debug, Clone, Error)]
pub enum SessionError {
    /// No Chromium binary was configured or found on PATH.
    #[error("Chromium was not found: {0}")]
    ChromiumNotFound(String),
    /// Chromium did not start (bad binary, profile in use, launch timeout).
    #[error("launching Chromium failed: {0}")]
    Launch(String),
    /// A CDP call failed (the browser or the page is gone, or refused the call).
    #[error("CDP call failed: {0}")]
    Cdp(String),
    /// A bridge command did not answer before its deadline.
    #[error("the page did not answer {command} within {after_ms} ms")]
    Timeout {
        /// The bridge command.
        command: String,
        /// The deadline that passed.
        after_ms: u64,
    },
    /// The page's bridge answered a command with an error.
    #[error("the page refused {command}: {name}: {message}")]
    Page {
        /// The bridge command.
        command: String,
        /// Error name (`NotReady`, `Degraded`, `SendFailed`, ...).
        name: String,
        /// What the page said.
        message: String,
    },
    /// The page context was replaced (navigation, crash) while a command ran.
    #[error("the page went away during {0}")]
    ContextGone(String),
    /// A page event or answer did not have the protocol's shape.
    #[error("bad bridge message: {0}")]
    Protocol(String),
    /// A file of the profile or of the media store could not be read or written.
    #[error("file system: {0}")]
    Io(String),
    /// The session is not running on this instance, or not logged in.
    #[error("the session is not available: {0}")]
    NotRunning(String),
    /// The domain refused what the session reported (unknown channel, invalid data).
    #[error("domain: {0}")]
    Domain(String),
}

impl SessionError {
    /// The page's error name, when the page refused a command.
    pub fn page_error_name(&self) -> Option<&str> {
        match self {
            SessionError::Page { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// Results of this crate.
pub type Result<T, E = SessionError> = std::result::Result<T, E>;
