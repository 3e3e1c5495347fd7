//! Reads the live schema back from the catalog of either backend, in one normalised shape.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm_migration::sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement,
};

use crate::expected::MIGRATIONS_TABLE;

/// One column: name, NOT NULL, raw default expression (backend-specific spelling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub not_null: bool,
    pub default: Option<String>,
}

/// One index: its columns in order, unique, partial (has a WHERE).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IndexShape {
    pub columns: Vec<String>,
    pub unique: bool,
    pub partial: bool,
}

/// One foreign key: column → table(column), ON DELETE, ON UPDATE.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKeyShape {
    pub column: String,
    pub target: String,
    pub target_column: String,
    pub on_delete: String,
    pub on_update: String,
}

/// Everything the tests compare about one table, comparable across backends: default
/// expressions are reduced to "has a default", and the `id` primary-key index (implicit rowid on
/// SQLite) is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape {
    pub columns: Vec<(String, bool, bool)>,
    pub indexes: BTreeSet<IndexShape>,
    pub foreign_keys: BTreeSet<ForeignKeyShape>,
}

pub type Snapshot = BTreeMap<String, TableShape>;

async fn rows(db: &DatabaseConnection, sql: String) -> Vec<QueryResult> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_string(backend, sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("catalog query failed: {e}\n{sql}"))
}

fn text(row: &QueryResult, col: &str) -> String {
    row.try_get::<String>("", col)
        .unwrap_or_else(|e| panic!("column {col}: {e}"))
}

fn text_null(row: &QueryResult, col: &str) -> Option<String> {
    row.try_get::<Option<String>>("", col)
        .unwrap_or_else(|e| panic!("column {col}: {e}"))
}

fn flag(row: &QueryResult, col: &str) -> bool {
    row.try_get::<i32>("", col)
        .unwrap_or_else(|e| panic!("column {col}: {e}"))
        != 0
}

fn is_sqlite(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}

/// Names of the user tables (the migrations table included).
pub async fn tables(db: &DatabaseConnection) -> BTreeSet<String> {
    let sql = if is_sqlite(db) {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    } else {
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    };
    rows(db, sql.to_owned())
        .await
        .iter()
        .map(|r| text(r, "name"))
        .collect()
}

/// Every schema object (tables, indexes, sequences, views) except the migrations table, its
/// primary key and the engine's internal objects: empty after a full `down`.
pub async fn leftover_objects(db: &DatabaseConnection) -> BTreeSet<String> {
    let sql = if is_sqlite(db) {
        "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    } else {
        "SELECT c.relname::text AS name FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
    };
    let pkey = format!("{MIGRATIONS_TABLE}_pkey");
    rows(db, sql.to_owned())
        .await
        .iter()
        .map(|r| text(r, "name"))
        .filter(|name| name != MIGRATIONS_TABLE && *name != pkey)
        .collect()
}

pub async fn columns(db: &DatabaseConnection, table: &str) -> Vec<Column> {
    let sql = if is_sqlite(db) {
        format!(
            "SELECT name, \"notnull\" AS not_null, dflt_value AS dflt \
             FROM pragma_table_info('{table}') ORDER BY cid"
        )
    } else {
        format!(
            "SELECT column_name::text AS name, \
             CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS not_null, \
             column_default::text AS dflt FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}' \
             ORDER BY ordinal_position"
        )
    };
    rows(db, sql)
        .await
        .iter()
        .map(|r| Column {
            name: text(r, "name"),
            not_null: flag(r, "not_null"),
            default: text_null(r, "dflt"),
        })
        .collect()
}

pub async fn indexes(db: &DatabaseConnection, table: &str) -> Vec<IndexShape> {
    if !is_sqlite(db) {
        let sql = format!(
            "SELECT (SELECT string_agg(COALESCE(a.attname::text, '(expression)'), ',' ORDER BY k.ord) \
                     FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                     LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum) AS cols, \
                    CASE WHEN ix.indisunique THEN 1 ELSE 0 END AS uniq, \
                    CASE WHEN ix.indpred IS NULL THEN 0 ELSE 1 END AS partial \
             FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = current_schema() AND t.relname = '{table}'"
        );
        return rows(db, sql)
            .await
            .iter()
            .map(|r| IndexShape {
                columns: text(r, "cols").split(',').map(str::to_owned).collect(),
                unique: flag(r, "uniq"),
                partial: flag(r, "partial"),
            })
            .collect();
    }
    let list =
        format!("SELECT name, \"unique\" AS uniq, partial FROM pragma_index_list('{table}')");
    let mut out = Vec::new();
    for r in rows(db, list).await {
        let name = text(&r, "name");
        // Expression columns have no name: both backends report them as "(expression)".
        let info = format!(
            "SELECT COALESCE(name, '(expression)') AS name FROM pragma_index_info('{name}') \
             ORDER BY seqno"
        );
        let columns = rows(db, info)
            .await
            .iter()
            .map(|c| text(c, "name"))
            .collect();
        out.push(IndexShape {
            columns,
            unique: flag(&r, "uniq"),
            partial: flag(&r, "partial"),
        });
    }
    out
}

pub async fn foreign_keys(db: &DatabaseConnection, table: &str) -> Vec<ForeignKeyShape> {
    let sql = if is_sqlite(db) {
        format!(
            "SELECT \"from\" AS col, \"table\" AS target, \"to\" AS target_col, \
             on_delete, on_update FROM pragma_foreign_key_list('{table}')"
        )
    } else {
        let action = |col: &str| {
            format!(
                "CASE c.{col} WHEN 'c' THEN 'CASCADE' WHEN 'r' THEN 'RESTRICT' \
                 WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END"
            )
        };
        format!(
            "SELECT a.attname::text AS col, rt.relname::text AS target, \
                    ra.attname::text AS target_col, \
                    {} AS on_delete, {} AS on_update \
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_class rt ON rt.oid = c.confrelid \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
             JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1] \
             WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = '{table}'",
            action("confdeltype"),
            action("confupdtype"),
        )
    };
    rows(db, sql)
        .await
        .iter()
        .map(|r| ForeignKeyShape {
            column: text(r, "col"),
            target: text(r, "target"),
            target_column: text(r, "target_col"),
            on_delete: text(r, "on_delete"),
            on_update: text(r, "on_update"),
        })
        .collect()
}

/// The whole schema except the migrations table, in the cross-backend comparable shape.
pub async fn snapshot(db: &DatabaseConnection) -> Snapshot {
    let mut out = Snapshot::new();
    for table in tables(db).await {
        if table == MIGRATIONS_TABLE {
            continue;
        }
        let columns = columns(db, &table)
            .await
            .into_iter()
            .map(|c| (c.name, c.not_null, c.default.is_some()))
            .collect();
        let indexes = indexes(db, &table)
            .await
            .into_iter()
            .filter(|i| i.columns != ["id"])
            .collect();
        let foreign_keys = foreign_keys(db, &table).await.into_iter().collect();
        out.insert(
            table,
            TableShape {
                columns,
                indexes,
                foreign_keys,
            },
        );
    }
    out
}
