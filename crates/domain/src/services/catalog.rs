//! Use cases that change contacts, channels and settings: each checks the caller's role where
//! the reference intends one, writes through the store and publishes the change.

use crate::ctx::TenantCtx;
use crate::enums::{ChannelStatus, ChannelType};
use crate::error::{DomainError, Result};
use crate::events::DomainEvent;
use crate::ids::{ContactId, WhatsappId};
use crate::phone::ContactNumber;
use crate::services::Services;
use crate::store::channels::{Channel, ChannelInput, SessionState};
use crate::store::contacts::{Contact, ContactInput};
use crate::store::settings::{Setting, validate_setting};

/// A number WhatsApp says has no account.
pub const ERR_INVALID_CONTACT: &str = "ERR_WAPP_INVALID_CONTACT";

/// Code of the channel quota refusal (rule L-2).
pub const ERR_CONNECTIONS_LIMIT: &str = "ERR_NO_PERMISSION_CONNECTIONS_LIMIT";

impl Services {
    /// Creates a contact and publishes it.
    pub async fn create_contact(&self, cx: &TenantCtx, input: ContactInput) -> Result<Contact> {
        let input = self.checked_on_whatsapp(cx, input).await?;
        let contact = self.stores.contacts.create(cx, input).await?;
        self.publish(DomainEvent::ContactUpdated {
            contact: Box::new(contact.clone()),
        });
        Ok(contact)
    }

    /// Replaces a contact's fields and publishes it.
    pub async fn update_contact(
        &self,
        cx: &TenantCtx,
        id: ContactId,
        input: ContactInput,
    ) -> Result<Contact> {
        let input = self.checked_on_whatsapp(cx, input).await?;
        let contact = self.stores.contacts.update(cx, id, input).await?;
        self.publish(DomainEvent::ContactUpdated {
            contact: Box::new(contact.clone()),
        });
        Ok(contact)
    }

    /// A typed phone number checked through the tenant's default connected WhatsApp channel
    /// (behaviour.md §3.7 row 29): refused with `ERR_WAPP_INVALID_CONTACT` when WhatsApp says
    /// it has no account, written as WhatsApp knows it (e.g. with or without the Brazilian
    /// ninth digit), with its profile picture. Without a connected channel, or when WhatsApp
    /// does not answer, the typed number is kept.
    async fn checked_on_whatsapp(
        &self,
        cx: &TenantCtx,
        mut input: ContactInput,
    ) -> Result<ContactInput> {
        let Some(ContactNumber::Phone(digits)) = input.number.clone() else {
            return Ok(input);
        };
        let channels = self.stores.channels.list(cx).await?;
        let Some(channel) = channels
            .iter()
            .filter(|c| {
                c.r#type == ChannelType::Whatsapp && c.status == Some(ChannelStatus::Connected)
            })
            .max_by_key(|c| c.is_default)
        else {
            return Ok(input);
        };
        match self.gateway.check_number(cx, channel.id, &digits).await {
            Ok(None) => Err(DomainError::invalid(
                ERR_INVALID_CONTACT,
                format!("{digits} has no WhatsApp account"),
            )),
            Ok(Some(wid)) => {
                if let Ok(ContactNumber::Phone(known)) = crate::phone::normalize(&wid) {
                    input.number = Some(ContactNumber::Phone(known.clone()));
                    if input.profile_pic_url.is_none()
                        && let Ok(picture) =
                            self.gateway.profile_picture(cx, channel.id, &known).await
                    {
                        input.profile_pic_url = picture;
                    }
                }
                Ok(input)
            }
            Err(_) => Ok(input),
        }
    }

    /// Publishes a contact whose tags, wallets or custom fields changed.
    pub async fn contact_changed(&self, cx: &TenantCtx, id: ContactId) -> Result<Contact> {
        let contact = self.stores.contacts.get(cx, id).await?;
        self.publish(DomainEvent::ContactUpdated {
            contact: Box::new(contact.clone()),
        });
        Ok(contact)
    }

    /// Deletes a contact (refused while it has tickets) and publishes the deletion.
    pub async fn delete_contact(&self, cx: &TenantCtx, id: ContactId) -> Result<()> {
        let contact = self.stores.contacts.get(cx, id).await?;
        self.stores.contacts.delete(cx, id).await?;
        self.publish(DomainEvent::ContactDeleted {
            contact: Box::new(contact),
        });
        Ok(())
    }

    /// Creates a channel within the tenant's quota (rule L-2; admins only) and publishes it.
    pub async fn create_channel(&self, cx: &TenantCtx, input: ChannelInput) -> Result<Channel> {
        cx.require_admin()?;
        let tenant = self.stores.tenants.current(cx).await?;
        let count = self.stores.channels.count(cx).await?;
        let max = u64::try_from(tenant.max_connections).unwrap_or(0);
        if count >= max {
            return Err(DomainError::invalid(
                ERR_CONNECTIONS_LIMIT,
                format!("the company may have at most {max} channels"),
            ));
        }
        let channel = self.stores.channels.create(cx, input).await?;
        self.publish(DomainEvent::ChannelUpdated {
            channel: Box::new(channel.clone()),
        });
        Ok(channel)
    }

    /// Updates a channel (admins only) and publishes it.
    pub async fn update_channel(
        &self,
        cx: &TenantCtx,
        id: WhatsappId,
        input: ChannelInput,
    ) -> Result<Channel> {
        cx.require_admin()?;
        let channel = self.stores.channels.update(cx, id, input).await?;
        self.publish(DomainEvent::ChannelUpdated {
            channel: Box::new(channel.clone()),
        });
        Ok(channel)
    }

    /// Deletes a channel (admins only) and publishes the deletion.
    pub async fn delete_channel(&self, cx: &TenantCtx, id: WhatsappId) -> Result<()> {
        cx.require_admin()?;
        let channel = self.stores.channels.get(cx, id).await?;
        if let Err(e) = self.sessions.stop(cx, &channel).await {
            tracing::warn!(channel = %id, error = %e, "could not stop the session of a deleted channel");
        }
        self.stores.channels.delete(cx, id).await?;
        self.publish(DomainEvent::ChannelDeleted {
            tenant: cx.tenant(),
            id,
        });
        Ok(())
    }

    /// Records a channel's session state (status, QR code, number) and publishes it to the
    /// channel's tenant.
    pub async fn set_session_state(
        &self,
        cx: &TenantCtx,
        id: WhatsappId,
        state: SessionState,
    ) -> Result<Channel> {
        let channel = self
            .stores
            .channels
            .set_session_state(cx, id, state)
            .await?;
        self.publish(DomainEvent::SessionUpdated {
            channel: Box::new(channel.clone()),
        });
        Ok(channel)
    }

    /// Sets a tenant setting (admins only) and publishes it.
    pub async fn set_setting(&self, cx: &TenantCtx, key: &str, value: &str) -> Result<Setting> {
        cx.require_admin()?;
        validate_setting(key, value)?;
        let setting = self.stores.settings.upsert(cx, key, value).await?;
        self.publish(DomainEvent::SettingUpdated {
            setting: Box::new(setting.clone()),
        });
        Ok(setting)
    }
}
