//! Quick replies ("respostas rápidas").

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::error::{DomainError, Result};
use crate::ids::{FastReplyId, TenantId, UserId};
use crate::validate;

/// A quick reply row (`FastReply`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FastReply {
    /// Id.
    pub id: FastReplyId,
    /// Shortcut.
    pub key: String,
    /// Text.
    pub message: String,
    /// Media URLs.
    pub medias: Option<Vec<String>>,
    /// Last editor.
    pub user_id: Option<UserId>,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A quick reply to create, or the full new state of one.
#[derive(Debug, Clone, PartialEq)]
pub struct FastReplyInput {
    /// Shortcut.
    pub key: String,
    /// Text.
    pub message: String,
    /// Media URLs.
    pub medias: Option<Vec<String>>,
}

impl FastReplyInput {
    /// Checks lengths (at most 20 media of 1 KiB each).
    pub fn validate(&self) -> Result<()> {
        validate::name("key", &self.key)?;
        validate::length("message", &self.message, 0, validate::TEXT_MAX)?;
        if let Some(medias) = &self.medias {
            if medias.len() > 20 {
                return Err(DomainError::invalid(
                    "ERR_TOO_MANY_MEDIAS",
                    "at most 20 medias per quick reply",
                ));
            }
            for m in medias {
                validate::length("medias", m, 1, 1024)?;
            }
        }
        Ok(())
    }
}

/// Quick replies of the caller's tenant.
#[async_trait]
pub trait FastReplyStore: Send + Sync {
    /// Creates a quick reply.
    async fn create(&self, cx: &TenantCtx, input: FastReplyInput) -> Result<FastReply>;
    /// One quick reply.
    async fn get(&self, cx: &TenantCtx, id: FastReplyId) -> Result<FastReply>;
    /// All quick replies, by key.
    async fn list(&self, cx: &TenantCtx) -> Result<Vec<FastReply>>;
    /// Replaces a quick reply's fields.
    async fn update(
        &self,
        cx: &TenantCtx,
        id: FastReplyId,
        input: FastReplyInput,
    ) -> Result<FastReply>;
    /// Deletes a quick reply (the row, not only its medias).
    async fn delete(&self, cx: &TenantCtx, id: FastReplyId) -> Result<()>;
}
