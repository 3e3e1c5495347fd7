//! Campaigns (bulk sends) and the contacts they target.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::enums::{CampaignStatus, MessageRandom};
use crate::error::{DomainError, Result};
use crate::ids::{CampaignId, ContactId, TenantId, UserId, WhatsappId};
use crate::validate;

/// A campaign row (`Campaigns`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Campaign {
    /// Id.
    pub id: CampaignId,
    /// Name.
    pub name: String,
    /// First send time.
    pub start: DateTime<Utc>,
    /// End (informative).
    pub end: Option<DateTime<Utc>>,
    /// Status.
    pub status: CampaignStatus,
    /// Sending channel.
    pub session_id: Option<WhatsappId>,
    /// Text 1 (`{name}` placeholder).
    pub message1: String,
    /// Text 2.
    pub message2: String,
    /// Text 3.
    pub message3: String,
    /// Media file name.
    pub media_url: Option<String>,
    /// Media MIME major type.
    pub media_type: Option<String>,
    /// Creator.
    pub user_id: Option<UserId>,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Seconds between contacts.
    pub delay: i32,
    /// Contacts to send to.
    pub total_messages: Option<i32>,
    /// Sent so far.
    pub sent_messages: Option<i32>,
    /// Failed so far.
    pub failed_messages: Option<i32>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A campaign to create, or the full new editable state of one.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignInput {
    /// Name.
    pub name: String,
    /// First send time.
    pub start: DateTime<Utc>,
    /// End.
    pub end: Option<DateTime<Utc>>,
    /// Sending channel (must belong to the tenant).
    pub session_id: WhatsappId,
    /// Text 1.
    pub message1: String,
    /// Text 2.
    pub message2: String,
    /// Text 3.
    pub message3: String,
    /// Media file name.
    pub media_url: Option<String>,
    /// Media type.
    pub media_type: Option<String>,
    /// Seconds between contacts (1 to 86 400).
    pub delay: i32,
}

impl CampaignInput {
    /// Checks lengths and the delay.
    pub fn validate(&self) -> Result<()> {
        validate::name("name", &self.name)?;
        for (field, text) in [
            ("message1", &self.message1),
            ("message2", &self.message2),
            ("message3", &self.message3),
        ] {
            validate::length(field, text, 1, validate::TEXT_MAX)?;
        }
        validate::opt_varchar("mediaUrl", self.media_url.as_deref())?;
        validate::opt_varchar("mediaType", self.media_type.as_deref())?;
        if !(1..=86_400).contains(&self.delay) {
            return Err(DomainError::invalid(
                "ERR_INVALID_DELAY",
                "delay must be between 1 and 86400 seconds",
            ));
        }
        if self.end.is_some_and(|end| end < self.start) {
            return Err(DomainError::invalid(
                "ERR_INVALID_CAMPAIGN_DATES",
                "end must not be before start",
            ));
        }
        Ok(())
    }
}

/// A contact targeted by a campaign (`CampaignContacts`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignContact {
    /// Row id.
    pub id: i32,
    /// Campaign.
    pub campaign_id: CampaignId,
    /// Contact.
    pub contact_id: ContactId,
    /// Which text was picked.
    pub message_random: MessageRandom,
    /// Text actually sent.
    pub body: Option<String>,
    /// Media sent.
    pub media_name: Option<String>,
    /// Provider id of the sent message.
    pub message_id: Option<String>,
    /// Job id.
    pub job_id: Option<String>,
    /// Delivery state.
    pub ack: i32,
    /// Send time (epoch seconds).
    pub timestamp: Option<i32>,
}

/// Campaigns of the caller's tenant.
#[async_trait]
pub trait CampaignStore: Send + Sync {
    /// Creates a campaign (`pending`); the caller becomes its creator.
    async fn create(&self, cx: &TenantCtx, input: CampaignInput) -> Result<Campaign>;
    /// One campaign.
    async fn get(&self, cx: &TenantCtx, id: CampaignId) -> Result<Campaign>;
    /// All campaigns, newest first.
    async fn list(&self, cx: &TenantCtx) -> Result<Vec<Campaign>>;
    /// Replaces a campaign's fields; only while `pending` or `canceled`.
    async fn update(
        &self,
        cx: &TenantCtx,
        id: CampaignId,
        input: CampaignInput,
    ) -> Result<Campaign>;
    /// Sets the status.
    async fn set_status(
        &self,
        cx: &TenantCtx,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Result<Campaign>;
    /// Deletes a campaign; only while `pending` or `canceled`.
    async fn delete(&self, cx: &TenantCtx, id: CampaignId) -> Result<()>;
    /// Adds contacts (skipping ones already in it); every contact must belong to the tenant.
    /// Returns how many were added.
    async fn add_contacts(
        &self,
        cx: &TenantCtx,
        id: CampaignId,
        contacts: &[ContactId],
    ) -> Result<u64>;
    /// The campaign's contacts.
    async fn contacts(&self, cx: &TenantCtx, id: CampaignId) -> Result<Vec<CampaignContact>>;
    /// Removes one contact from the campaign.
    async fn remove_contact(
        &self,
        cx: &TenantCtx,
        id: CampaignId,
        contact: ContactId,
    ) -> Result<()>;
}
