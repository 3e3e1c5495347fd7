//! `TicketCounters` (migration 17) always equals a `GROUP BY` over `Tickets`: after inserts,
//! key changes, updates that change no key, deletes, multi-row updates, and for tickets that
//! existed before the migration (the backfill).

use std::collections::BTreeMap;

use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use tiktickets_migration::{Migrator, MigratorTrait};
use tiktickets_test_support::TestDb;

use crate::{connect, exec};

const TS: &str = "'2026-11-27 00:00:00+00'";

type Key = (i32, String, i32, i32, bool);

/// Tenants 1 and 2, two contacts, a channel, two agents and two queues in tenant 1, one
/// contact and channel in tenant 2.
async fn fixture(db: &DatabaseConnection) {
    let rows = [
        format!(
            "INSERT INTO \"Tenants\" (\"name\", \"maxUsers\", \"maxConnections\", \"createdAt\", \
             \"updatedAt\") VALUES ('A', 10, 10, {TS}, {TS}), ('B', 10, 10, {TS}, {TS})"
        ),
        format!(
            "INSERT INTO \"Contacts\" (\"name\", \"number\", \"tenantId\", \"createdAt\", \
             \"updatedAt\") VALUES ('Ana', '551', 1, {TS}, {TS}), ('Bia', '552', 1, {TS}, {TS}), \
             ('Caio', '553', 2, {TS}, {TS})"
        ),
        format!(
            "INSERT INTO \"Whatsapps\" (\"name\", \"tenantId\", \"createdAt\", \"updatedAt\") \
             VALUES ('W1', 1, {TS}, {TS}), ('W2', 2, {TS}, {TS})"
        ),
        format!(
            "INSERT INTO \"Users\" (\"name\", \"email\", \"passwordHash\", \"tenantId\", \
             \"createdAt\", \"updatedAt\") VALUES ('U1', 'u1@x.io', 'h', 1, {TS}, {TS}), \
             ('U2', 'u2@x.io', 'h', 1, {TS}, {TS})"
        ),
        format!(
            "INSERT INTO \"Queues\" (\"queue\", \"tenantId\", \"createdAt\", \"updatedAt\") \
             VALUES ('Q1', 1, {TS}, {TS}), ('Q2', 1, {TS}, {TS})"
        ),
    ];
    for sql in rows {
        exec(db, &sql)
            .await
            .unwrap_or_else(|e| panic!("fixture: {e}\n{sql}"));
    }
}

fn ticket(status: &str, contact: i32, channel: i32, tenant: i32, extra: (&str, &str)) -> String {
    format!(
        "INSERT INTO \"Tickets\" (\"status\", \"contactId\", \"whatsappId\", \"tenantId\", \
         \"createdAt\", \"updatedAt\"{}) VALUES ('{status}', {contact}, {channel}, {tenant}, \
         {TS}, {TS}{})",
        extra.0, extra.1
    )
}

async fn rows(db: &DatabaseConnection, sql: &str) -> BTreeMap<Key, i64> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| {
            let key = (
                r.try_get::<i32>("", "tenantId").unwrap(),
                r.try_get::<String>("", "status").unwrap(),
                r.try_get::<i32>("", "queueId").unwrap(),
                r.try_get::<i32>("", "userId").unwrap(),
                r.try_get::<bool>("", "isGroup").unwrap(),
            );
            (key, r.try_get::<i64>("", "n").unwrap())
        })
        .filter(|(_, n)| *n != 0)
        .collect()
}

/// Asserts the counters equal the real counts, and returns them.
async fn assert_counters_match(db: &DatabaseConnection, label: &str) -> BTreeMap<Key, i64> {
    let counted = rows(
        db,
        "SELECT \"tenantId\", \"status\", COALESCE(\"queueId\", 0) AS \"queueId\", \
         COALESCE(\"userId\", 0) AS \"userId\", \"isGroup\", COUNT(*) AS \"n\" FROM \"Tickets\" \
         GROUP BY \"tenantId\", \"status\", COALESCE(\"queueId\", 0), COALESCE(\"userId\", 0), \
         \"isGroup\"",
    )
    .await;
    let kept = rows(
        db,
        "SELECT \"tenantId\", \"status\", \"queueId\", \"userId\", \"isGroup\", \
         \"count\" AS \"n\" FROM \"TicketCounters\"",
    )
    .await;
    assert_eq!(kept, counted, "{label}");
    kept
}

