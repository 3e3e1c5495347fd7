//! Building blocks shared by the migrations: column shapes, keys and index naming.
//!
//! Identifiers are plain `&'static str` (an `Iden` in sea-query 1.0, same as `Alias::new`), spelt
//! exactly like the reference schema: quoted camelCase columns, PascalCase tables.
//!
//! Column shapes follow the reference's PostgreSQL types: `varchar(255)`, `text`, `integer`,
//! `bigint`, `boolean`, `timestamptz`, `json`, `jsonb`, `uuid`. On SQLite sea-query maps them to
//! type names with the same affinity (`varchar(255)`, `timestamp_with_timezone_text`, ...).

use sea_orm_migration::prelude::*;

/// Length of every `varchar` column of the reference.
const VARCHAR_LEN: u32 = 255;

/// `id integer` primary key fed by a sequence (PG identity column, SQLite AUTOINCREMENT so that
/// ids are never reused, like a sequence).
pub(crate) fn serial_id() -> ColumnDef {
    ColumnDef::new("id")
        .integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

/// `varchar(255) NOT NULL`.
pub(crate) fn varchar(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .string_len(VARCHAR_LEN)
        .not_null()
        .take()
}

/// `varchar(255)` nullable.
pub(crate) fn varchar_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string_len(VARCHAR_LEN).null().take()
}

/// `text NOT NULL`.
pub(crate) fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().not_null().take()
}

/// `text` nullable.
pub(crate) fn text_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().null().take()
}

/// `integer NOT NULL`.
pub(crate) fn int(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().not_null().take()
}

/// `integer` nullable.
pub(crate) fn int_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().null().take()
}

/// `bigint` nullable (the epoch-millisecond and provider-id columns).
pub(crate) fn bigint_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().null().take()
}

/// `boolean NOT NULL DEFAULT <default>`.
pub(crate) fn bool_not_null(name: &'static str, default: bool) -> ColumnDef {
    ColumnDef::new(name)
        .boolean()
        .not_null()
        .default(default)
        .take()
}

/// `boolean` nullable.
pub(crate) fn bool_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).boolean().null().take()
}

/// `timestamptz NOT NULL`.
pub(crate) fn timestamptz(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

/// `timestamptz` nullable.
pub(crate) fn timestamptz_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .take()
}

/// `json` nullable.
pub(crate) fn json_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).json().null().take()
}

/// `jsonb` nullable.
pub(crate) fn jsonb_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).json_binary().null().take()
}

/// `uuid` primary key without a database default: the application generates the value.
pub(crate) fn uuid_id() -> ColumnDef {
    ColumnDef::new("id").uuid().not_null().primary_key().take()
}

/// `tenantId integer NOT NULL` with **no** default (the reference's `DEFAULT 1` silently put
/// rows into tenant 1).
pub(crate) fn tenant_id() -> ColumnDef {
    int("tenantId")
}

/// `CREATE TABLE "<name>"` with its columns, then the app-maintained `createdAt`/`updatedAt`
/// (NOT NULL, no database default).
pub(crate) fn table_with_timestamps(
    name: &'static str,
    columns: impl IntoIterator<Item = ColumnDef>,
) -> TableCreateStatement {
    let mut table = Table::create();
    table.table(name);
    for column in columns {
        table.col(column);
    }
    table
        .col(timestamptz("createdAt"))
        .col(timestamptz("updatedAt"));
    table
}

/// A foreign key `<table>.<column> → <target>.id`, named like PostgreSQL names its own
/// (`Tickets_contactId_fkey`), with the given `ON DELETE` and always `ON UPDATE CASCADE`.
pub(crate) fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("{table}_{column}_fkey"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

/// A named table-level `UNIQUE (...)` constraint, for use inside `CREATE TABLE`.
pub(crate) fn unique(name: &str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).unique();
    for column in columns {
        index.col(*column);
    }
    index
}

/// Creates one plain index per column list, named `<table>_<col>_<col>_idx`.
///
/// Index names are schema-wide on both backends, hence the table prefix.
pub(crate) async fn create_indexes(
    manager: &SchemaManager<'_>,
    table: &'static str,
    column_lists: &[&[&'static str]],
) -> Result<(), DbErr> {
    for columns in column_lists {
        let mut index = Index::create();
        index
            .name(format!("{table}_{}_idx", columns.join("_")))
            .table(table);
        for column in *columns {
            index.col(*column);
        }
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops the tables in the given order (children first). Their indexes go with them.
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).take())
            .await?;
    }
    Ok(())
}
