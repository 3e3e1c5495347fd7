//! Tenants (companies) and the global login lookup: the only data that is not tenant-scoped.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::{PlatformCtx, TenantCtx};
use crate::enums::{TenantStatus, UserProfile};
use crate::error::Result;
use crate::ids::{TenantId, UserId};
use crate::store::channels::Channel;
use crate::store::page::{Page, PageRequest};
use crate::store::users::User;
use crate::validate;

/// A tenant row (`Tenants`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    /// Id.
    pub id: TenantId,
    /// `active` tenants can log in.
    pub status: TenantStatus,
    /// The owning user, if set.
    pub owner_id: Option<UserId>,
    /// Company name.
    pub name: String,
    /// Business hours, the JSON array of data-model.md §2.11.
    pub business_hours: Option<serde_json::Value>,
    /// Text sent outside business hours.
    pub message_business_hours: Option<String>,
    /// User quota.
    pub max_users: i32,
    /// Channel quota.
    pub max_connections: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A tenant to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTenant {
    /// Company name (2 to 255 characters).
    pub name: String,
    /// Initial status.
    pub status: TenantStatus,
    /// User quota (≥ 0).
    pub max_users: i32,
    /// Channel quota (≥ 0).
    pub max_connections: i32,
    /// Business hours JSON.
    pub business_hours: serde_json::Value,
    /// Away text.
    pub message_business_hours: Option<String>,
}

impl NewTenant {
    /// Checks lengths and quotas.
    pub fn validate(&self) -> Result<()> {
        validate::length("name", &self.name, 2, validate::VARCHAR_MAX)?;
        validate::non_negative("maxUsers", self.max_users)?;
        validate::non_negative("maxConnections", self.max_connections)?;
        validate::opt_text(
            "messageBusinessHours",
            self.message_business_hours.as_deref(),
        )
    }
}

/// Changes to a tenant; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenantPatch {
    /// New name.
    pub name: Option<String>,
    /// New status.
    pub status: Option<TenantStatus>,
    /// New user quota.
    pub max_users: Option<i32>,
    /// New channel quota.
    pub max_connections: Option<i32>,
    /// New business hours.
    pub business_hours: Option<serde_json::Value>,
    /// New away text.
    pub message_business_hours: Option<String>,
    /// New owner (`Some(None)` clears it).
    pub owner_id: Option<Option<UserId>>,
}

impl TenantPatch {
    /// Checks every field that is set.
    pub fn validate(&self) -> Result<()> {
        if let Some(name) = &self.name {
            validate::length("name", name, 2, validate::VARCHAR_MAX)?;
        }
        if let Some(v) = self.max_users {
            validate::non_negative("maxUsers", v)?;
        }
        if let Some(v) = self.max_connections {
            validate::non_negative("maxConnections", v)?;
        }
        validate::opt_text(
            "messageBusinessHours",
            self.message_business_hours.as_deref(),
        )
    }
}

/// What login needs about a user, found by e-mail across all tenants.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginRecord {
    /// The user.
    pub user: User,
    /// The stored password hash (argon2id, or bcrypt for imported users).
    pub password_hash: String,
    /// The status of the user's tenant.
    pub tenant_status: TenantStatus,
}

/// Tenants themselves, and the few global lookups.
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Creates a tenant (platform work: super-admin or CLI).
    async fn create(&self, p: &PlatformCtx, new: NewTenant) -> Result<Tenant>;
    /// Every tenant, by id.
    async fn list(&self, p: &PlatformCtx) -> Result<Vec<Tenant>>;
    /// Any tenant by id.
    async fn get(&self, p: &PlatformCtx, id: TenantId) -> Result<Tenant>;
    /// Updates any tenant.
    async fn update(&self, p: &PlatformCtx, id: TenantId, patch: TenantPatch) -> Result<Tenant>;
    /// The caller's own tenant.
    async fn current(&self, cx: &TenantCtx) -> Result<Tenant>;
    /// Updates the caller's own tenant (business hours, away text).
    async fn update_current(&self, cx: &TenantCtx, patch: TenantPatch) -> Result<Tenant>;
    /// Login lookup by e-mail (e-mails are unique across tenants). `None` when unknown.
    async fn find_login(&self, email: &str) -> Result<Option<LoginRecord>>;
    /// The super-admins of the platform (for seeding and checks).
    async fn count_users_with_profile(&self, p: &PlatformCtx, profile: UserProfile) -> Result<u64>;
    /// Deletes a tenant and all its data, in one transaction.
    async fn delete(&self, p: &PlatformCtx, id: TenantId) -> Result<()>;
    /// Users of every tenant (or of one), whose name or e-mail contains `search`, by name.
    async fn list_users(
        &self,
        p: &PlatformCtx,
        search: Option<&str>,
        tenant: Option<TenantId>,
        page: PageRequest,
    ) -> Result<Page<User>>;
    /// The tenant a user belongs to (`ERR_NO_USER_FOUND` when the user does not exist).
    async fn tenant_of_user(&self, p: &PlatformCtx, user: UserId) -> Result<TenantId>;
    /// Channels of every tenant (or of one), by tenant then name.
    async fn list_channels(
        &self,
        p: &PlatformCtx,
        tenant: Option<TenantId>,
    ) -> Result<Vec<Channel>>;
}
