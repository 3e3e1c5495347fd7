//! The reads of `ContactStore` over many contacts: the filtered contact list (with the wallet
//! visibility rule C-9), batch reads by id and the dashboard count.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use tiktickets_domain::ids::{ContactId, UserId};
use tiktickets_domain::store::Page;
use tiktickets_domain::store::contacts::{Contact, ContactQuery};
use tiktickets_domain::store::tags::Tag;
use tiktickets_domain::{Result, TenantCtx};

use crate::entities::{contact_tags, contact_wallets, contacts, tags};
use crate::error::db_err;
use crate::scope::scoped;
use crate::stores::contacts::to_contact;
use crate::stores::contains_pattern;
use crate::stores::subqueries::{contacts_in_wallets, contacts_with_tags};
use crate::stores::tags::to_tag;

/// Rule C-9: contacts without any wallet, or in `user`'s wallet.
fn visible_to(cx: &TenantCtx, user: UserId) -> Condition {
    let any_wallet = scoped::<contact_wallets::Entity>(cx)
        .select_only()
        .column(contact_wallets::Column::Id)
        .filter(
            Expr::col((contact_wallets::Entity, contact_wallets::Column::ContactId))
                .equals((contacts::Entity, contacts::Column::Id)),
        )
        .into_query();
    Condition::any()
        .add(Expr::not_exists(any_wallet))
        .add(contacts::Column::Id.in_subquery(contacts_in_wallets(cx, &[user])))
}

/// `ContactStore::query`.
pub(crate) async fn query<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    q: &ContactQuery,
) -> Result<Page<Contact>> {
    let mut query = scoped::<contacts::Entity>(cx);
    if let Some(term) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = contains_pattern(term);
        query = query.filter(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col((
                        contacts::Entity,
                        contacts::Column::Name,
                    ))))
                    .like(pattern.clone()),
                )
                .add(contacts::Column::Number.like(pattern)),
        );
    }
    if !q.tag_ids.is_empty() {
        query = query.filter(contacts::Column::Id.in_subquery(contacts_with_tags(cx, &q.tag_ids)));
    }
    if !q.wallet_ids.is_empty() {
        query =
            query.filter(contacts::Column::Id.in_subquery(contacts_in_wallets(cx, &q.wallet_ids)));
    }
    if let Some(user) = q.visible_to {
        query = query.filter(visible_to(cx, user));
    }
    if let Some(from) = q.created_from {
        query = query.filter(contacts::Column::CreatedAt.gte(from));
    }
    if let Some(to) = q.created_to {
        query = query.filter(contacts::Column::CreatedAt.lt(to));
    }
    if q.exclude_groups {
        query = query.filter(contacts::Column::IsGroup.eq(false));
    }
    let count = query.clone().count(db).await.map_err(db_err)?;
    let rows = query
        .order_by_asc(contacts::Column::Name)
        .order_by_asc(contacts::Column::Id)
        .offset(q.page.offset())
        .limit(q.page.size())
        .all(db)
        .await
        .map_err(db_err)?;
    Ok(Page::new(
        rows.into_iter().map(to_contact).collect(),
        count,
        q.page,
    ))
}

fn raw_ids(ids: &[ContactId]) -> Vec<i32> {
    let mut raw: Vec<i32> = ids.iter().map(|c| c.get()).collect();
    raw.sort_unstable();
    raw.dedup();
    raw
}

/// `ContactStore::get_many`: the tenant's contacts among `ids`, by id.
pub(crate) async fn get_many<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    ids: &[ContactId],
) -> Result<Vec<Contact>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(scoped::<contacts::Entity>(cx)
        .filter(contacts::Column::Id.is_in(raw_ids(ids)))
        .order_by_asc(contacts::Column::Id)
        .all(db)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(to_contact)
        .collect())
}

/// `ContactStore::tags_of_many`: `(contact, tag)` pairs by contact id, then tag label.
pub(crate) async fn tags_of_many<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    ids: &[ContactId],
) -> Result<Vec<(ContactId, Tag)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let links = scoped::<contact_tags::Entity>(cx)
        .filter(contact_tags::Column::ContactId.is_in(raw_ids(ids)))
        .all(db)
        .await
        .map_err(db_err)?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let mut tag_ids: Vec<i32> = links.iter().map(|l| l.tag_id).collect();
    tag_ids.sort_unstable();
    tag_ids.dedup();
    let tag_rows = scoped::<tags::Entity>(cx)
        .filter(tags::Column::Id.is_in(tag_ids))
        .order_by_asc(tags::Column::Tag)
        .order_by_asc(tags::Column::Id)
        .all(db)
        .await
        .map_err(db_err)?;
    let mut pairs = Vec::with_capacity(links.len());
    for (rank, row) in tag_rows.into_iter().enumerate() {
        let tag_id = row.id;
        let tag = to_tag(row)?;
        for link in links.iter().filter(|l| l.tag_id == tag_id) {
            pairs.push((link.contact_id, rank, tag.clone()));
        }
    }
    pairs.sort_by_key(|(contact, rank, _)| (*contact, *rank));
    Ok(pairs
        .into_iter()
        .map(|(contact, _, tag)| (ContactId::new(contact), tag))
        .collect())
}

/// `ContactStore::count_created_between`: `createdAt` in `[from, to)`.
pub(crate) async fn count_created_between<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<u64> {
    scoped::<contacts::Entity>(cx)
        .filter(contacts::Column::CreatedAt.gte(from))
        .filter(contacts::Column::CreatedAt.lt(to))
        .count(db)
        .await
        .map_err(db_err)
}
