//! Request bodies of the user routes, and the tolerant id and number types that the user and
//! super-admin bodies share (the client sends ids as numbers, numeric strings or `{id}` objects).

use serde::Deserialize;
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::QueueId;
use tiktickets_domain::password::validate_new_password;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::passwords::PasswordWorker;
use crate::error::{ApiError, ApiResult};

/// An id as the client sends it: `3`, `"3"` or `{id: 3, ...}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum IdRef {
    /// A JSON number.
    Number(i64),
    /// A numeric string.
    Text(String),
    /// An object with an `id` (other fields ignored).
    Object {
        /// The id.
        id: Box<IdRef>,
    },
}

impl IdRef {
    /// The positive id, or 400 `ERR_INVALID_ID` naming `field`.
    pub fn positive(&self, field: &str) -> ApiResult<i32> {
        let raw = match self {
            IdRef::Number(n) => Some(*n),
            IdRef::Text(t) => t.trim().parse::<i64>().ok(),
            IdRef::Object { id } => return id.positive(field),
        };
        raw.and_then(|n| i32::try_from(n).ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                ApiError::bad_request("ERR_INVALID_ID", format!("{field} must hold positive ids"))
            })
    }
}

/// A whole number sent as a JSON number or a numeric string.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum IntLike {
    /// A JSON number.
    Number(i64),
    /// A numeric string.
    Text(String),
}

impl IntLike {
    /// The value when it lies in `min..=max`, else 422 `ERR_VALIDATION` naming `field`.
    pub fn within(&self, field: &str, min: i32, max: i32) -> ApiResult<i32> {
        let raw = match self {
            IntLike::Number(n) => Some(*n),
            IntLike::Text(t) => t.trim().parse::<i64>().ok(),
        };
        raw.and_then(|n| i32::try_from(n).ok())
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                ApiError::unprocessable(
                    "ERR_VALIDATION",
                    format!("{field} must be a whole number from {min} to {max}"),
                )
            })
    }
}

/// Most queues one user may be given in one request.
const MAX_QUEUES: usize = 1_000;

/// Queue ids from the client's list of ids or of queue objects.
pub fn queue_ids(refs: &[IdRef]) -> ApiResult<Vec<QueueId>> {
    if refs.len() > MAX_QUEUES {
        return Err(ApiError::unprocessable(
            "ERR_VALIDATION",
            format!("queues may list at most {MAX_QUEUES} queues"),
        ));
    }
    refs.iter()
        .map(|r| r.positive("queues").map(QueueId::new))
        .collect()
}

/// A password the client typed: `None` when absent, `null` or empty (the forms send the field
/// only when typed, but an empty box must not become a password).
pub fn typed_password(password: Option<&str>) -> Option<&str> {
    password.filter(|p| !p.is_empty())
}

/// Checks the rules of a new password and hashes it (on the password thread).
pub async fn new_password_hash(passwords: &PasswordWorker, password: &str) -> ApiResult<String> {
    validate_new_password(password)?;
    passwords.hash(password).await
}

/// [`new_password_hash`] of a typed password, if one was typed.
pub async fn typed_password_hash(
    passwords: &PasswordWorker,
    password: Option<&str>,
) -> ApiResult<Option<String>> {
    match typed_password(password) {
        Some(p) => Ok(Some(new_password_hash(passwords, p).await?)),
        None => Ok(None),
    }
}

/// `POST /users` body: `{name, email, profile, password, confirmPassword}`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserRequest {
    /// Display name (2 to 255 characters).
    #[validate(length(min = 2, max = 255))]
    pub name: String,
    /// Login e-mail, unique across all companies.
    #[validate(length(min = 3, max = 255))]
    pub email: String,
    /// `user` (default) or `admin`; `super` only for a super-admin.
    #[schema(value_type = Option<String>, example = "user")]
    pub profile: Option<UserProfile>,
    /// Password (6 to 1024 characters).
    #[validate(length(min = 1, max = 1024))]
    pub password: String,
    /// Must equal `password` when sent.
    #[validate(length(max = 1024))]
    pub confirm_password: Option<String>,
}

/// `PUT /users/{id}` body: the profile form's `{name, email, profile, password?}` or the queue
/// dialog's whole user object with `queues` as ids or queue objects. Other fields are ignored.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUserRequest {
    /// New name.
    #[validate(length(min = 2, max = 255))]
    pub name: Option<String>,
    /// New e-mail.
    #[validate(length(min = 3, max = 255))]
    pub email: Option<String>,
    /// New role (admins only; a non-admin may send their current one).
    #[schema(value_type = Option<String>, example = "admin")]
    pub profile: Option<UserProfile>,
    /// New password, only when typed.
    #[validate(length(max = 1024))]
    pub password: Option<String>,
    /// The user's queues: ids or `{id}` objects (admins only).
    #[schema(value_type = Option<Vec<i32>>)]
    pub queues: Option<Vec<IdRef>>,
}
