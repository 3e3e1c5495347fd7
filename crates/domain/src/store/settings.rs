//! Per-tenant settings: string values under well-known keys.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::error::Result;
use crate::ids::{SettingId, TenantId};
use crate::validate;

/// The settings every tenant starts with, and their defaults (data-model.md §6.3, plus
/// `newTicketTransference` and `daysToClose`, which the reference only half-seeds).
pub const DEFAULT_SETTINGS: &[(&str, &str)] = &[
    ("userCreation", "disabled"),
    ("NotViewTicketsQueueUndefined", "disabled"),
    ("NotViewTicketsChatBot", "disabled"),
    ("DirectTicketsToWallets", "disabled"),
    ("NotViewAssignedTickets", "disabled"),
    ("botTicketActive", "3"),
    ("ignoreGroupMsg", "enabled"),
    ("rejectCalls", "disabled"),
    (
        "callRejectMessage",
        "As chamadas de voz e vídeo estão desabilitas para esse WhatsApp, favor enviar uma mensagem de texto.",
    ),
    ("newTicketTransference", "disabled"),
    ("daysToClose", "7"),
];

/// A setting row (`Settings`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Setting {
    /// Id.
    pub id: SettingId,
    /// Key (unique per tenant).
    pub key: String,
    /// Value.
    pub value: String,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// Checks a key and value before they are stored.
pub fn validate_setting(key: &str, value: &str) -> Result<()> {
    validate::name("key", key)?;
    validate::length("value", value, 0, validate::TEXT_MAX)
}

/// Settings of the caller's tenant.
#[async_trait]
pub trait SettingStore: Send + Sync {
    /// Every setting, by key.
    async fn list(&self, cx: &TenantCtx) -> Result<Vec<Setting>>;
    /// One setting, `None` when the key is not set.
    async fn get(&self, cx: &TenantCtx, key: &str) -> Result<Option<Setting>>;
    /// Sets a key (creating it when missing).
    async fn upsert(&self, cx: &TenantCtx, key: &str, value: &str) -> Result<Setting>;
}
