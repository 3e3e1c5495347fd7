//! `FastReplyStore` on SeaORM.

use async_trait::async_trait;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, Set};
use tiktickets_domain::ids::{FastReplyId, TenantId, UserId};
use tiktickets_domain::store::fast_replies::{FastReply, FastReplyInput, FastReplyStore};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::fast_reply;
use crate::error::db_err;
use crate::scope::{delete_scoped, scoped, tenant_of};
use crate::stores::{missing, now};

pub(crate) struct SeaFastReplyStore {
    db: DatabaseConnection,
}

impl SeaFastReplyStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, cx: &TenantCtx, id: FastReplyId) -> Result<fast_reply::Model> {
        scoped::<fast_reply::Entity>(cx)
            .filter(fast_reply::Column::Id.eq(id.get()))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(|| DomainError::not_found(missing::FAST_REPLY.0, missing::FAST_REPLY.1))
    }
}

fn to_fast_reply(m: fast_reply::Model) -> Result<FastReply> {
    let medias = match m.medias {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(serde_json::from_value::<Vec<String>>(v).map_err(|e| {
            DomainError::Unavailable(format!(
                "stored FastReply.medias is not an array of strings: {e}"
            ))
        })?),
    };
    Ok(FastReply {
        id: FastReplyId::new(m.id),
        key: m.key,
        message: m.message,
        medias,
        user_id: m.user_id.map(UserId::new),
        tenant_id: TenantId::from_verified(m.tenant_id),
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn medias_json(medias: Option<Vec<String>>) -> Option<serde_json::Value> {
    medias.map(|m| serde_json::Value::Array(m.into_iter().map(serde_json::Value::String).collect()))
}

#[async_trait]
impl FastReplyStore for SeaFastReplyStore {
    async fn create(&self, cx: &TenantCtx, input: FastReplyInput) -> Result<FastReply> {
        input.validate()?;
        let at = now();
        let am = fast_reply::ActiveModel {
            key: Set(input.key.trim().to_owned()),
            message: Set(input.message),
            medias: Set(medias_json(input.medias)),
            user_id: Set(cx.user_id().map(UserId::get)),
            tenant_id: Set(tenant_of(cx)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        to_fast_reply(am.insert(&self.db).await.map_err(db_err)?)
    }

    async fn get(&self, cx: &TenantCtx, id: FastReplyId) -> Result<FastReply> {
        to_fast_reply(self.load(cx, id).await?)
    }

    async fn list(&self, cx: &TenantCtx) -> Result<Vec<FastReply>> {
        scoped::<fast_reply::Entity>(cx)
            .order_by_asc(fast_reply::Column::Key)
            .order_by_asc(fast_reply::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_fast_reply)
            .collect()
    }

    async fn update(
        &self,
        cx: &TenantCtx,
        id: FastReplyId,
        input: FastReplyInput,
    ) -> Result<FastReply> {
        input.validate()?;
        let mut am: fast_reply::ActiveModel = self.load(cx, id).await?.into();
        am.key = Set(input.key.trim().to_owned());
        am.message = Set(input.message);
        am.medias = Set(medias_json(input.medias));
        am.user_id = Set(cx.user_id().map(UserId::get));
        am.updated_at = Set(now());
        to_fast_reply(am.update(&self.db).await.map_err(db_err)?)
    }

    async fn delete(&self, cx: &TenantCtx, id: FastReplyId) -> Result<()> {
        let row = self.load(cx, id).await?;
        delete_scoped::<fast_reply::Entity>(cx)
            .filter(fast_reply::Column::Id.eq(row.id))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
