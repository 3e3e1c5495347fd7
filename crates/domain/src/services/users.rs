//! Use cases on users (behaviour.md §3.2, data-model.md §7.10) and the super-admin's
//! provisioning of tenants and of users in any tenant (behaviour.md §3.18).
//!
//! Fixes of the reference kept here: the user quota counts every user (L-1), a non-admin may
//! only edit themself and never their role or queues (U-4, X-15), new users default to the
//! `user` role (U-2), and an admin can neither grant `super` nor touch a super-admin's account
//! (otherwise the admin of the platform's own tenant could take the platform over).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::business_hours::{BusinessHours, DEFAULT_MESSAGE_BUSINESS_HOURS};
use crate::ctx::{Actor, PlatformCtx, TenantCtx};
use crate::enums::{TenantStatus, TicketStatus, UserProfile};
use crate::error::{DomainError, Result};
use crate::events::DomainEvent;
use crate::ids::{QueueId, TenantId, TicketId, UserId};
use crate::services::Services;
use crate::store::PageRequest;
use crate::store::settings::DEFAULT_SETTINGS;
use crate::store::tenants::{NewTenant, Tenant, TenantPatch};
use crate::store::tickets::TicketQuery;
use crate::store::users::{NewUser, User, UserPatch};

/// Code of the user quota refusal (rule L-1).
pub const ERR_USER_LIMIT: &str = "ERR_USER_LIMIT_USER_CREATION";
/// Code of an admin deleting their own account.
pub const ERR_CANNOT_DELETE_SELF: &str = "ERR_CANNOT_DELETE_SELF";
/// Code of a super-admin deleting the tenant they belong to.
pub const ERR_CANNOT_DELETE_OWN_TENANT: &str = "ERR_CANNOT_DELETE_OWN_TENANT";
/// Code of a super-admin deactivating the tenant they belong to (they could not log in again).
pub const ERR_CANNOT_DEACTIVATE_OWN_TENANT: &str = "ERR_CANNOT_DEACTIVATE_OWN_TENANT";
/// Code of a `configs` object that grew beyond [`MAX_CONFIGS_BYTES`].
pub const ERR_CONFIGS_TOO_LARGE: &str = "ERR_CONFIGS_TOO_LARGE";
/// Largest stored `configs` object, serialised (UI preferences are a few hundred bytes).
pub const MAX_CONFIGS_BYTES: usize = 64 * 1024;

fn no_permission(message: &str) -> DomainError {
    DomainError::forbidden("ERR_NO_PERMISSION", message)
}

/// True for a super-admin user and for the platform itself.
fn is_super(cx: &TenantCtx) -> bool {
    matches!(
        cx.actor(),
        Actor::User {
            profile: UserProfile::Super,
            ..
        } | Actor::System
    )
}

/// Only a super-admin may create super-admins or change a super-admin's account.
fn ensure_may_manage(cx: &TenantCtx, target: UserProfile) -> Result<()> {
    if target == UserProfile::Super && !is_super(cx) {
        return Err(no_permission(
            "only a super-admin may manage super-admin accounts",
        ));
    }
    Ok(())
}

fn unique(ids: &[QueueId]) -> BTreeSet<QueueId> {
    ids.iter().copied().collect()
}

impl Services {
    /// Creates a user in the caller's tenant (admins only), within the tenant's user quota
    /// (rule L-1, counting every user). The password in `new` is already hashed.
    pub async fn create_user(&self, cx: &TenantCtx, new: NewUser) -> Result<User> {
        cx.require_admin()?;
        ensure_may_manage(cx, new.profile)?;
        new.validate()?;
        let tenant = self.stores.tenants.current(cx).await?;
        let count = self.stores.users.count(cx).await?;
        let max = u64::try_from(tenant.max_users).unwrap_or(0);
        if count >= max {
            return Err(DomainError::invalid(
                ERR_USER_LIMIT,
                format!("the company may have at most {max} users"),
            ));
        }
        self.stores.users.create(cx, new).await
    }

