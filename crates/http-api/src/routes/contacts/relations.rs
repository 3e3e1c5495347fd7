//! The tags, wallets and custom fields a contact form asks for: every referenced id is checked
//! in the caller's tenant *before* the contact is written (reference defects ), then
//! applied with the store's replace semantics.

use tiktickets_domain::TenantCtx;
use tiktickets_domain::ids::{ContactId, CustomFieldId, TagId, UserId};
use tiktickets_domain::store::contacts::{Contact, CustomFieldInput};

use super::dto::{self, ContactBody};
use crate::error::ApiResult;
use crate::state::ApiState;

/// Checked relations, ready to apply; `None` leaves a relation as it is.
#[derive(Debug, Default)]
pub struct Relations {
    tags: Option<Vec<TagId>>,
    wallets: Option<Vec<UserId>>,
    fields: Option<Vec<CustomFieldInput>>,
}

/// Every tag must be a tag of the caller's tenant (else 404 `ERR_NO_TAG_FOUND`).
pub async fn check_tags(state: &ApiState, cx: &TenantCtx, tags: &[TagId]) -> ApiResult<()> {
    for tag in tags {
        state.stores.tags.get(cx, *tag).await?;
    }
    Ok(())
}

/// Every user must be a user of the caller's tenant (else 404 `ERR_NO_USER_FOUND`).
pub async fn check_users(state: &ApiState, cx: &TenantCtx, users: &[UserId]) -> ApiResult<()> {
    for user in users {
        state.stores.users.get(cx, *user).await?;
    }
    Ok(())
}

impl Relations {
    /// Reads and checks the relations of a contact body. `current` is the contact being
    /// edited (custom-field ids must be its fields), `None` for a new contact (whose fields
    /// are all new, so ids are ignored).
    pub async fn checked(
        state: &ApiState,
        cx: &TenantCtx,
        body: &ContactBody,
        current: Option<&Contact>,
    ) -> ApiResult<Self> {
        let tags = body.tags.as_deref().map(|t| dto::distinct(t, TagId::new));
        if let Some(tags) = &tags {
            check_tags(state, cx, tags).await?;
        }
        let wallets = body
            .wallets
            .as_deref()
            .map(|w| dto::distinct(w, UserId::new));
        if let Some(wallets) = &wallets {
            check_users(state, cx, wallets).await?;
        }
        let fields = match &body.extra_info {
            None => None,
            Some(items) => Some(Self::fields(state, cx, items, current).await?),
        };
        Ok(Self {
            tags,
            wallets,
            fields,
        })
    }

    async fn fields(
        state: &ApiState,
        cx: &TenantCtx,
        items: &[dto::ExtraInfoItem],
        current: Option<&Contact>,
    ) -> ApiResult<Vec<CustomFieldInput>> {
        let existing = match current {
            Some(contact) => state.stores.contacts.custom_fields(cx, contact.id).await?,
            None => Vec::new(),
        };
        let mut fields = Vec::with_capacity(items.len());
        for item in items {
            let id = match (current, item.id) {
                (Some(_), Some(id)) => {
                    let id = CustomFieldId::new(id.0);
                    if !existing.iter().any(|f| f.id == id) {
                        return Err(tiktickets_domain::DomainError::not_found(
                            "custom field",
                            "ERR_NO_CUSTOM_FIELD_FOUND",
                        )
                        .into());
                    }
                    Some(id)
                }
                _ => None,
            };
            let field = CustomFieldInput {
                id,
                name: item.name.as_deref().unwrap_or_default().trim().to_owned(),
                value: item.value.clone().unwrap_or_default(),
            };
            field.validate()?;
            fields.push(field);
        }
        Ok(fields)
    }

    /// Writes the relations given; true when any was.
    pub async fn apply(self, state: &ApiState, cx: &TenantCtx, id: ContactId) -> ApiResult<bool> {
        let mut changed = false;
        if let Some(wallets) = self.wallets {
            state.stores.contacts.set_wallets(cx, id, &wallets).await?;
            changed = true;
        }
        if let Some(fields) = self.fields {
            state
                .stores
                .contacts
                .set_custom_fields(cx, id, fields)
                .await?;
            changed = true;
        }
        if let Some(tags) = self.tags {
            state.stores.contacts.set_tags(cx, id, &tags).await?;
            changed = true;
        }
        Ok(changed)
    }
}
