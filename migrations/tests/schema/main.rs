//! The migrations on real databases: a fresh SQLite file per test always, and a fresh PostgreSQL
//! database per test when `TEST_DATABASE_URL` is set (`REQUIRE_SERVICES=1` makes it mandatory).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failure must stop the test"
)]

mod constraints;
mod counters;
mod expected;
mod introspect;
mod structure;

use sea_orm_migration::sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DbErr, QueryResult, Statement,
};
use tiktickets_migration::{Migrator, MigratorTrait};
use tiktickets_test_support::TestDb;

/// Connects to a fresh test database.
async fn connect(test_db: &TestDb) -> DatabaseConnection {
    Database::connect(test_db.url())
        .await
        .unwrap_or_else(|e| panic!("connect to {}: {e}", test_db.backend_name()))
}

/// Connects to a fresh test database and applies every migration.
async fn migrated(test_db: &TestDb) -> DatabaseConnection {
    let db = connect(test_db).await;
    Migrator::up(&db, None)
        .await
        .unwrap_or_else(|e| panic!("{}: up failed: {e}", test_db.backend_name()));
    db
}

/// Runs one statement (written to be valid on both backends).
async fn exec(db: &DatabaseConnection, sql: &str) -> Result<(), DbErr> {
    db.execute_unprepared(sql).await.map(|_| ())
}

/// The single row of a query.
async fn one(db: &DatabaseConnection, sql: &str) -> QueryResult {
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: no row"))
}
