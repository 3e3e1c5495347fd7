//! The one error type of the domain: semantic variants only, no driver types.
//!
//! Every variant carries a stable `ERR_...` code that the HTTP layer sends to clients verbatim.

use thiserror::Error;

/// What went wrong, in the business's terms. Adapters map their own failures into it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// The row does not exist in the caller's tenant (rows of other tenants are invisible).
    #[error("{entity} not found")]
    NotFound {
        /// Stable code, e.g. `ERR_NO_TICKET_FOUND`.
        code: &'static str,
        /// Human name of the missing thing, e.g. `ticket`.
        entity: &'static str,
    },
    /// The change collides with existing data (a unique key, a row still referenced).
    #[error("{message}")]
    Conflict {
        /// Stable code, e.g. `ERR_DUPLICATED_CONTACT`.
        code: &'static str,
        /// Safe, human-readable explanation.
        message: String,
    },
    /// The input breaks a rule: a bad value, a forbidden transition, an over-long field.
    #[error("{message}")]
    Invalid {
        /// Stable code, e.g. `ERR_INVALID_STATUS`.
        code: &'static str,
        /// Safe, human-readable explanation naming the offending field or value.
        message: String,
    },
    /// The caller is known but not allowed to do this.
    #[error("{message}")]
    Forbidden {
        /// Stable code, e.g. `ERR_NO_PERMISSION`.
        code: &'static str,
        /// Safe, human-readable explanation.
        message: String,
    },
    /// A dependency (database, queue, browser) failed; the text is for logs, not for clients.
    #[error("service unavailable: {0}")]
    Unavailable(String),
}

impl DomainError {
    /// A missing row.
    pub fn not_found(entity: &'static str, code: &'static str) -> Self {
        DomainError::NotFound { code, entity }
    }

    /// An input that breaks a rule.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            code,
            message: message.into(),
        }
    }

    /// A collision with existing data.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        DomainError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A permission refusal.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        DomainError::Forbidden {
            code,
            message: message.into(),
        }
    }

    /// The stable `ERR_...` code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::NotFound { code, .. }
            | DomainError::Conflict { code, .. }
            | DomainError::Invalid { code, .. }
            | DomainError::Forbidden { code, .. } => code,
            DomainError::Unavailable(_) => "ERR_SERVICE_UNAVAILABLE",
        }
    }
}

/// Result of every domain operation.
pub type Result<T, E = DomainError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::DomainError;

    #[test]
    fn every_variant_has_an_err_code() {
        let errors = [
            DomainError::not_found("ticket", "ERR_NO_TICKET_FOUND"),
            DomainError::invalid("ERR_INVALID_STATUS", "bad"),
            DomainError::conflict("ERR_DUPLICATED_CONTACT", "dup"),
            DomainError::forbidden("ERR_NO_PERMISSION", "no"),
            DomainError::Unavailable("db down".into()),
        ];
        for e in errors {
            assert!(e.code().starts_with("ERR_"), "{e:?}");
        }
    }

    #[test]
    fn messages_are_human_readable() {
        assert_eq!(
            DomainError::not_found("ticket", "ERR_NO_TICKET_FOUND").to_string(),
            "ticket not found"
        );
        assert_eq!(
            DomainError::invalid("ERR_X", "name is too long").to_string(),
            "name is too long"
        );
    }
}
