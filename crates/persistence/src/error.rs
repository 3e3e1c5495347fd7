//! Errors: [`PersistenceError`] for opening and migrating the database, and the one place
//! where database errors become [`DomainError`]s for the stores.

use sea_orm::{DbErr, SqlErr};
use thiserror::Error;
use tiktickets_domain::DomainError;

/// Failures of the database itself (connecting, migrating, seeding).
#[derive(Debug, Error)]
pub enum PersistenceError {
    /// The database could not be opened.
    #[error("cannot open the database: {0}")]
    Connect(String),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(String),
    /// A query failed.
    #[error("database error: {0}")]
    Query(String),
    /// A business rule refused a seed or provisioning step.
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl PersistenceError {
    pub(crate) fn connect(e: DbErr) -> Self {
        PersistenceError::Connect(e.to_string())
    }
    pub(crate) fn migrate(e: DbErr) -> Self {
        PersistenceError::Migrate(e.to_string())
    }
    pub(crate) fn query(e: DbErr) -> Self {
        PersistenceError::Query(e.to_string())
    }
}

/// A database error as the domain sees it: unique violations are conflicts, a missing row is
/// not found, everything else is "unavailable" (the driver text is kept for logs only).
pub(crate) fn db_err(e: DbErr) -> DomainError {
    if is_fk_violation(&e) {
        return DomainError::conflict(
            "ERR_RECORD_REFERENCED",
            "the record is referenced by other records",
        );
    }
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => DomainError::conflict(
            "ERR_DUPLICATED",
            "a record with the same unique value already exists",
        ),
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => DomainError::conflict(
            "ERR_RECORD_REFERENCED",
            "the record is referenced by other records",
        ),
        _ => match e {
            DbErr::RecordNotFound(_) => DomainError::not_found("record", "ERR_NOT_FOUND"),
            other => DomainError::Unavailable(other.to_string()),
        },
    }
}

/// True when `e` is a unique-constraint violation (on either backend).
pub(crate) fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// True when `e` is a foreign-key violation (on either backend).
pub(crate) fn is_fk_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::ForeignKeyConstraintViolation(_)))
        // SQLite reports a delete blocked by ON DELETE RESTRICT as SQLITE_CONSTRAINT_TRIGGER
        // (1811), which sea-orm does not classify; its message is stable.
        || e.to_string().contains("FOREIGN KEY constraint failed")
}

/// Maps a database error with specific codes for the two constraint kinds.
pub(crate) fn db_err_as(
    unique: (&'static str, &'static str),
    fk: (&'static str, &'static str),
) -> impl FnOnce(DbErr) -> DomainError {
    move |e| {
        if is_unique_violation(&e) {
            DomainError::conflict(unique.0, unique.1)
        } else if is_fk_violation(&e) {
            DomainError::conflict(fk.0, fk.1)
        } else {
            db_err(e)
        }
    }
}

/// A stored value the domain cannot read (a corrupted or foreign row).
pub(crate) fn corrupt(column: &str, e: DomainError) -> DomainError {
    DomainError::Unavailable(format!("stored {column} is invalid: {e}"))
}
