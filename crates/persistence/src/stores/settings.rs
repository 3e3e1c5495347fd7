//! `SettingStore` on SeaORM: one row per (tenant, key), enforced by a unique index.

use async_trait::async_trait;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, Set};
use tiktickets_domain::ids::{SettingId, TenantId};
use tiktickets_domain::store::settings::{Setting, SettingStore, validate_setting};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::settings;
use crate::error::{db_err, is_unique_violation};
use crate::scope::{scoped, tenant_of};
use crate::stores::now;

pub(crate) struct SeaSettingStore {
    db: DatabaseConnection,
}

impl SeaSettingStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn row(&self, cx: &TenantCtx, key: &str) -> Result<Option<settings::Model>> {
        scoped::<settings::Entity>(cx)
            .filter(settings::Column::Key.eq(key))
            .one(&self.db)
            .await
            .map_err(db_err)
    }
}

fn to_setting(m: settings::Model) -> Setting {
    Setting {
        id: SettingId::new(m.id),
        key: m.key,
        value: m.value,
        tenant_id: TenantId::from_verified(m.tenant_id),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

#[async_trait]
impl SettingStore for SeaSettingStore {
    async fn list(&self, cx: &TenantCtx) -> Result<Vec<Setting>> {
        Ok(scoped::<settings::Entity>(cx)
            .order_by_asc(settings::Column::Key)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_setting)
            .collect())
    }

    async fn get(&self, cx: &TenantCtx, key: &str) -> Result<Option<Setting>> {
        Ok(self.row(cx, key).await?.map(to_setting))
    }

    async fn upsert(&self, cx: &TenantCtx, key: &str, value: &str) -> Result<Setting> {
        validate_setting(key, value)?;
        // Two attempts: a concurrent insert of the same key turns ours into an update.
        for _ in 0..2 {
            let at = now();
            if let Some(row) = self.row(cx, key).await? {
                let mut am: settings::ActiveModel = row.into();
                am.value = Set(value.to_owned());
                am.updated_at = Set(at);
                return Ok(to_setting(am.update(&self.db).await.map_err(db_err)?));
            }
            let am = settings::ActiveModel {
                key: Set(key.to_owned()),
                value: Set(value.to_owned()),
                tenant_id: Set(tenant_of(cx)),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            };
            match am.insert(&self.db).await {
                Ok(row) => return Ok(to_setting(row)),
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(db_err(e)),
            }
        }
        Err(DomainError::Unavailable(
            "setting upsert kept losing races".into(),
        ))
    }
}
