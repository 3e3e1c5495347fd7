//! The one place where failures become HTTP responses: every error leaves as
//! `{"error": "ERR_...", "message": "..."}` with a 4xx status for anything the client did
//! wrong, and a 5xx only for a real server-side failure.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use tiktickets_domain::DomainError;

/// The error type of the HTTP layer.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A failure reported by the domain or a store.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// No token, a bad token or an expired one (the client logs out on 401).
    #[error("{message}")]
    Unauthorized {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
    },
    /// Malformed input: bad JSON, a wrong type, a bad query parameter.
    #[error("{message}")]
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// Explanation naming the field.
        message: String,
    },
    /// Well-formed input that breaks a validation rule.
    #[error("{message}")]
    Unprocessable {
        /// Stable code.
        code: &'static str,
        /// Explanation naming the fields.
        message: String,
    },
    /// Too many attempts (login throttling).
    #[error("{message}")]
    TooManyRequests {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
        /// Seconds until the next attempt is accepted.
        retry_after_secs: u64,
    },
    /// A body or file over the configured limit.
    #[error("{message}")]
    PayloadTooLarge {
        /// Explanation.
        message: String,
    },
    /// No such route.
    #[error("{message}")]
    RouteNotFound {
        /// Explanation.
        message: String,
    },
    /// A server-side failure (disk, encoding); the text goes to the log, not to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A 400 with a code and a message.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// A 401 with a code and a message.
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Unauthorized {
            code,
            message: message.into(),
        }
    }

    /// A 422 with a code and a message.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Unprocessable {
            code,
            message: message.into(),
        }
    }

    /// The stable code sent in `error`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Domain(e) => e.code(),
            ApiError::Unauthorized { code, .. }
            | ApiError::BadRequest { code, .. }
            | ApiError::Unprocessable { code, .. }
            | ApiError::TooManyRequests { code, .. } => code,
            ApiError::PayloadTooLarge { .. } => "ERR_PAYLOAD_TOO_LARGE",
            ApiError::RouteNotFound { .. } => "ERR_ROUTE_NOT_FOUND",
            ApiError::Internal(_) => "ERR_INTERNAL",
        }
    }

    fn client_message(&self) -> String {
        match self {
            ApiError::Domain(DomainError::Unavailable(_)) => {
                "a service the server depends on is unavailable; try again".to_owned()
            }
            ApiError::Internal(_) => "the server failed to handle the request".to_owned(),
            other => other.to_string(),
        }
    }
}

/// The JSON body of every error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable `ERR_...` code.
    pub error: String,
    /// Human-readable explanation.
    pub message: String,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Domain(e) => match e {
                DomainError::NotFound { .. } => StatusCode::NOT_FOUND,
                DomainError::Conflict { .. } => StatusCode::CONFLICT,
                DomainError::Invalid { .. } => StatusCode::BAD_REQUEST,
                DomainError::Forbidden { .. } => StatusCode::FORBIDDEN,
                DomainError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            },
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RouteNotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, code = self.code(), "request failed");
        }
        let mut response = HttpResponse::build(status);
        if let ApiError::TooManyRequests {
            retry_after_secs, ..
        } = self
        {
            response.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        response.json(ErrorBody {
            error: self.code().to_owned(),
            message: self.client_message(),
        })
    }
}

/// Every failed rule as `path: reason`, nested structs and list items included
/// (`extraInfo[1].name: length`).
fn collect_validation(prefix: &str, errors: &validator::ValidationErrors, out: &mut Vec<String>) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(errs) => {
                let reasons: Vec<String> = errs
                    .iter()
                    .map(|e| {
                        e.message
                            .as_ref()
                            .map(|m| m.to_string())
                            .unwrap_or_else(|| e.code.to_string())
                    })
                    .collect();
                out.push(format!("{path}: {}", reasons.join(", ")));
            }
            ValidationErrorsKind::Struct(inner) => collect_validation(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect_validation(&format!("{path}[{i}]"), inner, out);
                }
            }
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut parts = Vec::new();
        collect_validation("", &errors, &mut parts);
        parts.sort();
        if parts.is_empty() {
            parts.push("the request breaks a validation rule".to_owned());
        }
        ApiError::unprocessable("ERR_VALIDATION", parts.join("; "))
    }
}

/// Runs a DTO's `validator` rules.
pub fn validated<T: validator::Validate>(dto: T) -> ApiResult<T> {
    dto.validate()?;
    Ok(dto)
}
