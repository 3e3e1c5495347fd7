//! Users of a tenant and their queues.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::enums::{UserProfile, UserStatus};
use crate::error::Result;
use crate::ids::{QueueId, TenantId, UserId};
use crate::store::page::{Page, PageRequest};
use crate::store::queues::Queue;
use crate::validate;

/// A user row (`Users`), without its password hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// Login e-mail (unique across tenants).
    pub email: String,
    /// Role.
    pub profile: UserProfile,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Bumped by logout and password change; tokens carrying an older value are refused.
    pub token_version: i32,
    /// Presence flag set at login/logout.
    pub is_online: Option<bool>,
    /// Presence.
    pub status: UserStatus,
    /// UI preferences.
    pub configs: Option<serde_json::Value>,
    /// Last login.
    pub last_login: Option<DateTime<Utc>>,
    /// Last logout.
    pub last_logout: Option<DateTime<Utc>>,
    /// Last seen online.
    pub last_online: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A user to create; the password is already hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    /// Display name (2 to 255 characters).
    pub name: String,
    /// Login e-mail.
    pub email: String,
    /// Hash from [`crate::password::hash_password`].
    pub password_hash: String,
    /// Role.
    pub profile: UserProfile,
    /// UI preferences.
    pub configs: Option<serde_json::Value>,
}

impl NewUser {
    /// Checks name and e-mail.
    pub fn validate(&self) -> Result<()> {
        validate::length("name", &self.name, 2, validate::VARCHAR_MAX)?;
        validate::email("email", self.email.trim())
    }
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserPatch {
    /// New name.
    pub name: Option<String>,
    /// New e-mail.
    pub email: Option<String>,
    /// New password hash (also bumps the token version).
    pub password_hash: Option<String>,
    /// New role.
    pub profile: Option<UserProfile>,
    /// New UI preferences (replaces the object).
    pub configs: Option<serde_json::Value>,
    /// New presence.
    pub status: Option<UserStatus>,
    /// New online flag.
    pub is_online: Option<bool>,
    /// Login time.
    pub last_login: Option<DateTime<Utc>>,
    /// Logout time.
    pub last_logout: Option<DateTime<Utc>>,
    /// Last seen online.
    pub last_online: Option<DateTime<Utc>>,
}

impl UserPatch {
    /// Checks every field that is set.
    pub fn validate(&self) -> Result<()> {
        if let Some(name) = &self.name {
            validate::length("name", name, 2, validate::VARCHAR_MAX)?;
        }
        if let Some(email) = &self.email {
            validate::email("email", email.trim())?;
        }
        Ok(())
    }
}

/// Users of the caller's tenant.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user in the caller's tenant. A used e-mail (in any tenant) is a conflict.
    async fn create(&self, cx: &TenantCtx, new: NewUser) -> Result<User>;
    /// One user.
    async fn get(&self, cx: &TenantCtx, id: UserId) -> Result<User>;
    /// Users matching `search` (name or e-mail), by name.
    async fn list(
        &self,
        cx: &TenantCtx,
        search: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<User>>;
    /// How many users the tenant has (for the user quota).
    async fn count(&self, cx: &TenantCtx) -> Result<u64>;
    /// Updates a user.
    async fn update(&self, cx: &TenantCtx, id: UserId, patch: UserPatch) -> Result<User>;
    /// Deletes a user; their open tickets go back to pending first.
    async fn delete(&self, cx: &TenantCtx, id: UserId) -> Result<()>;
    /// The stored password hash of a user (for password checks).
    async fn password_hash(&self, cx: &TenantCtx, id: UserId) -> Result<String>;
    /// Invalidates every token of the user; returns the new version.
    async fn bump_token_version(&self, cx: &TenantCtx, id: UserId) -> Result<i32>;
    /// Replaces the user's queues; every queue must belong to the tenant.
    async fn set_queues(
        &self,
        cx: &TenantCtx,
        id: UserId,
        queues: &[QueueId],
    ) -> Result<Vec<Queue>>;
    /// The user's queues.
    async fn queues(&self, cx: &TenantCtx, id: UserId) -> Result<Vec<Queue>>;
    /// The queues of several users of the caller's tenant in one read, as (user, queue) pairs
    /// ordered by queue id; ids of other tenants' users yield nothing.
    async fn queues_of_many(&self, cx: &TenantCtx, ids: &[UserId]) -> Result<Vec<(UserId, Queue)>>;
    /// Replaces the stored hash with an upgraded hash of the *same* password (bcrypt to
    /// argon2id at login); unlike a password change it keeps the user's tokens valid.
    async fn rehash_password(&self, cx: &TenantCtx, id: UserId, hash: &str) -> Result<()>;
}
