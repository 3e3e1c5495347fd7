//! `UserStore` on SeaORM: users of the caller's tenant and their queues.

use async_trait::async_trait;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, TransactionTrait,
};
use tiktickets_domain::enums::TicketStatus;
use tiktickets_domain::ids::{QueueId, TenantId, UserId};
use tiktickets_domain::store::queues::Queue;
use tiktickets_domain::store::users::{NewUser, User, UserPatch, UserStore};
use tiktickets_domain::store::{Page, PageRequest};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::{queues, tickets, users, users_queues};
use crate::error::{db_err, db_err_as};
use crate::scope::{scoped, tenant_of, unscoped_children, unscoped_children_delete, update_scoped};
use crate::stores::queues::to_queue;
use crate::stores::{now, parse_stored};

const EMAIL_TAKEN: (&str, &str) = ("ERR_EMAIL_ALREADY_EXISTS", "this e-mail is already in use");
const USER_REFERENCED: (&str, &str) = (
    "ERR_USER_HAS_RECORDS",
    "the user is still referenced (sent media, or owns the tenant)",
);

pub(crate) struct SeaUserStore {
    db: DatabaseConnection,
}

impl SeaUserStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, cx: &TenantCtx, id: UserId) -> Result<users::Model> {
        scoped::<users::Entity>(cx)
            .filter(users::Column::Id.eq(id.get()))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(|| DomainError::not_found("user", "ERR_NO_USER_FOUND"))
    }
}

