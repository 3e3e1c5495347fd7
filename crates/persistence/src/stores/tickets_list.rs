//! The reads of `TicketStore` that filter many tickets: the ticket list (with the agent
//! visibility rule of data-model.md §7.6), the dashboard's "created between" and the
//! auto-close's inactive tickets.
//!
//! Every subquery is built from [`crate::scope`] helpers, so each one carries the caller's
//! tenant (join tables without a `tenantId` are limited through their tenant-owned parent).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Order, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationTrait, Select,
};
use tiktickets_domain::enums::TicketStatus;
use tiktickets_domain::ids::UserId;
use tiktickets_domain::store::Page;
use tiktickets_domain::store::tickets::{Ticket, TicketQuery};
use tiktickets_domain::{Result, TenantCtx};

use crate::entities::{contacts, ticket_counters, tickets, users_queues};
use crate::error::db_err;
use crate::scope::{scoped, unscoped_children};
use crate::stores::contains_pattern;
use crate::stores::subqueries::{contacts_in_wallets, contacts_with_tags, tenant_queue_ids};
use crate::stores::tickets::to_ticket;

/// Rule §7.6: a ticket is visible to agent `user` if it is a group ticket, or the tenant has no
/// queues at all, or it sits in one of the agent's queues, or it is assigned to the agent, or
/// its contact is in the agent's wallet.
fn visible_to(cx: &TenantCtx, user: UserId) -> Condition {
    visible_without_wallet(cx, user)
        .add(tickets::Column::ContactId.in_subquery(contacts_in_wallets(cx, &[user])))
}

/// The queues of the tenant the agent `user` belongs to.
fn agent_queues(cx: &TenantCtx, user: UserId) -> SelectStatement {
    unscoped_children::<users_queues::Entity>()
        .select_only()
        .column(users_queues::Column::QueueId)
        .filter(users_queues::Column::UserId.eq(user.get()))
        .filter(users_queues::Column::QueueId.in_subquery(tenant_queue_ids(cx)))
        .into_query()
}

/// Rule §7.6 without the wallet clause: what `TicketCounters` can answer, since its keys carry
/// group, queue and agent but not the contact.
fn visible_without_wallet(cx: &TenantCtx, user: UserId) -> Condition {
    Condition::any()
        .add(tickets::Column::IsGroup.eq(true))
        .add(Expr::not_exists(tenant_queue_ids(cx)))
        .add(tickets::Column::QueueId.in_subquery(agent_queues(cx, user)))
        .add(tickets::Column::UserId.eq(user.get()))
}

/// Tickets visible to `user` only through the wallet clause: none of the other clauses holds
/// (written NULL-safe, so a ticket without queue or agent is not lost to `NOT (NULL)`).
fn visible_only_through_wallet(cx: &TenantCtx, user: UserId) -> Condition {
    Condition::all()
        .add(tickets::Column::ContactId.in_subquery(contacts_in_wallets(cx, &[user])))
        .add(tickets::Column::IsGroup.eq(false))
        .add(Expr::exists(tenant_queue_ids(cx)))
        .add(
            Condition::any()
                .add(tickets::Column::QueueId.is_null())
                .add(tickets::Column::QueueId.not_in_subquery(agent_queues(cx, user))),
        )
        .add(
            Condition::any()
                .add(tickets::Column::UserId.is_null())
                .add(tickets::Column::UserId.ne(user.get())),
        )
}

/// `TicketStore::list`.
pub(crate) async fn list<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    q: &TicketQuery,
) -> Result<Page<Ticket>> {
    let query = filtered(cx, q);
    // Count and page are independent reads: on a pool they run on two connections at once.
    let count = async {
        match q.visible_to {
            _ if !counters_answer(q) => query.clone().count(db).await.map_err(db_err),
            Some(user) => {
                let wallet_only = filtered_by_keys(cx, q)
                    .filter(visible_only_through_wallet(cx, user))
                    .count(db)
                    .await
                    .map_err(db_err)?;
                Ok(counted(db, cx, q, Some(user)).await? + wallet_only)
            }
            None => counted(db, cx, q, None).await,
        }
    };
    // Same SQL on both backends: unread first, pending first, most unread, newest update.
    let rows = async {
        query
            .clone()
            .order_by(Expr::cust(UNREAD_FIRST), Order::Desc)
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
            .map_err(db_err)
    };
    let (count, rows) = tokio::try_join!(count, rows)?;
    let items = rows
        .into_iter()
        .map(to_ticket)
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::new(items, count, q.page))
}

/// `CASE` of the list order's first key (and of migration 16's index).
const UNREAD_FIRST: &str = r#"CASE WHEN "Tickets"."unreadMessages" > 0 THEN 1 ELSE 0 END"#;

/// The query's filters on the columns `TicketCounters` is keyed by.
fn filtered_by_keys(cx: &TenantCtx, q: &TicketQuery) -> Select<tickets::Entity> {
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
    if q.only_unassigned {
        query = query.filter(tickets::Column::UserId.is_null());
    }
    if let Some(is_group) = q.is_group {
        // A literal, not a parameter, so the planner can pick migration 18's partial index
        // of group tickets in a cached generic plan too.
        query = query.filter(Expr::cust(if is_group {
            r#""Tickets"."isGroup" = true"#
        } else {
            r#""Tickets"."isGroup" = false"#
        }));
    }
    query
}

/// Every filter of the query.
fn filtered(cx: &TenantCtx, q: &TicketQuery) -> Select<tickets::Entity> {
    let mut query = filtered_by_keys(cx, q);
    if q.only_unread {
        // The first expression of the list order index (migration 16), so the unread filter
        // is a range of that index.
        query = query.filter(Expr::cust(UNREAD_FIRST).eq(1));
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
    query
}

/// Whether `TicketCounters` can count the query: no filter outside its keys (the wallet
/// clause of the visibility rule is counted apart, over the agent's wallet contacts only).
fn counters_answer(q: &TicketQuery) -> bool {
    !q.only_unread
        && q.tag_ids.is_empty()
        && q.search.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// The sum of the counter rows matching the query's key filters and, for an agent, the
/// visibility rule without its wallet clause.
async fn counted<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    q: &TicketQuery,
    visible_to: Option<UserId>,
) -> Result<u64> {
    use ticket_counters::Column as Key;
    let mut query = scoped::<ticket_counters::Entity>(cx)
        .select_only()
        .expr(Expr::cust(
            r#"CAST(COALESCE(SUM("TicketCounters"."count"), 0) AS BIGINT)"#,
        ));
    if !q.statuses.is_empty() {
        query = query.filter(Key::Status.is_in(q.statuses.iter().map(|s| s.as_str())));
    }
    if !q.queue_ids.is_empty() {
        query = query.filter(Key::QueueId.is_in(q.queue_ids.iter().map(|x| x.get())));
    }
    if let Some(user) = q.user_id {
        query = query.filter(Key::UserId.eq(user.get()));
    }
    if q.only_unassigned {
        query = query.filter(Key::UserId.eq(0));
    }
    if let Some(is_group) = q.is_group {
        query = query.filter(Key::IsGroup.eq(is_group));
    }
    if let Some(user) = visible_to {
        query = query.filter(
            Condition::any()
                .add(Key::IsGroup.eq(true))
                .add(Expr::not_exists(tenant_queue_ids(cx)))
                .add(Key::QueueId.in_subquery(agent_queues(cx, user)))
                .add(Key::UserId.eq(user.get())),
        );
    }
    let sum: Option<i64> = query.into_tuple().one(db).await.map_err(db_err)?;
    Ok(sum.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
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
