//! Contacts with their tags, wallets (owning agents) and custom fields.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ctx::TenantCtx;
use crate::error::Result;
use crate::ids::{ContactId, CustomFieldId, TagId, TenantId, UserId};
use crate::phone::ContactNumber;
use crate::store::page::{Page, PageRequest};
use crate::store::tags::Tag;
use crate::validate;

/// A contact row (`Contacts`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// Id.
    pub id: ContactId,
    /// Name; never overwritten by inbound traffic.
    pub name: String,
    /// Digits for people, the WhatsApp id for groups; `None` for channels without numbers.
    pub number: Option<String>,
    /// Avatar URL.
    pub profile_pic_url: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// A group chat.
    pub is_group: bool,
    /// Tenant.
    pub tenant_id: TenantId,
    /// WhatsApp push name.
    pub pushname: Option<String>,
    /// WhatsApp "is user".
    pub is_user: Option<bool>,
    /// WhatsApp "is WhatsApp contact".
    #[serde(rename = "isWAContact")]
    pub is_wa_contact: Option<bool>,
    /// Telegram chat id.
    pub telegram_id: Option<i64>,
    /// Instagram id.
    #[serde(rename = "instagramPK")]
    pub instagram_pk: Option<i64>,
    /// Messenger PSID.
    pub messenger_id: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A contact to create by hand (or the full new state of one).
#[derive(Debug, Clone, PartialEq)]
pub struct ContactInput {
    /// Name.
    pub name: String,
    /// Normalised number, see [`crate::phone::normalize`].
    pub number: Option<ContactNumber>,
    /// E-mail.
    pub email: Option<String>,
    /// Avatar URL.
    pub profile_pic_url: Option<String>,
}

impl ContactInput {
    /// Checks lengths and the e-mail.
    pub fn validate(&self) -> Result<()> {
        validate::name("name", &self.name)?;
        if let Some(email) = self.email.as_deref().filter(|e| !e.is_empty()) {
            validate::email("email", email)?;
        }
        validate::opt_text("profilePicUrl", self.profile_pic_url.as_deref())
    }
}

/// What an inbound message tells us about its sender.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundContact {
    /// The sender's (or group's) number.
    pub number: ContactNumber,
    /// The best name WhatsApp gives (used only when the contact is new).
    pub name: Option<String>,
    /// Push name.
    pub pushname: Option<String>,
    /// Avatar URL.
    pub profile_pic_url: Option<String>,
    /// WhatsApp "is user".
    pub is_user: Option<bool>,
    /// WhatsApp "is WhatsApp contact".
    pub is_wa_contact: Option<bool>,
}

impl InboundContact {
    /// Checks lengths.
    pub fn validate(&self) -> Result<()> {
        validate::opt_varchar("name", self.name.as_deref())?;
        validate::opt_varchar("pushname", self.pushname.as_deref())?;
        validate::opt_text("profilePicUrl", self.profile_pic_url.as_deref())
    }
}

/// A custom field of a contact (`ContactCustomFields`, shown as `extraInfo`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomField {
    /// Id.
    pub id: CustomFieldId,
    /// Field name.
    pub name: String,
    /// Field value.
    pub value: String,
    /// Owner.
    pub contact_id: ContactId,
}

/// A custom field to keep: with an id, the existing field of *this* contact is updated.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomFieldInput {
    /// An existing field of the same contact, or `None` for a new one.
    pub id: Option<CustomFieldId>,
    /// Field name.
    pub name: String,
    /// Field value.
    pub value: String,
}

impl CustomFieldInput {
    /// Checks lengths.
    pub fn validate(&self) -> Result<()> {
        validate::name("extraInfo.name", &self.name)?;
        validate::length("extraInfo.value", &self.value, 0, validate::VARCHAR_MAX)
    }
}

