//! `TenantStore` on SeaORM: tenants (platform work) and the global login lookup.

use async_trait::async_trait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::{TenantId, UserId};
use tiktickets_domain::store::channels::Channel;
use tiktickets_domain::store::tenants::{LoginRecord, NewTenant, Tenant, TenantPatch, TenantStore};
use tiktickets_domain::store::users::User;
use tiktickets_domain::store::{Page, PageRequest};
use tiktickets_domain::{DomainError, PlatformCtx, Result, TenantCtx};

use crate::entities::{tenants, users};
use crate::error::db_err;
use crate::scope::unscoped_global;
use crate::stores::users::to_user;
use crate::stores::{missing, now, parse_stored, tenant_admin};

pub(crate) struct SeaTenantStore {
    db: DatabaseConnection,
}

impl SeaTenantStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, id: TenantId) -> Result<tenants::Model> {
        unscoped_global::<tenants::Entity>()
            .filter(tenants::Column::Id.eq(id.get()))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(|| DomainError::not_found(missing::TENANT.0, missing::TENANT.1))
    }

    async fn apply(&self, id: TenantId, patch: TenantPatch) -> Result<Tenant> {
        patch.validate()?;
        let row = self.load(id).await?;
        let mut am: tenants::ActiveModel = row.into();
        if let Some(v) = patch.name {
            am.name = Set(v);
        }
        if let Some(v) = patch.status {
            am.status = Set(v.as_str().to_owned());
        }
        if let Some(v) = patch.max_users {
            am.max_users = Set(v);
        }
        if let Some(v) = patch.max_connections {
            am.max_connections = Set(v);
        }
        if let Some(v) = patch.business_hours {
            am.business_hours = Set(Some(v));
        }
        if let Some(v) = patch.message_business_hours {
            am.message_business_hours = Set(Some(v));
        }
        if let Some(owner) = patch.owner_id {
            if let Some(owner) = owner {
                let belongs = unscoped_global::<users::Entity>()
                    .filter(users::Column::Id.eq(owner.get()))
                    .filter(users::Column::TenantId.eq(id.get()))
                    .count(&self.db)
                    .await
                    .map_err(db_err)?;
                if belongs == 0 {
                    return Err(DomainError::not_found("user", "ERR_NO_USER_FOUND"));
                }
            }
            am.owner_id = Set(owner.map(UserId::get));
        }
        am.updated_at = Set(now());
        to_tenant(am.update(&self.db).await.map_err(db_err)?)
    }
}

pub(crate) fn to_tenant(m: tenants::Model) -> Result<Tenant> {
    Ok(Tenant {
        id: TenantId::from_verified(m.id),
        status: parse_stored("Tenants.status", &m.status)?,
        owner_id: m.owner_id.map(UserId::new),
        name: m.name,
        business_hours: m.business_hours,
        message_business_hours: m.message_business_hours,
        max_users: m.max_users,
        max_connections: m.max_connections,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

#[async_trait]
impl TenantStore for SeaTenantStore {
    async fn create(&self, _p: &PlatformCtx, new: NewTenant) -> Result<Tenant> {
        new.validate()?;
        let at = now();
        let am = tenants::ActiveModel {
            status: Set(new.status.as_str().to_owned()),
            owner_id: Set(None),
            name: Set(new.name),
            business_hours: Set(Some(new.business_hours)),
            message_business_hours: Set(new.message_business_hours),
            max_users: Set(new.max_users),
            max_connections: Set(new.max_connections),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        to_tenant(am.insert(&self.db).await.map_err(db_err)?)
    }

    async fn list(&self, _p: &PlatformCtx) -> Result<Vec<Tenant>> {
        unscoped_global::<tenants::Entity>()
            .order_by_asc(tenants::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_tenant)
            .collect()
    }

    async fn get(&self, _p: &PlatformCtx, id: TenantId) -> Result<Tenant> {
        to_tenant(self.load(id).await?)
    }

    async fn update(&self, _p: &PlatformCtx, id: TenantId, patch: TenantPatch) -> Result<Tenant> {
        self.apply(id, patch).await
    }

    async fn current(&self, cx: &TenantCtx) -> Result<Tenant> {
        to_tenant(self.load(cx.tenant()).await?)
    }

    async fn update_current(&self, cx: &TenantCtx, patch: TenantPatch) -> Result<Tenant> {
        cx.require_admin()?;
        // A tenant's admin may change its hours and away text, not its quotas or status.
        let allowed = TenantPatch {
            business_hours: patch.business_hours,
            message_business_hours: patch.message_business_hours,
            ..TenantPatch::default()
        };
        self.apply(cx.tenant(), allowed).await
    }

    async fn find_login(&self, email: &str) -> Result<Option<LoginRecord>> {
        let email = email.trim().to_lowercase();
        let Some(user) = unscoped_global::<users::Entity>()
            .filter(users::Column::Email.eq(email))
            .one(&self.db)
            .await
            .map_err(db_err)?
        else {
            return Ok(None);
        };
        let tenant = self.load(TenantId::from_verified(user.tenant_id)).await?;
        let password_hash = user.password_hash.clone();
        Ok(Some(LoginRecord {
            user: to_user(user)?,
            password_hash,
            tenant_status: parse_stored("Tenants.status", &tenant.status)?,
        }))
    }

    async fn count_users_with_profile(
        &self,
        _p: &PlatformCtx,
        profile: UserProfile,
    ) -> Result<u64> {
        unscoped_global::<users::Entity>()
            .filter(users::Column::Profile.eq(profile.as_str()))
            .count(&self.db)
            .await
            .map_err(db_err)
    }

    async fn delete(&self, p: &PlatformCtx, id: TenantId) -> Result<()> {
        tenant_admin::delete(&self.db, p, id).await
    }

    async fn list_users(
        &self,
        p: &PlatformCtx,
        search: Option<&str>,
        tenant: Option<TenantId>,
        page: PageRequest,
    ) -> Result<Page<User>> {
        tenant_admin::list_users(&self.db, p, search, tenant, page).await
    }

    async fn tenant_of_user(&self, p: &PlatformCtx, user: UserId) -> Result<TenantId> {
        tenant_admin::tenant_of_user(&self.db, p, user).await
    }

    async fn list_channels(
        &self,
        p: &PlatformCtx,
        tenant: Option<TenantId>,
    ) -> Result<Vec<Channel>> {
        tenant_admin::list_channels(&self.db, p, tenant).await
    }
}
