//! `ChatFlowStore` on SeaORM. Deletion is soft (`isDeleted`), and every read skips deleted
//! rows, so a deleted flow is "not found" everywhere.

use async_trait::async_trait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};
use tiktickets_domain::ids::{ChatFlowId, TenantId, UserId};
use tiktickets_domain::store::chat_flows::{ChatFlow, ChatFlowInput, ChatFlowStore};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::{chat_flow, users};
use crate::error::db_err;
use crate::scope::{scoped, tenant_of, update_scoped};
use crate::stores::{ensure_in_tenant, missing, now};

pub(crate) struct SeaChatFlowStore {
    db: DatabaseConnection,
}

/// Rows that are not soft-deleted (`isDeleted` is nullable; NULL counts as not deleted).
fn not_deleted() -> Condition {
    Condition::any()
        .add(chat_flow::Column::IsDeleted.eq(false))
        .add(chat_flow::Column::IsDeleted.is_null())
}

fn not_found() -> DomainError {
    DomainError::not_found(missing::CHAT_FLOW.0, missing::CHAT_FLOW.1)
}

impl SeaChatFlowStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, cx: &TenantCtx, id: ChatFlowId) -> Result<chat_flow::Model> {
        scoped::<chat_flow::Entity>(cx)
            .filter(chat_flow::Column::Id.eq(id.get()))
            .filter(not_deleted())
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(not_found)
    }

    /// The author must be a user of the caller's tenant.
    async fn check_user(&self, cx: &TenantCtx, user: Option<UserId>) -> Result<()> {
        match user {
            Some(u) => {
                ensure_in_tenant::<users::Entity, _>(
                    &self.db,
                    cx,
                    users::Column::Id,
                    u.get(),
                    missing::USER,
                )
                .await
            }
            None => Ok(()),
        }
    }
}

fn to_chat_flow(m: chat_flow::Model) -> ChatFlow {
    ChatFlow {
        id: ChatFlowId::new(m.id),
        name: m.name,
        flow: m.flow,
        is_active: m.is_active,
        is_deleted: m.is_deleted.unwrap_or(false),
        celular_teste: m.celular_teste,
        user_id: m.user_id.map(UserId::new),
        tenant_id: TenantId::from_verified(m.tenant_id),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn apply_input(am: &mut chat_flow::ActiveModel, input: ChatFlowInput) {
    am.name = Set(input.name.trim().to_owned());
    am.flow = Set(input.flow);
    am.is_active = Set(input.is_active);
    am.celular_teste = Set(input.celular_teste);
    am.user_id = Set(input.user_id.map(UserId::get));
}

#[async_trait]
impl ChatFlowStore for SeaChatFlowStore {
    async fn create(&self, cx: &TenantCtx, input: ChatFlowInput) -> Result<ChatFlow> {
        input.validate()?;
        self.check_user(cx, input.user_id).await?;
        let at = now();
        let mut am = chat_flow::ActiveModel {
            is_deleted: Set(Some(false)),
            tenant_id: Set(tenant_of(cx)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        apply_input(&mut am, input);
        Ok(to_chat_flow(am.insert(&self.db).await.map_err(db_err)?))
    }

    async fn get(&self, cx: &TenantCtx, id: ChatFlowId) -> Result<ChatFlow> {
        Ok(to_chat_flow(self.load(cx, id).await?))
    }

    async fn list(&self, cx: &TenantCtx) -> Result<Vec<ChatFlow>> {
        Ok(scoped::<chat_flow::Entity>(cx)
            .filter(not_deleted())
            .order_by_asc(chat_flow::Column::Name)
            .order_by_asc(chat_flow::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_chat_flow)
            .collect())
    }

    async fn update(
        &self,
        cx: &TenantCtx,
        id: ChatFlowId,
        input: ChatFlowInput,
    ) -> Result<ChatFlow> {
        input.validate()?;
        self.check_user(cx, input.user_id).await?;
        let mut am: chat_flow::ActiveModel = self.load(cx, id).await?.into();
        apply_input(&mut am, input);
        am.updated_at = Set(now());
        Ok(to_chat_flow(am.update(&self.db).await.map_err(db_err)?))
    }

    async fn delete(&self, cx: &TenantCtx, id: ChatFlowId) -> Result<()> {
        let result = update_scoped::<chat_flow::Entity>(cx)
            .col_expr(chat_flow::Column::IsActive, Expr::value(false))
            .col_expr(chat_flow::Column::IsDeleted, Expr::value(true))
            .col_expr(chat_flow::Column::UpdatedAt, Expr::value(now()))
            .filter(chat_flow::Column::Id.eq(id.get()))
            .filter(not_deleted())
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        if result.rows_affected == 0 {
            Err(not_found())
        } else {
            Ok(())
        }
    }
}