/// Contacts of the caller's tenant.
#[async_trait]
pub trait ContactStore: Send + Sync {
    /// Creates a contact; an existing number is `ERR_DUPLICATED_CONTACT`.
    async fn create(&self, cx: &TenantCtx, input: ContactInput) -> Result<Contact>;
    /// One contact.
    async fn get(&self, cx: &TenantCtx, id: ContactId) -> Result<Contact>;
    /// Contacts whose name or number contains `search`, by name.
    async fn list(
        &self,
        cx: &TenantCtx,
        search: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Contact>>;
    /// Replaces a contact's editable fields.
    async fn update(&self, cx: &TenantCtx, id: ContactId, input: ContactInput) -> Result<Contact>;
    /// Deletes a contact; refused with `ERR_CONTACT_TICKETS_REGISTERED` while tickets exist.
    async fn delete(&self, cx: &TenantCtx, id: ContactId) -> Result<()>;
    /// The contact with this number in any of its equivalent forms (Brazilian ninth digit).
    async fn find_by_number(
        &self,
        cx: &TenantCtx,
        number: &ContactNumber,
    ) -> Result<Option<Contact>>;
    /// Finds the sender of an inbound message or creates it; refreshes avatar and push name
    /// but never the name. Safe under concurrency: one contact per number.
    async fn upsert_inbound(&self, cx: &TenantCtx, inbound: InboundContact) -> Result<Contact>;
    /// Replaces the contact's tags; every tag must belong to the tenant.
    async fn set_tags(&self, cx: &TenantCtx, id: ContactId, tags: &[TagId]) -> Result<Vec<Tag>>;
    /// The contact's tags.
    async fn tags(&self, cx: &TenantCtx, id: ContactId) -> Result<Vec<Tag>>;
    /// Replaces the contact's wallet owners; every user must belong to the tenant.
    async fn set_wallets(
        &self,
        cx: &TenantCtx,
        id: ContactId,
        users: &[UserId],
    ) -> Result<Vec<UserId>>;
    /// The contact's wallet owners.
    async fn wallets(&self, cx: &TenantCtx, id: ContactId) -> Result<Vec<UserId>>;
    /// Replaces the contact's custom fields (ids must be fields of this contact).
    async fn set_custom_fields(
        &self,
        cx: &TenantCtx,
        id: ContactId,
        fields: Vec<CustomFieldInput>,
    ) -> Result<Vec<CustomField>>;
    /// The contact's custom fields.
    async fn custom_fields(&self, cx: &TenantCtx, id: ContactId) -> Result<Vec<CustomField>>;
    /// Contacts matching a query (search, tags, wallets, agent visibility), by name.
    async fn query(&self, cx: &TenantCtx, query: &ContactQuery) -> Result<Page<Contact>>;
    /// The contacts with these ids that exist in the tenant (any order; unknown ids skipped).
    async fn get_many(&self, cx: &TenantCtx, ids: &[ContactId]) -> Result<Vec<Contact>>;
    /// The tags of several contacts at once, as `(contact, tag)` pairs.
    async fn tags_of_many(
        &self,
        cx: &TenantCtx,
        ids: &[ContactId],
    ) -> Result<Vec<(ContactId, Tag)>>;
    /// How many contacts were created in `[from, to)`.
    async fn count_created_between(
        &self,
        cx: &TenantCtx,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<u64>;
}

/// Filters of the contact list.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactQuery {
    /// Name or number contains this text (case-insensitive).
    pub search: Option<String>,
    /// Only contacts carrying at least one of these tags.
    pub tag_ids: Vec<TagId>,
    /// Only contacts in the wallet of one of these users.
    pub wallet_ids: Vec<UserId>,
    /// Rule C-9: only contacts without a wallet or in this agent's wallet. `None`: all (admins).
    pub visible_to: Option<UserId>,
    /// Only contacts created in `[from, to)`.
    pub created_from: Option<DateTime<Utc>>,
    /// See `created_from`.
    pub created_to: Option<DateTime<Utc>>,
    /// Only individual contacts (no groups).
    pub exclude_groups: bool,
    /// The page to read.
    pub page: PageRequest,
}

impl ContactQuery {
    /// A query with no filter for one page.
    pub fn all(page: PageRequest) -> Self {
        Self {
            search: None,
            tag_ids: Vec::new(),
            wallet_ids: Vec::new(),
            visible_to: None,
            created_from: None,
            created_to: None,
            exclude_groups: false,
            page,
        }
    }
}
