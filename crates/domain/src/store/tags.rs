//! Contact tags.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::error::Result;
use crate::ids::{TagId, TenantId, UserId};
use crate::validate;

/// A tag row (`Tags`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    /// Id.
    pub id: TagId,
    /// Label (unique per tenant).
    pub tag: String,
    /// Colour.
    pub color: String,
    /// Active flag.
    pub is_active: bool,
    /// Keyword that attaches the tag automatically.
    pub auto_tag: Option<String>,
    /// Last editor.
    pub user_id: Option<UserId>,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A tag to create, or the full new state of one.
#[derive(Debug, Clone, PartialEq)]
pub struct TagInput {
    /// Label.
    pub tag: String,
    /// Colour.
    pub color: String,
    /// Active flag.
    pub is_active: bool,
    /// Auto-tag keyword.
    pub auto_tag: Option<String>,
}

impl TagInput {
    /// Checks lengths.
    pub fn validate(&self) -> Result<()> {
        validate::name("tag", &self.tag)?;
        validate::name("color", &self.color)?;
        validate::opt_varchar("autoTag", self.auto_tag.as_deref())
    }
}

/// Tags of the caller's tenant.
#[async_trait]
pub trait TagStore: Send + Sync {
    /// Creates a tag; a used label is `ERR_TAG_ALREADY_EXISTS`.
    async fn create(&self, cx: &TenantCtx, input: TagInput) -> Result<Tag>;
    /// One tag.
    async fn get(&self, cx: &TenantCtx, id: TagId) -> Result<Tag>;
    /// All tags (only active ones when `only_active`), by label.
    async fn list(&self, cx: &TenantCtx, only_active: bool) -> Result<Vec<Tag>>;
    /// Replaces a tag's fields.
    async fn update(&self, cx: &TenantCtx, id: TagId, input: TagInput) -> Result<Tag>;
    /// Deletes a tag; refused with `ERR_TAG_CONTACTS_EXISTS` while contacts carry it.
    async fn delete(&self, cx: &TenantCtx, id: TagId) -> Result<()>;
}
