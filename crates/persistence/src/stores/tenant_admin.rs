//! Platform work of `TenantStore` across tenants: deleting a tenant with all its data, and the
//! super-admin's lists of users and channels of every tenant.

use sea_orm::sea_query::{Expr, ExprTrait, Func, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, DbErr, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, TransactionTrait,
};
use tiktickets_domain::ids::{TenantId, UserId};
use tiktickets_domain::store::channels::Channel;
use tiktickets_domain::store::users::User;
use tiktickets_domain::store::{Page, PageRequest};
use tiktickets_domain::{DomainError, PlatformCtx, Result};

use crate::entities::{
    TenantOwned, api_configs, api_messages, auto_reply, auto_reply_logs, campaign_contacts,
    campaigns, chat_flow, contact_custom_fields, contact_tags, contact_wallets, contacts,
    fast_reply, log_tickets, messages, messages_off_line, protocols, queues, settings, steps_reply,
    steps_reply_actions, tags, tenants, tickets, user_messages_log, users, users_queues, whatsapps,
};
use crate::error::db_err;
use crate::scope::{
    delete_of_tenant, of_tenant, unscoped_children, unscoped_children_delete, unscoped_global,
    unscoped_global_delete, unscoped_global_update,
};
use crate::stores::channels::to_channel;
use crate::stores::users::to_user;
use crate::stores::{contains_pattern, missing};

/// `SELECT <column> FROM <E> WHERE tenantId = <tenant>`.
fn ids_of<E: TenantOwned>(p: &PlatformCtx, tenant: TenantId, column: E::Column) -> SelectStatement {
    of_tenant::<E>(p, tenant)
        .select_only()
        .column(column)
        .into_query()
}

/// Deletes every row of `tenant`, children first. Tables without a `tenantId` are reached
/// through the ids of their tenant-owned parents.
async fn purge(
    txn: &DatabaseTransaction,
    p: &PlatformCtx,
    t: TenantId,
) -> std::result::Result<(), DbErr> {
    let tickets = || ids_of::<tickets::Entity>(p, t, tickets::Column::Id);
    let contacts = || ids_of::<contacts::Entity>(p, t, contacts::Column::Id);
    let users = || ids_of::<users::Entity>(p, t, users::Column::Id);
    let queues = || ids_of::<queues::Entity>(p, t, queues::Column::Id);
    let auto_replies = || ids_of::<auto_reply::Entity>(p, t, auto_reply::Column::Id);
    let steps = || {
        unscoped_children::<steps_reply::Entity>()
            .select_only()
            .column(steps_reply::Column::Id)
            .filter(steps_reply::Column::IdAutoReply.in_subquery(auto_replies()))
            .into_query()
    };

    // Legacy auto-reply engine and logs (RESTRICT on tickets, contacts, users and queues).
    unscoped_children_delete::<auto_reply_logs::Entity>()
        .filter(
            Condition::any()
                .add(auto_reply_logs::Column::TicketId.in_subquery(tickets()))
                .add(auto_reply_logs::Column::ContactId.in_subquery(contacts()))
                .add(auto_reply_logs::Column::AutoReplyId.in_subquery(auto_replies())),
        )
        .exec(txn)
        .await?;
    unscoped_children_delete::<user_messages_log::Entity>()
        .filter(
            Condition::any()
                .add(user_messages_log::Column::UserId.in_subquery(users()))
                .add(user_messages_log::Column::TicketId.in_subquery(tickets())),
        )
        .exec(txn)
        .await?;
    unscoped_children_delete::<messages_off_line::Entity>()
        .filter(
            Condition::any()
                .add(messages_off_line::Column::TicketId.in_subquery(tickets()))
                .add(messages_off_line::Column::ContactId.in_subquery(contacts())),
        )
        .exec(txn)
        .await?;
    unscoped_children_delete::<steps_reply_actions::Entity>()
        .filter(
            Condition::any()
                .add(steps_reply_actions::Column::StepReplyId.in_subquery(steps()))
                .add(steps_reply_actions::Column::NextStepId.in_subquery(steps()))
                .add(steps_reply_actions::Column::QueueId.in_subquery(queues())),
        )
        .exec(txn)
        .await?;
    unscoped_children_delete::<steps_reply::Entity>()
        .filter(steps_reply::Column::IdAutoReply.in_subquery(auto_replies()))
        .exec(txn)
        .await?;
    delete_of_tenant::<auto_reply::Entity>(p, t)
        .exec(txn)
        .await?;

    // Tickets and what hangs off them.
    unscoped_children_delete::<log_tickets::Entity>()
        .filter(
            Condition::any()
                .add(log_tickets::Column::TicketId.in_subquery(tickets()))
                .add(log_tickets::Column::UserId.in_subquery(users()))
                .add(log_tickets::Column::QueueId.in_subquery(queues())),
        )
        .exec(txn)
        .await?;
    unscoped_children_delete::<campaign_contacts::Entity>()
        .filter(
            Condition::any()
                .add(
                    campaign_contacts::Column::CampaignId.in_subquery(ids_of::<campaigns::Entity>(
                        p,
                        t,
                        campaigns::Column::Id,
                    )),
                )
                .add(campaign_contacts::Column::ContactId.in_subquery(contacts())),
        )
        .exec(txn)
        .await?;
    delete_of_tenant::<campaigns::Entity>(p, t)
        .exec(txn)
        .await?;
    delete_of_tenant::<api_messages::Entity>(p, t)
        .exec(txn)
        .await?;
    delete_of_tenant::<api_configs::Entity>(p, t)
        .exec(txn)
        .await?;
    delete_of_tenant::<protocols::Entity>(p, t)
        .exec(txn)
        .await?;
    delete_of_tenant::<messages::Entity>(p, t).exec(txn).await?;
    delete_of_tenant::<tickets::Entity>(p, t).exec(txn).await?;

    // Contacts, their links, and the tenant's configuration.
    delete_of_tenant::<contact_tags::Entity>(p, t)
        .exec(txn)
        .await?;
    delete_of_tenant::<contact_wallets::Entity>(p, t)
        .exec(txn)
        .await?;
    unscoped_children_delete::<contact_custom_fields::Entity>()
        .filter(contact_custom_fields::Column::ContactId.in_subquery(contacts()))
        .exec(txn)
        .await?;
    delete_of_tenant::<contacts::Entity>(p, t).exec(txn).await?;
    delete_of_tenant::<tags::Entity>(p, t).exec(txn).await?;
    delete_of_tenant::<fast_reply::Entity>(p, t)
        .exec(txn)
        .await?;
    delete_of_tenant::<settings::Entity>(p, t).exec(txn).await?;
    unscoped_children_delete::<users_queues::Entity>()
        .filter(
            Condition::any()
                .add(users_queues::Column::UserId.in_subquery(users()))
                .add(users_queues::Column::QueueId.in_subquery(queues())),
        )
        .exec(txn)
        .await?;
    delete_of_tenant::<queues::Entity>(p, t).exec(txn).await?;
    delete_of_tenant::<whatsapps::Entity>(p, t)
        .exec(txn)
        .await?;
    delete_of_tenant::<chat_flow::Entity>(p, t)
        .exec(txn)
        .await?;

    // The owner reference (RESTRICT) first, then the users, then the tenant.
    unscoped_global_update::<tenants::Entity>(p)
        .col_expr(tenants::Column::OwnerId, Expr::value(Option::<i32>::None))
        .filter(tenants::Column::Id.eq(t.get()))
        .exec(txn)
        .await?;
    delete_of_tenant::<users::Entity>(p, t).exec(txn).await?;
    unscoped_global_delete::<tenants::Entity>(p)
        .filter(tenants::Column::Id.eq(t.get()))
        .exec(txn)
        .await?;
    Ok(())
}

