//! [`DbLeases`]: the domain's `Leases` port on the `Leases` table, for the embedded setup
//! (one database, no Redis). Taking a lease is one atomic conditional write, so two instances
//! racing for it cannot both win:
//!
//! ```sql
//! INSERT INTO "Leases" ("name", "holder", "expiresAt") VALUES ($name, $holder, $until)
//! ON CONFLICT ("name") DO UPDATE SET "holder" = excluded."holder", "expiresAt" = excluded."expiresAt"
//! WHERE "Leases"."expiresAt" < $now OR "Leases"."holder" = $holder
//! ```
//!
//! One row affected means the caller holds the lease; none means someone else does. SQLite
//! and PostgreSQL both support this form. Times come from this process's clock (UTC).

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set};
use tiktickets_domain::leases::Leases;
use tiktickets_domain::validate;
use tiktickets_domain::{DomainError, PlatformCtx, Result};

use crate::db::Db;
use crate::entities::leases;
use crate::error::db_err;
use crate::scope::unscoped_global_delete;
use crate::stores::now;

/// Leases in the database.
#[derive(Debug, Clone)]
pub struct DbLeases {
    db: DatabaseConnection,
}

impl DbLeases {
    /// Leases stored in `db`.
    pub fn new(db: &Db) -> Self {
        Self {
            db: db.conn.clone(),
        }
    }
}

/// `now + ttl`, or an error for a period beyond the calendar.
fn expiry(now: DateTime<Utc>, ttl: Duration) -> Result<DateTime<Utc>> {
    chrono::Duration::from_std(ttl)
        .ok()
        .and_then(|ttl| now.checked_add_signed(ttl))
        .ok_or_else(|| DomainError::invalid("ERR_INVALID_LEASE_TTL", "lease period is too long"))
}

fn check_names(name: &str, holder: &str) -> Result<()> {
    validate::name("lease", name)?;
    validate::name("holder", holder)
}

#[async_trait]
impl Leases for DbLeases {
    async fn acquire(&self, name: &str, holder: &str, ttl: Duration) -> Result<bool> {
        check_names(name, holder)?;
        let now = now();
        let row = leases::ActiveModel {
            name: Set(name.to_owned()),
            holder: Set(holder.to_owned()),
            expires_at: Set(expiry(now, ttl)?),
        };
        let free_or_mine = Condition::any()
            .add(Expr::col((leases::Entity, leases::Column::ExpiresAt)).lt(now))
            .add(Expr::col((leases::Entity, leases::Column::Holder)).eq(holder));
        let on_conflict = OnConflict::column(leases::Column::Name)
            .update_columns([leases::Column::Holder, leases::Column::ExpiresAt])
            .action_cond_where(free_or_mine)
            .to_owned();
        let written = leases::Entity::insert(row)
            .on_conflict(on_conflict)
            .exec_without_returning(&self.db)
            .await
            .map_err(db_err)?;
        Ok(written == 1)
    }

    async fn release(&self, name: &str, holder: &str) -> Result<()> {
        check_names(name, holder)?;
        unscoped_global_delete::<leases::Entity>(&PlatformCtx::system())
            .filter(leases::Column::Name.eq(name))
            .filter(leases::Column::Holder.eq(holder))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_now_plus_ttl() {
        let now = Utc::now();
        assert_eq!(
            expiry(now, Duration::from_secs(30)),
            Ok(now + chrono::Duration::seconds(30))
        );
        assert!(expiry(now, Duration::MAX).is_err());
    }

    #[test]
    fn names_are_required() {
        assert!(check_names("auto-close", "host-1").is_ok());
        assert!(check_names(" ", "host-1").is_err());
        assert!(check_names("auto-close", "").is_err());
        assert!(check_names(&"x".repeat(300), "host-1").is_err());
    }
}