#[tokio::test]
async fn counters_follow_every_ticket_write() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = connect(&test_db).await;
        Migrator::up(&db, None).await.unwrap();
        fixture(&db).await;
        for sql in [
            ticket("pending", 1, 1, 1, ("", "")),
            ticket("closed", 1, 1, 1, (", \"userId\"", ", 1")),
            ticket("closed", 1, 1, 1, (", \"queueId\", \"userId\"", ", 2, 2")),
            ticket("open", 2, 1, 1, (", \"queueId\", \"isGroup\"", ", 1, true")),
            ticket("pending", 3, 2, 2, ("", "")),
        ] {
            exec(&db, &sql).await.unwrap();
        }
        let after_inserts = assert_counters_match(&db, &format!("{backend}: inserts")).await;
        assert_eq!(
            after_inserts.get(&(1, "closed".into(), 2, 2, false)),
            Some(&1)
        );
        assert_eq!(
            after_inserts.get(&(2, "pending".into(), 0, 0, false)),
            Some(&1)
        );

        let steps = [
            // pending -> open, taken by agent 1, in queue 1
            "UPDATE \"Tickets\" SET \"status\" = 'open', \"userId\" = 1, \"queueId\" = 1 WHERE \"id\" = 1",
            // no key change: the counters must not move
            "UPDATE \"Tickets\" SET \"unreadMessages\" = 3, \"lastMessage\" = 'hi' WHERE \"id\" = 1",
            "UPDATE \"Tickets\" SET \"status\" = 'open' WHERE \"id\" = 1",
            // transfer, then unassign
            "UPDATE \"Tickets\" SET \"userId\" = 2, \"queueId\" = 2 WHERE \"id\" = 1",
            "UPDATE \"Tickets\" SET \"userId\" = NULL WHERE \"id\" = 1",
            // many rows at once, across tenants
            "UPDATE \"Tickets\" SET \"status\" = 'closed' WHERE \"status\" IN ('open', 'pending')",
            "UPDATE \"Tickets\" SET \"isGroup\" = true WHERE \"id\" = 2",
            // a deleted user's tickets lose their agent (ON DELETE SET NULL)
            "DELETE FROM \"Users\" WHERE \"id\" = 2",
            "DELETE FROM \"Tickets\" WHERE \"id\" = 3",
            "DELETE FROM \"Tickets\" WHERE \"tenantId\" = 2",
        ];
        for (n, sql) in steps.iter().enumerate() {
            exec(&db, sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            assert_counters_match(&db, &format!("{backend}: step {n}: {sql}")).await;
        }
        let last = assert_counters_match(&db, backend).await;
        assert_eq!(last.values().sum::<i64>(), 3, "{backend}: {last:?}");
    }
}

#[tokio::test]
async fn the_migration_counts_tickets_that_already_exist() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = connect(&test_db).await;
        // Up to migration 16: the one before the counters.
        Migrator::up(&db, Some(16)).await.unwrap();
        fixture(&db).await;
        for sql in [
            ticket("open", 1, 1, 1, (", \"userId\", \"queueId\"", ", 1, 1")),
            ticket("closed", 1, 1, 1, (", \"userId\", \"queueId\"", ", 1, 1")),
            ticket("closed", 2, 1, 1, (", \"userId\", \"queueId\"", ", 1, 1")),
        ] {
            exec(&db, &sql).await.unwrap();
        }
        Migrator::up(&db, None).await.unwrap();
        let kept = assert_counters_match(&db, &format!("{backend}: backfill")).await;
        assert_eq!(
            kept.get(&(1, "closed".into(), 1, 1, false)),
            Some(&2),
            "{backend}"
        );
        // And the triggers run from there on.
        exec(
            &db,
            "UPDATE \"Tickets\" SET \"status\" = 'closed' WHERE \"id\" = 1",
        )
        .await
        .unwrap();
        let kept = assert_counters_match(&db, &format!("{backend}: after backfill")).await;
        assert_eq!(
            kept.get(&(1, "closed".into(), 1, 1, false)),
            Some(&3),
            "{backend}"
        );
    }
}
