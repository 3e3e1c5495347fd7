//! The reads of `TicketStore` that filter many tickets: the ticket list (with the agent
//! visibility rule of data-model.md §7.6), the dashboard's "created between" and the
//! auto-close's inactive tickets.
//!
//! Every subquery is built from [`crate::scope`] helpers, so each one carries the caller's
//! tenant (join tables without a `tenantId` are limited through their tenant-owned parent).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Order};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationTrait,
};
use tiktickets_domain::enums::TicketStatus;
use tiktickets_domain::ids::UserId;
use tiktickets_domain::store::Page;
use tiktickets_domain::store::tickets::{Ticket, TicketQuery};
use tiktickets_domain::{Result, TenantCtx};

use crate::entities::{contacts, tickets, users_queues};
use crate::error::db_err;
use crate::scope::{scoped, unscoped_children};
use crate::stores::contains_pattern;
use crate::stores::subqueries::{contacts_in_wallets, contacts_with_tags, tenant_queue_ids};
use crate::stores::tickets::to_ticket;

/// Rule §7.6: a ticket is visible to agent `user` if it is a group ticket, or the tenant has no
/// queues at all, or it sits in one of the agent's queues, or it is assigned to the agent, or
/// its contact is in the agent's wallet.
fn visible_to(cx: &TenantCtx, user: UserId) -> Condition {
    let agent_queues = unscoped_children::<users_queues::Entity>()
        .select_only()
        .column(users_queues::Column::QueueId)
        .filter(users_queues::Column::UserId.eq(user.get()))
        .filter(users_queues::Column::QueueId.in_subquery(tenant_queue_ids(cx)))
        .into_query();
    Condition::any()
        .add(tickets::Column::IsGroup.eq(true))
        .add(Expr::not_exists(tenant_queue_ids(cx)))
        .add(tickets::Column::QueueId.in_subquery(agent_queues))
        .add(tickets::Column::UserId.eq(user.get()))
        .add(tickets::Column::ContactId.in_subquery(contacts_in_wallets(cx, &[user])))
}

/// `TicketStore::list`.
pub(crate) async fn list<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    q: &TicketQuery,
) -> Result<Page<Ticket>> {
    let mut query = scoped::<tickets::Entity>(cx);
    if !q.statuses.is_empty() {
        query = query.filter(tickets::Column::Status.is_in(q.statuses.iter().map(|s| s.as_str())));
    }
    if !q.queue_ids.is_empty() {
        query = query.filter(tickets::Column::QueueId.is_in(q.queue_ids.iter().map(|x| x.get())));
    }
    if let Some(user) = q.user_id {
        query = query.filter(tickets::Column::UserId.eq(user.get()));
    }
    if q.only_unread {
        query = query.filter(tickets::Column::UnreadMessages.gt(0));
    }
    if q.only_unassigned {
        query = query.filter(tickets::Column::UserId.is_null());
    }
    if let Some(is_group) = q.is_group {
        query = query.filter(tickets::Column::IsGroup.eq(is_group));
    }
    if !q.tag_ids.is_empty() {
        query = query
            .filter(tickets::Column::ContactId.in_subquery(contacts_with_tags(cx, &q.tag_ids)));
    }
    if let Some(user) = q.visible_to {
        query = query.filter(visible_to(cx, user));
    }
    if let Some(term) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = contains_pattern(term);
        let mut any = Condition::any()
            .add(
                Expr::expr(Func::lower(Expr::col((
                    contacts::Entity,
                    contacts::Column::Name,
                ))))
                .like(pattern.clone()),
            )
            .add(Expr::col((contacts::Entity, contacts::Column::Number)).like(pattern));
        if let Ok(id) = term.parse::<i32>() {
            any = any.add(tickets::Column::Id.eq(id));
        }
        query = query
            .join(JoinType::LeftJoin, tickets::Relation::Contact.def())
            .filter(any);
    }
    let count = query.clone().count(db).await.map_err(db_err)?;
    // Same SQL on both backends: unread first, pending first, most unread, newest update.
    let rows = query
        .order_by(
            Expr::cust(r#"CASE WHEN "Tickets"."unreadMessages" > 0 THEN 1 ELSE 0 END"#),
            Order::Desc,
        )
        .order_by(
            Expr::cust(r#"CASE WHEN "Tickets"."status" = 'pending' THEN 1 ELSE 0 END"#),
            Order::Desc,
        )
        .order_by(
            Expr::cust(r#"COALESCE("Tickets"."unreadMessages", 0)"#),
            Order::Desc,
        )
        .order_by_desc(tickets::Column::UpdatedAt)
        .order_by_desc(tickets::Column::Id)
        .offset(q.page.offset())
        .limit(q.page.size())
        .all(db)
        .await
        .map_err(db_err)?;
    let items = rows
        .into_iter()
        .map(to_ticket)
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::new(items, count, q.page))
}

/// `TicketStore::created_between`: `createdAt` in `[from, to)`, oldest first.
pub(crate) async fn created_between<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Ticket>> {
    scoped::<tickets::Entity>(cx)
        .filter(tickets::Column::CreatedAt.gte(from))
        .filter(tickets::Column::CreatedAt.lt(to))
        .order_by_asc(tickets::Column::CreatedAt)
        .order_by_asc(tickets::Column::Id)
        .all(db)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(to_ticket)
        .collect()
}

/// `TicketStore::inactive_since`: open and pending tickets of the caller's tenant last updated
/// before `cutoff`, least recently updated first (the `(tenantId, updatedAt)` index).
pub(crate) async fn inactive_since<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Ticket>> {
    scoped::<tickets::Entity>(cx)
        .filter(
            tickets::Column::Status
                .is_in([TicketStatus::Open.as_str(), TicketStatus::Pending.as_str()]),
        )
        .filter(tickets::Column::UpdatedAt.lt(cutoff))
        .order_by_asc(tickets::Column::UpdatedAt)
        .order_by_asc(tickets::Column::Id)
        .limit(limit)
        .all(db)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(to_ticket)
        .collect()
}