    /// Changes a user and, when `queues` is given, replaces their queues. Admins may change
    /// anyone of the tenant; anyone else only themself, and only name, e-mail and password
    /// (rule U-4). A new password in `patch` is already hashed (the store then invalidates the
    /// user's tokens).
    pub async fn update_user(
        &self,
        cx: &TenantCtx,
        id: UserId,
        mut patch: UserPatch,
        mut queues: Option<Vec<QueueId>>,
    ) -> Result<User> {
        let target = self.stores.users.get(cx, id).await?;
        if cx.is_admin() {
            ensure_may_manage(cx, target.profile)?;
            if let Some(profile) = patch.profile {
                ensure_may_manage(cx, profile)?;
            }
            if let Some(queues) = &queues {
                // Checked before any write, so an unknown queue changes nothing.
                for queue in unique(queues) {
                    self.stores.queues.get(cx, queue).await?;
                }
            }
        } else {
            self.restrict_to_self(cx, &target, &mut patch, &mut queues)
                .await?;
        }
        patch.validate()?;
        let user = if patch == UserPatch::default() {
            target
        } else {
            self.stores.users.update(cx, id, patch).await?
        };
        if let Some(queues) = queues {
            self.stores.users.set_queues(cx, id, &queues).await?;
        }
        Ok(user)
    }

    /// A non-admin edits only themself; a role or queue set equal to the current one (the
    /// client sends the whole user object) is dropped, a different one is refused.
    async fn restrict_to_self(
        &self,
        cx: &TenantCtx,
        target: &User,
        patch: &mut UserPatch,
        queues: &mut Option<Vec<QueueId>>,
    ) -> Result<()> {
        if cx.user_id() != Some(target.id) {
            return Err(no_permission("only an admin may change other users"));
        }
        if patch.profile.take().is_some_and(|p| p != target.profile) {
            return Err(no_permission("only an admin may change a role"));
        }
        if let Some(wanted) = queues.take() {
            let current = self.stores.users.queues(cx, target.id).await?;
            let current: BTreeSet<QueueId> = current.iter().map(|q| q.id).collect();
            if unique(&wanted) != current {
                return Err(no_permission("only an admin may change queues"));
            }
        }
        // Presence, configs and timestamps have their own paths.
        let allowed = UserPatch {
            name: patch.name.take(),
            email: patch.email.take(),
            password_hash: patch.password_hash.take(),
            ..UserPatch::default()
        };
        *patch = allowed;
        Ok(())
    }

    /// Shallow-merges `values` into a user's UI preferences (the user themself or an admin);
    /// returns the merged object.
    pub async fn merge_user_configs(
        &self,
        cx: &TenantCtx,
        id: UserId,
        values: Map<String, Value>,
    ) -> Result<Value> {
        if !cx.is_admin() && cx.user_id() != Some(id) {
            return Err(no_permission("only an admin may change other users"));
        }
        let target = self.stores.users.get(cx, id).await?;
        let mut merged = match target.configs {
            Some(Value::Object(map)) => map,
            _ => Map::new(),
        };
        merged.extend(values);
        let merged = Value::Object(merged);
        let size = serde_json::to_string(&merged).map_or(usize::MAX, |s| s.len());
        if size > MAX_CONFIGS_BYTES {
            return Err(DomainError::invalid(
                ERR_CONFIGS_TOO_LARGE,
                format!("configs may hold at most {MAX_CONFIGS_BYTES} bytes of JSON"),
            ));
        }
        let patch = UserPatch {
            configs: Some(merged.clone()),
            ..UserPatch::default()
        };
        self.stores.users.update(cx, id, patch).await?;
        Ok(merged)
    }

    /// Deletes a user (admins only, never oneself). Their open tickets go back to pending
    /// (rule U-3, done by the store in one transaction) and are published.
    pub async fn delete_user(&self, cx: &TenantCtx, id: UserId) -> Result<()> {
        cx.require_admin()?;
        if cx.user_id() == Some(id) {
            return Err(DomainError::conflict(
                ERR_CANNOT_DELETE_SELF,
                "you cannot delete your own account",
            ));
        }
        let target = self.stores.users.get(cx, id).await?;
        ensure_may_manage(cx, target.profile)?;
        let reopened = self.open_tickets_of(cx, id).await?;
        self.stores.users.delete(cx, id).await?;
        for ticket_id in reopened {
            self.publish_ticket(cx, ticket_id).await;
        }
        Ok(())
    }

    async fn open_tickets_of(&self, cx: &TenantCtx, user: UserId) -> Result<Vec<TicketId>> {
        let mut ids = Vec::new();
        let mut page = 1;
        loop {
            let mut query = TicketQuery::all(PageRequest::new(page, PageRequest::MAX_SIZE)?);
            query.statuses = vec![TicketStatus::Open];
            query.user_id = Some(user);
            let found = self.stores.tickets.list(cx, &query).await?;
            ids.extend(found.items.iter().map(|t| t.id));
            if !found.has_more || found.items.is_empty() {
                return Ok(ids);
            }
            page += 1;
        }
    }