/// `TenantStore::delete`: the tenant and all its rows, in one transaction.
pub(crate) async fn delete(db: &DatabaseConnection, p: &PlatformCtx, id: TenantId) -> Result<()> {
    let txn = db.begin().await.map_err(db_err)?;
    let found = unscoped_global::<tenants::Entity>()
        .filter(tenants::Column::Id.eq(id.get()))
        .count(&txn)
        .await
        .map_err(db_err)?;
    if found == 0 {
        return Err(DomainError::not_found(missing::TENANT.0, missing::TENANT.1));
    }
    purge(&txn, p, id).await.map_err(db_err)?;
    txn.commit().await.map_err(db_err)
}

/// `TenantStore::list_users`: users of every tenant (or of one) by name.
pub(crate) async fn list_users(
    db: &DatabaseConnection,
    _p: &PlatformCtx,
    search: Option<&str>,
    tenant: Option<TenantId>,
    page: PageRequest,
) -> Result<Page<User>> {
    let mut query = unscoped_global::<users::Entity>();
    if let Some(t) = tenant {
        query = query.filter(users::Column::TenantId.eq(t.get()));
    }
    if let Some(term) = search.map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = contains_pattern(term);
        query = query.filter(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(users::Column::Name))).like(pattern.clone()))
                .add(Expr::expr(Func::lower(Expr::col(users::Column::Email))).like(pattern)),
        );
    }
    let count = query.clone().count(db).await.map_err(db_err)?;
    let rows = query
        .order_by_asc(users::Column::Name)
        .order_by_asc(users::Column::Id)
        .offset(page.offset())
        .limit(page.size())
        .all(db)
        .await
        .map_err(db_err)?;
    let items = rows.into_iter().map(to_user).collect::<Result<Vec<_>>>()?;
    Ok(Page::new(items, count, page))
}

/// `TenantStore::tenant_of_user`.
pub(crate) async fn tenant_of_user(
    db: &DatabaseConnection,
    _p: &PlatformCtx,
    user: UserId,
) -> Result<TenantId> {
    unscoped_global::<users::Entity>()
        .filter(users::Column::Id.eq(user.get()))
        .one(db)
        .await
        .map_err(db_err)?
        .map(|u| TenantId::from_verified(u.tenant_id))
        .ok_or_else(|| DomainError::not_found(missing::USER.0, missing::USER.1))
}

/// `TenantStore::list_channels`: by tenant, then name.
pub(crate) async fn list_channels(
    db: &DatabaseConnection,
    _p: &PlatformCtx,
    tenant: Option<TenantId>,
) -> Result<Vec<Channel>> {
    let mut query = unscoped_global::<whatsapps::Entity>();
    if let Some(t) = tenant {
        query = query.filter(whatsapps::Column::TenantId.eq(t.get()));
    }
    query
        .order_by_asc(whatsapps::Column::TenantId)
        .order_by_asc(whatsapps::Column::Name)
        .order_by_asc(whatsapps::Column::Id)
        .all(db)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(to_channel)
        .collect()
}