pub(crate) fn to_user(m: users::Model) -> Result<User> {
    Ok(User {
        id: UserId::new(m.id),
        name: m.name,
        email: m.email,
        profile: parse_stored("Users.profile", &m.profile)?,
        tenant_id: TenantId::from_verified(m.tenant_id),
        token_version: m.token_version,
        is_online: m.is_online,
        status: parse_stored("Users.status", &m.status)?,
        configs: m.configs,
        last_login: m.last_login,
        last_logout: m.last_logout,
        last_online: m.last_online,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

#[async_trait]
impl UserStore for SeaUserStore {
    async fn create(&self, cx: &TenantCtx, new: NewUser) -> Result<User> {
        new.validate()?;
        let at = now();
        let am = users::ActiveModel {
            name: Set(new.name.trim().to_owned()),
            email: Set(new.email.trim().to_lowercase()),
            password_hash: Set(new.password_hash),
            profile: Set(new.profile.as_str().to_owned()),
            token_version: Set(0),
            tenant_id: Set(tenant_of(cx)),
            is_online: Set(Some(false)),
            configs: Set(new.configs),
            status: Set("offline".to_owned()),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        to_user(
            am.insert(&self.db)
                .await
                .map_err(db_err_as(EMAIL_TAKEN, USER_REFERENCED))?,
        )
    }

    async fn get(&self, cx: &TenantCtx, id: UserId) -> Result<User> {
        to_user(self.load(cx, id).await?)
    }

    async fn list(
        &self,
        cx: &TenantCtx,
        search: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<User>> {
        let mut query = scoped::<users::Entity>(cx);
        if let Some(term) = search.map(str::trim).filter(|s| !s.is_empty()) {
            let pattern = crate::stores::contains_pattern(term);
            query = query.filter(
                Condition::any()
                    .add(
                        Expr::expr(Func::lower(Expr::col(users::Column::Name)))
                            .like(pattern.clone()),
                    )
                    .add(users::Column::Email.like(pattern)),
            );
        }
        let count = query.clone().count(&self.db).await.map_err(db_err)?;
        let rows = query
            .order_by_asc(users::Column::Name)
            .order_by_asc(users::Column::Id)
            .offset(page.offset())
            .limit(page.size())
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let items = rows.into_iter().map(to_user).collect::<Result<Vec<_>>>()?;
        Ok(Page::new(items, count, page))
    }

    async fn count(&self, cx: &TenantCtx) -> Result<u64> {
        scoped::<users::Entity>(cx)
            .count(&self.db)
            .await
            .map_err(db_err)
    }

    async fn update(&self, cx: &TenantCtx, id: UserId, patch: UserPatch) -> Result<User> {
        patch.validate()?;
        let row = self.load(cx, id).await?;
        let token_version = row.token_version;
        let mut am: users::ActiveModel = row.into();
        if let Some(v) = patch.name {
            am.name = Set(v.trim().to_owned());
        }
        if let Some(v) = patch.email {
            am.email = Set(v.trim().to_lowercase());
        }
        if let Some(v) = patch.password_hash {
            am.password_hash = Set(v);
            am.token_version = Set(token_version.saturating_add(1));
        }
        if let Some(v) = patch.profile {
            am.profile = Set(v.as_str().to_owned());
        }
        if let Some(v) = patch.configs {
            am.configs = Set(Some(v));
        }
        if let Some(v) = patch.status {
            am.status = Set(v.as_str().to_owned());
        }
        if let Some(v) = patch.is_online {
            am.is_online = Set(Some(v));
        }
        if let Some(v) = patch.last_login {
            am.last_login = Set(Some(v));
        }
        if let Some(v) = patch.last_logout {
            am.last_logout = Set(Some(v));
        }
        if let Some(v) = patch.last_online {
            am.last_online = Set(Some(v));
        }
        am.updated_at = Set(now());
        to_user(
            am.update(&self.db)
                .await
                .map_err(db_err_as(EMAIL_TAKEN, USER_REFERENCED))?,
        )
    }

    async fn delete(&self, cx: &TenantCtx, id: UserId) -> Result<()> {
        let row = self.load(cx, id).await?;
        let txn = self.db.begin().await.map_err(db_err)?;
        // Rule U-3, awaited and in one transaction: open tickets go back to the inbox.
        update_scoped::<tickets::Entity>(cx)
            .col_expr(
                tickets::Column::Status,
                Expr::value(TicketStatus::Pending.as_str()),
            )
            .col_expr(tickets::Column::UserId, Expr::value(Option::<i32>::None))
            .col_expr(tickets::Column::UpdatedAt, Expr::value(now()))
            .filter(tickets::Column::UserId.eq(row.id))
            .filter(tickets::Column::Status.eq(TicketStatus::Open.as_str()))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        users::Entity::delete(users::ActiveModel::from(row))
            .exec(&txn)
            .await
            .map_err(db_err_as(EMAIL_TAKEN, USER_REFERENCED))?;
        txn.commit().await.map_err(db_err)
    }

    async fn password_hash(&self, cx: &TenantCtx, id: UserId) -> Result<String> {
        Ok(self.load(cx, id).await?.password_hash)
    }

    async fn bump_token_version(&self, cx: &TenantCtx, id: UserId) -> Result<i32> {
        let row = self.load(cx, id).await?;
        let next = row.token_version.saturating_add(1);
        let mut am: users::ActiveModel = row.into();
        am.token_version = Set(next);
        am.updated_at = Set(now());
        am.update(&self.db).await.map_err(db_err)?;
        Ok(next)
    }

    async fn set_queues(
        &self,
        cx: &TenantCtx,
        id: UserId,
        queue_ids: &[QueueId],
    ) -> Result<Vec<Queue>> {
        let user = self.load(cx, id).await?;
        let mut wanted: Vec<i32> = queue_ids.iter().map(|q| q.get()).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let found = scoped::<queues::Entity>(cx)
            .filter(queues::Column::Id.is_in(wanted.clone()))
            .count(&self.db)
            .await
            .map_err(db_err)?;
        if found != wanted.len() as u64 {
            return Err(DomainError::not_found("queue", "ERR_QUEUE_NOT_FOUND"));
        }
        let txn = self.db.begin().await.map_err(db_err)?;
        unscoped_children_delete::<users_queues::Entity>()
            .filter(users_queues::Column::UserId.eq(user.id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        let at = now();
        for queue in &wanted {
            users_queues::ActiveModel {
                queue_id: Set(*queue),
                user_id: Set(user.id),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(db_err)?;
        }
        txn.commit().await.map_err(db_err)?;
        self.queues(cx, id).await
    }

    async fn queues(&self, cx: &TenantCtx, id: UserId) -> Result<Vec<Queue>> {
        let user = self.load(cx, id).await?;
        let links = unscoped_children::<users_queues::Entity>()
            .filter(users_queues::Column::UserId.eq(user.id))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let ids: Vec<i32> = links.iter().map(|l| l.queue_id).collect();
        scoped::<queues::Entity>(cx)
            .filter(queues::Column::Id.is_in(ids))
            .order_by_asc(queues::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_queue)
            .collect()
    }

    async fn queues_of_many(&self, cx: &TenantCtx, ids: &[UserId]) -> Result<Vec<(UserId, Queue)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The links of the tenant's users among `ids` only.
        let tenant_users = scoped::<users::Entity>(cx)
            .select_only()
            .column(users::Column::Id)
            .filter(users::Column::Id.is_in(ids.iter().map(|u| u.get())))
            .into_query();
        let links = unscoped_children::<users_queues::Entity>()
            .filter(users_queues::Column::UserId.in_subquery(tenant_users))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let queue_ids: Vec<i32> = links.iter().map(|l| l.queue_id).collect();
        let queues: std::collections::HashMap<i32, Queue> = scoped::<queues::Entity>(cx)
            .filter(queues::Column::Id.is_in(queue_ids))
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|q| Ok((q.id, to_queue(q)?)))
            .collect::<Result<_>>()?;
        let mut pairs: Vec<(UserId, Queue)> = links
            .iter()
            .filter_map(|l| {
                let queue = queues.get(&l.queue_id)?.clone();
                Some((UserId::new(l.user_id), queue))
            })
            .collect();
        pairs.sort_by_key(|(user, queue)| (user.get(), queue.id.get()));
        Ok(pairs)
    }

    async fn rehash_password(&self, cx: &TenantCtx, id: UserId, hash: &str) -> Result<()> {
        tiktickets_domain::validate::length(
            "passwordHash",
            hash,
            1,
            tiktickets_domain::validate::VARCHAR_MAX,
        )?;
        let row = self.load(cx, id).await?;
        // Same password, stronger hash: the token version stays, so sessions stay valid.
        update_scoped::<users::Entity>(cx)
            .col_expr(users::Column::PasswordHash, Expr::value(hash))
            .col_expr(users::Column::UpdatedAt, Expr::value(now()))
            .filter(users::Column::Id.eq(row.id))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
