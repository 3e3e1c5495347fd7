//! The SeaORM implementations of the domain's store ports, one file per aggregate. Each
//! method takes the caller's context and reaches rows only through [`crate::scope`].

mod campaigns;
mod channels;
mod chat_flows;
mod contacts;
mod contacts_query;
mod fast_replies;
mod inbox;
mod messages;
mod messages_outbound;
mod outbox_sweep;
mod protocols;
mod queues;
mod settings;
mod subqueries;
mod tags;
mod tenant_admin;
mod tenants;
mod ticket_logs;
mod tickets;
mod tickets_list;
mod users;

use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tiktickets_domain::DomainError;
use tiktickets_domain::store::Stores;

use crate::db::Db;
use crate::error::corrupt;

pub(crate) use contacts::SeaContactStore;
pub(crate) use tickets::SeaTicketStore;

/// Every store, backed by `db`.
pub fn build_stores(db: &Db) -> Stores {
    let conn = db.conn.clone();
    Stores {
        tenants: Arc::new(tenants::SeaTenantStore::new(conn.clone())),
        users: Arc::new(users::SeaUserStore::new(conn.clone())),
        queues: Arc::new(queues::SeaQueueStore::new(conn.clone())),
        contacts: Arc::new(SeaContactStore::new(conn.clone())),
        tickets: Arc::new(SeaTicketStore::new(conn.clone())),
        messages: Arc::new(messages::SeaMessageStore::new(conn.clone())),
        inbox: Arc::new(inbox::SeaInboxStore::new(conn.clone())),
        channels: Arc::new(channels::SeaChannelStore::new(conn.clone())),
        settings: Arc::new(settings::SeaSettingStore::new(conn.clone())),
        tags: Arc::new(tags::SeaTagStore::new(conn.clone())),
        fast_replies: Arc::new(fast_replies::SeaFastReplyStore::new(conn.clone())),
        campaigns: Arc::new(campaigns::SeaCampaignStore::new(conn.clone())),
        protocols: Arc::new(protocols::SeaProtocolStore::new(conn.clone())),
        ticket_logs: Arc::new(ticket_logs::SeaTicketLogStore::new(conn.clone())),
        chat_flows: Arc::new(chat_flows::SeaChatFlowStore::new(conn)),
    }
}

/// Runs an `INSERT ... ON CONFLICT ... DO NOTHING RETURNING *`: the new row, or `None` when
/// the conflict kept it out. SeaORM reports that case as `RecordNotInserted`, or as
/// `RecordNotFound` when RETURNING yields no row (SQLite and PostgreSQL here).
pub(crate) async fn insert_unless_conflict<A, C>(
    insert: sea_orm::Insert<A>,
    db: &C,
) -> tiktickets_domain::Result<Option<<A::Entity as sea_orm::EntityTrait>::Model>>
where
    A: sea_orm::ActiveModelTrait,
    <A::Entity as sea_orm::EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
    C: sea_orm::ConnectionTrait,
{
    match insert.exec_with_returning(db).await {
        Ok(row) => Ok(Some(row)),
        Err(sea_orm::DbErr::RecordNotInserted | sea_orm::DbErr::RecordNotFound(_)) => Ok(None),
        Err(e) => Err(crate::error::db_err(e)),
    }
}

/// Ends a savepoint opened around one write that may lose a race on a unique index: kept
/// when the write worked, rolled back otherwise (on PostgreSQL a failed statement would
/// otherwise abort the surrounding transaction).
pub(crate) async fn finish_savepoint<T: sea_orm::TransactionSession>(
    savepoint: T,
    worked: bool,
) -> tiktickets_domain::Result<()> {
    let done = if worked {
        savepoint.commit().await
    } else {
        savepoint.rollback().await
    };
    done.map_err(crate::error::db_err)
}

/// Now, truncated to microseconds so values read back compare equal on both backends.
pub(crate) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// Parses a stored enum value; an unknown value means a corrupted row.
pub(crate) fn parse_stored<T: FromStr<Err = DomainError>>(
    column: &str,
    raw: &str,
) -> Result<T, DomainError> {
    raw.parse().map_err(|e| corrupt(column, e))
}

/// Parses an optional stored enum value.
pub(crate) fn parse_stored_opt<T: FromStr<Err = DomainError>>(
    column: &str,
    raw: Option<&str>,
) -> Result<Option<T>, DomainError> {
    raw.filter(|v| !v.is_empty())
        .map(|v| parse_stored(column, v))
        .transpose()
}

/// Fails with `NotFound` unless a row of `E` with `id` exists in the caller's tenant. Used to
/// check every id a write refers to (assigned user, queue, contact, ...).
pub(crate) async fn ensure_in_tenant<E, C>(
    db: &C,
    cx: &tiktickets_domain::TenantCtx,
    id_col: E::Column,
    id: i32,
    (entity, code): (&'static str, &'static str),
) -> Result<(), DomainError>
where
    E: crate::entities::TenantOwned,
    E::Model: Sync,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let n = crate::scope::scoped::<E>(cx)
        .filter(id_col.eq(id))
        .count(db)
        .await
        .map_err(crate::error::db_err)?;
    if n == 0 {
        Err(DomainError::not_found(entity, code))
    } else {
        Ok(())
    }
}

/// Not-found descriptors shared by the stores.
pub(crate) mod missing {
    pub(crate) const TICKET: (&str, &str) = ("ticket", "ERR_NO_TICKET_FOUND");
    pub(crate) const CONTACT: (&str, &str) = ("contact", "ERR_NO_CONTACT_FOUND");
    pub(crate) const USER: (&str, &str) = ("user", "ERR_NO_USER_FOUND");
    pub(crate) const QUEUE: (&str, &str) = ("queue", "ERR_QUEUE_NOT_FOUND");
    pub(crate) const CHANNEL: (&str, &str) = ("channel", "ERR_NO_WAPP_FOUND");
    pub(crate) const CHAT_FLOW: (&str, &str) = ("chat flow", "ERR_NO_CHAT_FLOW_FOUND");
    pub(crate) const TAG: (&str, &str) = ("tag", "ERR_NO_TAG_FOUND");
    pub(crate) const MESSAGE: (&str, &str) = ("message", "ERR_NO_MESSAGE_FOUND");
    pub(crate) const CAMPAIGN: (&str, &str) = ("campaign", "ERR_CAMPAIGN_NOT_FOUND");
    pub(crate) const FAST_REPLY: (&str, &str) = ("fast reply", "ERR_NO_FAST_REPLY_FOUND");
    pub(crate) const TENANT: (&str, &str) = ("tenant", "ERR_NO_TENANT_FOUND");
}

/// A case-insensitive "contains" pattern for `LIKE` against `lower(column)`: the term is
/// lower-cased and its `%`, `_` and `\` are escaped, so they match themselves.
pub(crate) fn contains_pattern(term: &str) -> sea_orm::sea_query::LikeExpr {
    let mut escaped = String::with_capacity(term.len() + 2);
    escaped.push('%');
    for c in term.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    sea_orm::sea_query::LikeExpr::new(escaped).escape('\\')
}
