//! `TagStore` on SeaORM.

use async_trait::async_trait;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, Set};
use tiktickets_domain::ids::{TagId, TenantId, UserId};
use tiktickets_domain::store::tags::{Tag, TagInput, TagStore};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::tags;
use crate::error::{db_err, db_err_as};
use crate::scope::{delete_scoped, scoped, tenant_of};
use crate::stores::{missing, now};

const TAG_TAKEN: (&str, &str) = (
    "ERR_TAG_ALREADY_EXISTS",
    "a tag with this name already exists",
);
const TAG_IN_USE: (&str, &str) = ("ERR_TAG_CONTACTS_EXISTS", "the tag is attached to contacts");

pub(crate) struct SeaTagStore {
    db: DatabaseConnection,
}

impl SeaTagStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, cx: &TenantCtx, id: TagId) -> Result<tags::Model> {
        scoped::<tags::Entity>(cx)
            .filter(tags::Column::Id.eq(id.get()))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(|| DomainError::not_found(missing::TAG.0, missing::TAG.1))
    }
}

pub(crate) fn to_tag(m: tags::Model) -> Result<Tag> {
    Ok(Tag {
        id: TagId::new(m.id),
        tag: m.tag,
        color: m.color,
        is_active: m.is_active,
        auto_tag: m.auto_tag,
        user_id: m.user_id.map(UserId::new),
        tenant_id: TenantId::from_verified(m.tenant_id),
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

#[async_trait]
impl TagStore for SeaTagStore {
    async fn create(&self, cx: &TenantCtx, input: TagInput) -> Result<Tag> {
        input.validate()?;
        let at = now();
        let am = tags::ActiveModel {
            tag: Set(input.tag.trim().to_owned()),
            color: Set(input.color),
            is_active: Set(input.is_active),
            auto_tag: Set(input.auto_tag.filter(|t| !t.trim().is_empty())),
            user_id: Set(cx.user_id().map(UserId::get)),
            tenant_id: Set(tenant_of(cx)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        to_tag(
            am.insert(&self.db)
                .await
                .map_err(db_err_as(TAG_TAKEN, TAG_IN_USE))?,
        )
    }

    async fn get(&self, cx: &TenantCtx, id: TagId) -> Result<Tag> {
        to_tag(self.load(cx, id).await?)
    }

    async fn list(&self, cx: &TenantCtx, only_active: bool) -> Result<Vec<Tag>> {
        let mut query = scoped::<tags::Entity>(cx);
        if only_active {
            query = query.filter(tags::Column::IsActive.eq(true));
        }
        query
            .order_by_asc(tags::Column::Tag)
            .order_by_asc(tags::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_tag)
            .collect()
    }

    async fn update(&self, cx: &TenantCtx, id: TagId, input: TagInput) -> Result<Tag> {
        input.validate()?;
        let mut am: tags::ActiveModel = self.load(cx, id).await?.into();
        am.tag = Set(input.tag.trim().to_owned());
        am.color = Set(input.color);
        am.is_active = Set(input.is_active);
        am.auto_tag = Set(input.auto_tag.filter(|t| !t.trim().is_empty()));
        am.user_id = Set(cx.user_id().map(UserId::get));
        am.updated_at = Set(now());
        to_tag(
            am.update(&self.db)
                .await
                .map_err(db_err_as(TAG_TAKEN, TAG_IN_USE))?,
        )
    }

    async fn delete(&self, cx: &TenantCtx, id: TagId) -> Result<()> {
        let row = self.load(cx, id).await?;
        delete_scoped::<tags::Entity>(cx)
            .filter(tags::Column::Id.eq(row.id))
            .exec(&self.db)
            .await
            .map_err(db_err_as(TAG_TAKEN, TAG_IN_USE))?;
        Ok(())
    }
}
