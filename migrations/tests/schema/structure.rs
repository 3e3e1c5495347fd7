//! The shape of the schema: tables, columns, keys and indexes, and the up/down round trip.

use std::collections::BTreeSet;

use tiktickets_migration::{Migrator, MigratorTrait};
use tiktickets_test_support::TestDb;

use crate::expected::{FOREIGN_KEYS, MIGRATIONS_TABLE, QUERY_INDEXES, TABLES, UNIQUE_KEYS};
use crate::introspect::{
    ForeignKeyShape, columns, foreign_keys, indexes, leftover_objects, snapshot, tables,
};
use crate::{connect, migrated, one};

#[tokio::test]
async fn up_down_up_gives_the_same_schema_on_every_backend() {
    let mut shapes = Vec::new();
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        let first = snapshot(&db).await;
        assert_eq!(first.len(), TABLES.len(), "{backend}: tables after up");

        Migrator::down(&db, None)
            .await
            .unwrap_or_else(|e| panic!("{backend}: down: {e}"));
        assert_eq!(
            tables(&db).await,
            BTreeSet::from([MIGRATIONS_TABLE.to_owned()]),
            "{backend}: only the bookkeeping table survives a full down"
        );
        assert!(
            leftover_objects(&db).await.is_empty(),
            "{backend}: indexes or sequences left behind: {:?}",
            leftover_objects(&db).await
        );

        Migrator::up(&db, None)
            .await
            .unwrap_or_else(|e| panic!("{backend}: second up: {e}"));
        assert_eq!(
            snapshot(&db).await,
            first,
            "{backend}: second up differs from the first"
        );
        shapes.push((backend, first));
    }
    // One code path: both backends end up with the same tables, columns, keys and indexes.
    if let [(a, first), (b, second)] = shapes.as_slice() {
        for (table, shape) in first {
            assert_eq!(Some(shape), second.get(table), "{table}: {a} vs {b}");
        }
        assert_eq!(first.len(), second.len());
    }
}

#[tokio::test]
async fn up_twice_is_a_no_op() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        let before = snapshot(&db).await;
        Migrator::up(&db, None)
            .await
            .unwrap_or_else(|e| panic!("{backend}: second up: {e}"));
        assert_eq!(snapshot(&db).await, before, "{backend}");
        let applied = one(&db, "SELECT COUNT(*) AS n FROM \"seaql_migrations\"").await;
        let applied: i64 = applied.try_get("", "n").unwrap();
        assert_eq!(applied as usize, Migrator::migrations().len(), "{backend}");
    }
}

#[tokio::test]
async fn tables_and_columns_carry_the_reference_names() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        let mut expected: BTreeSet<String> = TABLES.iter().map(|(t, _)| (*t).to_owned()).collect();
        expected.insert(MIGRATIONS_TABLE.to_owned());
        assert_eq!(tables(&db).await, expected, "{backend}");
        for (table, expected_columns) in TABLES {
            let actual: Vec<String> = columns(&db, table)
                .await
                .into_iter()
                .map(|c| c.name)
                .collect();
            let expected: Vec<&str> = expected_columns.split_whitespace().collect();
            assert_eq!(actual, expected, "{backend}: columns of {table}");
        }
    }
}

#[tokio::test]
async fn every_tenant_id_is_not_null_without_default_and_indexed_with_id() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        let mut tenant_tables = Vec::new();
        for table in tables(&db).await {
            let Some(col) = columns(&db, &table)
                .await
                .into_iter()
                .find(|c| c.name == "tenantId")
            else {
                continue;
            };
            assert!(col.not_null, "{backend}: {table}.tenantId is nullable");
            assert_eq!(
                col.default, None,
                "{backend}: {table}.tenantId has a default"
            );
            // Derived counters have no id: their primary key leads with tenantId.
            let tenant_index: &[&str] = if table == "TicketCounters" {
                &["tenantId", "status", "queueId", "userId", "isGroup"]
            } else {
                &["id", "tenantId"]
            };
            let indexed = indexes(&db, &table)
                .await
                .into_iter()
                .any(|i| i.columns == tenant_index);
            assert!(
                indexed,
                "{backend}: {table} lacks the {tenant_index:?} index"
            );
            tenant_tables.push(table);
        }
        // Reference §4: 15 NOT NULL tables + Messages and Protocols (nullable there), and
        // TicketCounters (migration 17).
        assert_eq!(tenant_tables.len(), 18, "{backend}: {tenant_tables:?}");
    }
}

#[tokio::test]
async fn foreign_keys_match_the_reference_delete_rules() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        let mut actual = BTreeSet::new();
        for table in tables(&db).await {
            for fk in foreign_keys(&db, &table).await {
                actual.insert((table.clone(), fk));
            }
        }
        let expected: BTreeSet<(String, ForeignKeyShape)> = FOREIGN_KEYS
            .iter()
            .map(|(table, column, target, on_delete)| {
                let fk = ForeignKeyShape {
                    column: (*column).to_owned(),
                    target: (*target).to_owned(),
                    target_column: "id".to_owned(),
                    on_delete: (*on_delete).to_owned(),
                    on_update: "CASCADE".to_owned(),
                };
                ((*table).to_owned(), fk)
            })
            .collect();
        assert_eq!(actual, expected, "{backend}");
    }
}

#[tokio::test]
async fn every_foreign_key_column_leads_a_full_index() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        for (table, column, _, _) in FOREIGN_KEYS {
            let covered = indexes(&db, table)
                .await
                .into_iter()
                .any(|i| !i.partial && i.columns.first().is_some_and(|c| c == column));
            assert!(covered, "{backend}: no index leads with {table}.{column}");
        }
    }
}

#[tokio::test]
async fn unique_keys_and_query_indexes_exist() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        for (table, cols, partial) in UNIQUE_KEYS {
            let found = indexes(&db, table)
                .await
                .into_iter()
                .any(|i| i.unique && i.partial == *partial && i.columns == *cols);
            assert!(
                found,
                "{backend}: {table} lacks unique {cols:?} (partial: {partial})"
            );
        }
        for (table, cols) in QUERY_INDEXES {
            let found = indexes(&db, table)
                .await
                .into_iter()
                .any(|i| i.columns == *cols);
            assert!(found, "{backend}: {table} lacks index {cols:?}");
        }
    }
}

#[tokio::test]
async fn fresh_database_without_migrations_has_no_tables() {
    // Guards the helpers above: a fresh database really is empty on every backend.
    for test_db in TestDb::all().await {
        let db = connect(&test_db).await;
        assert!(tables(&db).await.is_empty(), "{}", test_db.backend_name());
    }
}