    /// Publishes a ticket as it is now; a failed read only loses the event (the data is
    /// committed, and the client's next read repairs it).
    async fn publish_ticket(&self, cx: &TenantCtx, id: TicketId) {
        let Ok(ticket) = self.stores.tickets.get(cx, id).await else {
            return;
        };
        let contact = match ticket.contact_id {
            Some(c) => self.stores.contacts.get(cx, c).await.ok().map(Box::new),
            None => None,
        };
        self.publish(DomainEvent::TicketUpdated {
            ticket: Box::new(ticket),
            contact,
        });
    }

    /// A tenant by the raw id of a super-admin's request (404 `ERR_NO_TENANT_FOUND`). The id is
    /// only trusted once it is read back from the stored row.
    pub async fn find_tenant(&self, p: &PlatformCtx, raw: i32) -> Result<Tenant> {
        self.stores
            .tenants
            .list(p)
            .await?
            .into_iter()
            .find(|t| t.id.get() == raw)
            .ok_or_else(|| DomainError::not_found("tenant", "ERR_NO_TENANT_FOUND"))
    }

    /// Creates a tenant with the default business hours, away text and settings (rule TN-1).
    pub async fn create_tenant(
        &self,
        p: &PlatformCtx,
        name: &str,
        status: TenantStatus,
        max_users: i32,
        max_connections: i32,
    ) -> Result<Tenant> {
        let business_hours = serde_json::to_value(BusinessHours::default_all_open())
            .map_err(|e| DomainError::Unavailable(format!("encoding business hours: {e}")))?;
        let new = NewTenant {
            name: name.trim().to_owned(),
            status,
            max_users,
            max_connections,
            business_hours,
            message_business_hours: Some(DEFAULT_MESSAGE_BUSINESS_HOURS.to_owned()),
        };
        let tenant = self.stores.tenants.create(p, new).await?;
        if let Err(e) = self.seed_settings(tenant.id).await {
            // Do not leave a tenant without its settings behind (best effort: the first
            // error is the one worth reporting).
            let _ = self.stores.tenants.delete(p, tenant.id).await;
            return Err(e);
        }
        Ok(tenant)
    }

    async fn seed_settings(&self, tenant: TenantId) -> Result<()> {
        let cx = TenantCtx::system(tenant);
        for (key, value) in DEFAULT_SETTINGS {
            self.stores.settings.upsert(&cx, key, value).await?;
        }
        Ok(())
    }

    /// Updates a tenant; the super-admin may not deactivate their own tenant.
    pub async fn update_tenant(
        &self,
        p: &PlatformCtx,
        own: TenantId,
        id: TenantId,
        patch: TenantPatch,
    ) -> Result<Tenant> {
        if id == own && patch.status == Some(TenantStatus::Inactive) {
            return Err(DomainError::conflict(
                ERR_CANNOT_DEACTIVATE_OWN_TENANT,
                "you cannot deactivate the company you belong to",
            ));
        }
        self.stores.tenants.update(p, id, patch).await
    }

    /// Deletes a tenant and all its data; the super-admin may not delete their own tenant.
    pub async fn delete_tenant(&self, p: &PlatformCtx, own: TenantId, id: TenantId) -> Result<()> {
        if id == own {
            return Err(DomainError::conflict(
                ERR_CANNOT_DELETE_OWN_TENANT,
                "you cannot delete the company you belong to",
            ));
        }
        self.stores.tenants.delete(p, id).await
    }

    /// Creates a user in any tenant (super-admin; no quota, as in the reference). The
    /// password in `new` is already hashed.
    pub async fn create_user_in_tenant(
        &self,
        p: &PlatformCtx,
        tenant: TenantId,
        new: NewUser,
    ) -> Result<User> {
        let tenant = self.stores.tenants.get(p, tenant).await?;
        let cx = TenantCtx::system(tenant.id);
        self.stores.users.create(&cx, new).await
    }

    /// Changes any user of any tenant (super-admin): name, e-mail, role, password.
    pub async fn update_any_user(
        &self,
        p: &PlatformCtx,
        id: UserId,
        patch: UserPatch,
    ) -> Result<User> {
        let tenant = self.stores.tenants.tenant_of_user(p, id).await?;
        let cx = TenantCtx::system(tenant);
        let patch = UserPatch {
            name: patch.name,
            email: patch.email,
            profile: patch.profile,
            password_hash: patch.password_hash,
            ..UserPatch::default()
        };
        patch.validate()?;
        if patch == UserPatch::default() {
            return self.stores.users.get(&cx, id).await;
        }
        self.stores.users.update(&cx, id, patch).await
    }
}
