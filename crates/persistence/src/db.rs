//! Opening the database (SQLite or PostgreSQL, chosen by the URL) and running migrations.

use std::path::Path;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseBackend, DatabaseConnection};
use tiktickets_migration::{Migrator, MigratorTrait};

use crate::error::PersistenceError;

/// Which database engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// `"sqlite"` or `"postgres"`, as `/health` reports it.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// An open connection pool.
#[derive(Debug, Clone)]
pub struct Db {
    pub(crate) conn: DatabaseConnection,
}

/// A migration and whether it has been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    /// File name of the migration.
    pub name: String,
    /// Applied to this database.
    pub applied: bool,
}

impl Db {
    /// Opens `url` (`sqlite://path?mode=rwc`, `sqlite:path`, `postgres://...`). For SQLite the
    /// parent directory is created and the file too; WAL journaling is enabled.
    pub async fn connect(url: &str) -> Result<Db, PersistenceError> {
        let mut opts = ConnectOptions::new(sqlite_url_with_create(url)?);
        // Ping only connections idle for a while (the ones a server or proxy may have
        // dropped): a ping on every checkout doubled the round trips of every statement.
        opts.acquire_timeout(Duration::from_secs(30))
            .test_before_acquire_if_idle_for(Duration::from_secs(60))
            .sqlx_logging(false);
        if is_sqlite(url) {
            // One connection: SQLite has a single writer anyway, and a single connection rules
            // out SQLITE_BUSY on read-to-write upgrades inside transactions.
            opts.max_connections(1).min_connections(1);
            opts.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
            });
        } else {
            opts.max_connections(20).min_connections(1);
        }
        let conn = sea_orm::Database::connect(opts)
            .await
            .map_err(PersistenceError::connect)?;
        Ok(Db { conn })
    }

    /// The engine behind this pool.
    pub fn backend(&self) -> Backend {
        match self.conn.get_database_backend() {
            DatabaseBackend::Sqlite => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }

    /// Runs a trivial query: the database answers.
    pub async fn ping(&self) -> Result<(), PersistenceError> {
        self.conn
            .execute_unprepared("SELECT 1")
            .await
            .map(|_| ())
            .map_err(PersistenceError::query)
    }

    /// Applies every pending migration.
    pub async fn migrate_up(&self) -> Result<(), PersistenceError> {
        Migrator::up(&self.conn, None)
            .await
            .map_err(PersistenceError::migrate)
    }

    /// Reverts the last `steps` migrations (all of them with `None`).
    pub async fn migrate_down(&self, steps: Option<u32>) -> Result<(), PersistenceError> {
        Migrator::down(&self.conn, steps)
            .await
            .map_err(PersistenceError::migrate)
    }

    /// Every known migration and whether it is applied.
    pub async fn migration_status(&self) -> Result<Vec<MigrationState>, PersistenceError> {
        let applied: Vec<String> = Migrator::get_applied_migrations(&self.conn)
            .await
            .map_err(PersistenceError::migrate)?
            .into_iter()
            .map(|m| m.name().to_owned())
            .collect();
        Ok(Migrator::migrations()
            .into_iter()
            .map(|m| {
                let name = m.name().to_owned();
                MigrationState {
                    applied: applied.contains(&name),
                    name,
                }
            })
            .collect())
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), PersistenceError> {
        self.conn.close().await.map_err(PersistenceError::query)
    }
}

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// For SQLite URLs: makes sure the file's directory exists and that the file is created
/// (`mode=rwc`) when the URL does not say otherwise. Other URLs pass through.
fn sqlite_url_with_create(url: &str) -> Result<String, PersistenceError> {
    if !is_sqlite(url) {
        return Ok(url.to_owned());
    }
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !path.is_empty()
        && path != ":memory:"
        && let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            PersistenceError::Connect(format!(
                "cannot create the directory {} for the SQLite database: {e}",
                parent.display()
            ))
        })?;
    }
    if query.contains("mode=") {
        Ok(url.to_owned())
    } else if query.is_empty() {
        Ok(format!("sqlite://{path}?mode=rwc"))
    } else {
        Ok(format!("sqlite://{path}?{query}&mode=rwc"))
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite_url_with_create;

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a/b/x.db");
        let url = format!("sqlite://{}", path.display());
        assert_eq!(
            sqlite_url_with_create(&url).ok(),
            Some(format!("{url}?mode=rwc"))
        );
        assert!(path.parent().is_some_and(|p| p.is_dir()));
        let kept = format!("sqlite://{}?mode=ro", path.display());
        assert_eq!(sqlite_url_with_create(&kept).ok(), Some(kept.clone()));
        assert_eq!(
            sqlite_url_with_create("postgres://h/db").ok().as_deref(),
            Some("postgres://h/db")
        );
    }
}
