//! `QueueStore` on SeaORM.

use async_trait::async_trait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use tiktickets_domain::ids::{QueueId, TenantId, UserId};
use tiktickets_domain::store::queues::{Queue, QueueInput, QueueStore};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::queues;
use crate::error::{db_err, db_err_as};
use crate::scope::{scoped, tenant_of};
use crate::stores::now;

const QUEUE_IN_USE: (&str, &str) = ("ERR_QUEUE_TICKET_EXISTS", "the queue is used by tickets");

pub(crate) struct SeaQueueStore {
    db: DatabaseConnection,
}

impl SeaQueueStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, cx: &TenantCtx, id: QueueId) -> Result<queues::Model> {
        scoped::<queues::Entity>(cx)
            .filter(queues::Column::Id.eq(id.get()))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(|| DomainError::not_found("queue", "ERR_QUEUE_NOT_FOUND"))
    }
}

pub(crate) fn to_queue(m: queues::Model) -> Result<Queue> {
    Ok(Queue {
        id: QueueId::new(m.id),
        queue: m.queue,
        user_id: m.user_id.map(UserId::new),
        is_active: m.is_active,
        tenant_id: TenantId::from_verified(m.tenant_id),
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

#[async_trait]
impl QueueStore for SeaQueueStore {
    async fn create(&self, cx: &TenantCtx, input: QueueInput) -> Result<Queue> {
        input.validate()?;
        let at = now();
        let am = queues::ActiveModel {
            queue: Set(input.queue.trim().to_owned()),
            user_id: Set(cx.user_id().map(UserId::get)),
            is_active: Set(input.is_active),
            tenant_id: Set(tenant_of(cx)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        to_queue(am.insert(&self.db).await.map_err(db_err)?)
    }

    async fn get(&self, cx: &TenantCtx, id: QueueId) -> Result<Queue> {
        to_queue(self.load(cx, id).await?)
    }

    async fn list(&self, cx: &TenantCtx) -> Result<Vec<Queue>> {
        scoped::<queues::Entity>(cx)
            .order_by_asc(queues::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_queue)
            .collect()
    }

    async fn update(&self, cx: &TenantCtx, id: QueueId, input: QueueInput) -> Result<Queue> {
        input.validate()?;
        let mut am: queues::ActiveModel = self.load(cx, id).await?.into();
        am.queue = Set(input.queue.trim().to_owned());
        am.is_active = Set(input.is_active);
        am.user_id = Set(cx.user_id().map(UserId::get));
        am.updated_at = Set(now());
        to_queue(am.update(&self.db).await.map_err(db_err)?)
    }

    async fn delete(&self, cx: &TenantCtx, id: QueueId) -> Result<()> {
        let row = self.load(cx, id).await?;
        queues::Entity::delete(queues::ActiveModel::from(row))
            .exec(&self.db)
            .await
            .map_err(db_err_as(QUEUE_IN_USE, QUEUE_IN_USE))?;
        Ok(())
    }
}
