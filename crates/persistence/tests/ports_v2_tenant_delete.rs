//! `TenantStore::delete`: a tenant with a row in every tenant-owned table (the store fixture of
//! the isolation suite plus raw rows in the legacy tables no store writes) is removed entirely,
//! and nothing of another tenant changes, on every backend.

#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions stop the test on a broken fixture"
)]

mod support_isolation;

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use support_isolation::*;
use tiktickets_domain::enums::UserProfile;
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::store::tenants::TenantPatch;
use tiktickets_domain::{DomainError, PlatformCtx};
use tiktickets_test_support::TestDb;

/// Bookkeeping tables that belong to no tenant.
const GLOBAL_TABLES: [&str; 3] = ["seaql_migrations", "SeedsMeta", "Leases"];

async fn table_names(raw: &DatabaseConnection) -> Vec<String> {
    let backend = raw.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        }
    };
    let rows = raw
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("list tables");
    let mut names: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name").expect("table name"))
        .collect();
    names.sort();
    names
}

/// Row count of every table.
async fn counts(raw: &DatabaseConnection) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for table in table_names(raw).await {
        let sql = format!(r#"SELECT COUNT(*) AS n FROM "{table}""#);
        let row = raw
            .query_one_raw(Statement::from_string(raw.get_database_backend(), sql))
            .await
            .expect("count")
            .expect("one row");
        out.insert(table, row.try_get::<i64>("", "n").expect("n"));
    }
    out
}

/// Rows in the legacy tables that no store writes (chat flow, API, auto-reply engine, offline
/// messages, media log), all pointing at `f`'s rows.
async fn legacy_rows(raw: &DatabaseConnection, f: &Fixture) {
    let t = f.tenant.id.get();
    let u = f.agent.id.get();
    let q = f.queue.id.get();
    let c = f.contact.id.get();
    let tk = f.ticket.id.get();
    let w = f.channel.id.get();
    let m = f.message.id.as_str();
    let now = "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP";
    let ar = format!(r#"(SELECT MAX("id") FROM "AutoReply" WHERE "tenantId" = {t})"#);
    let step = format!(r#"(SELECT MAX("id") FROM "StepsReply" WHERE "idAutoReply" = {ar})"#);
    let uuid = |n: u8| format!("00000000-0000-4000-8000-{t:06}{n:06}");
    let statements = [
        format!(
            r#"INSERT INTO "ChatFlow" ("name", "flow", "isActive", "userId", "tenantId", "createdAt", "updatedAt")
               VALUES ('Flow', '{{}}', true, {u}, {t}, {now})"#
        ),
        format!(
            r#"UPDATE "Whatsapps" SET "chatFlowId" =
               (SELECT MAX("id") FROM "ChatFlow" WHERE "tenantId" = {t}) WHERE "id" = {w}"#
        ),
        format!(
            r#"INSERT INTO "ApiConfigs" ("id", "name", "sessionId", "isActive", "userId", "tenantId", "createdAt", "updatedAt")
               VALUES ('{}', 'api', {w}, true, {u}, {t}, {now})"#,
            uuid(1)
        ),
        format!(
            r#"INSERT INTO "ApiMessages" ("id", "body", "ack", "number", "sessionId", "tenantId", "createdAt", "updatedAt")
               VALUES ('{}', 'hi', 0, '5511999990000', {w}, {t}, {now})"#,
            uuid(2)
        ),
        format!(
            r#"INSERT INTO "AutoReply" ("name", "action", "isActive", "userId", "tenantId", "createdAt", "updatedAt")
               VALUES ('AR', 0, true, {u}, {t}, {now})"#
        ),
        format!(
            r#"INSERT INTO "StepsReply" ("reply", "idAutoReply", "initialStep", "userId", "createdAt", "updatedAt")
               VALUES ('step', {ar}, true, {u}, {now})"#
        ),
        format!(
            r#"INSERT INTO "StepsReplyActions" ("stepReplyId", "words", "action", "nextStepId", "queueId", "userId", "createdAt", "updatedAt")
               VALUES ({step}, 'oi', 0, {step}, {q}, {u}, {now})"#
        ),
        format!(
            r#"INSERT INTO "AutoReplyLogs" ("autoReplyId", "autoReplyName", "stepsReplyMessage", "wordsReply", "stepsReplyId", "contactId", "ticketId", "createdAt", "updatedAt")
               VALUES ({ar}, 'AR', 'step', 'oi', {step}, {c}, {tk}, {now})"#
        ),
        format!(
            r#"INSERT INTO "MessagesOffLine" ("body", "ack", "read", "fromMe", "isDeleted", "ticketId", "contactId", "userId", "quotedMsgId", "createdAt", "updatedAt")
               VALUES ('offline', 0, false, false, false, {tk}, {c}, {u}, '{m}', {now})"#
        ),
        format!(
            r#"INSERT INTO "UserMessagesLog" ("messageId", "userId", "ticketId", "createdAt", "updatedAt")
               VALUES ('wamid.media', {u}, {tk}, {now})"#
        ),
    ];
    for sql in statements {
        raw.execute_unprepared(&sql)
            .await
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
    }
}

#[tokio::test]
async fn delete_removes_every_row_of_the_tenant_and_nothing_else() {
    for tdb in TestDb::all().await {
        let env = Env::open(tdb).await;
        let b = env.backend();
        let p = PlatformCtx::system();
        let raw = sea_orm::Database::connect(env.tdb.url()).await.expect(b);

        // The survivor first, so that the counts after the deletion must equal these.
        let keep = make_fixture(&env.stores, "B", "21").await;
        legacy_rows(&raw, &keep).await;
        let keep_before = snapshot(&env.stores, &keep.cx).await;
        let before = counts(&raw).await;

        let gone = make_fixture(&env.stores, "A", "11").await;
        legacy_rows(&raw, &gone).await;
        env.stores
            .tenants
            .update(
                &p,
                gone.tenant.id,
                TenantPatch {
                    owner_id: Some(Some(gone.admin.id)),
                    ..TenantPatch::default()
                },
            )
            .await
            .expect(b);
        let with_both = counts(&raw).await;
        for (table, n) in &with_both {
            if GLOBAL_TABLES.contains(&table.as_str()) {
                continue;
            }
            assert!(
                *n > before[table],
                "[{b}] the fixture must put a row of the deleted tenant in {table}"
            );
        }

        env.stores
            .tenants
            .delete(&p, gone.tenant.id)
            .await
            .expect(b);

        assert_eq!(
            counts(&raw).await,
            before,
            "[{b}] every row of A gone, B intact"
        );
        assert_eq!(
            snapshot(&env.stores, &keep.cx).await,
            keep_before,
            "[{b}] B reads the same"
        );
        assert!(
            matches!(
                env.stores.tenants.get(&p, gone.tenant.id).await,
                Err(DomainError::NotFound { .. })
            ),
            "[{b}]"
        );
        assert!(
            env.stores
                .tenants
                .find_login("admin@a.example")
                .await
                .expect(b)
                .is_none(),
            "[{b}] A's users cannot log in"
        );
        assert!(
            env.stores
                .tenants
                .find_login("admin@b.example")
                .await
                .expect(b)
                .is_some(),
            "[{b}]"
        );
        let again = env.stores.tenants.delete(&p, gone.tenant.id).await;
        assert!(
            matches!(&again, Err(e) if e.code() == "ERR_NO_TENANT_FOUND"),
            "[{b}] {again:?}"
        );
        let _ = raw.close().await;
    }
}

#[tokio::test]
async fn delete_of_an_unknown_or_empty_tenant() {
    for tdb in TestDb::all().await {
        let env = Env::open(tdb).await;
        let b = env.backend();
        let p = PlatformCtx::system();
        let unknown = env
            .stores
            .tenants
            .delete(&p, TenantId::from_verified(987_654))
            .await;
        match &unknown {
            Err(e @ DomainError::NotFound { .. }) => {
                assert_eq!(e.code(), "ERR_NO_TENANT_FOUND", "[{b}]");
            }
            other => panic!("[{b}] expected ERR_NO_TENANT_FOUND, got {other:?}"),
        }
        // A tenant with nothing but its row and one user.
        let empty = new_tenant(&env.stores, "Empty").await;
        env.stores
            .users
            .create(
                &tiktickets_domain::TenantCtx::system(empty.id),
                tiktickets_domain::store::users::NewUser {
                    name: "Only".to_owned(),
                    email: "only@empty.example".to_owned(),
                    password_hash: "h".to_owned(),
                    profile: UserProfile::Admin,
                    configs: None,
                },
            )
            .await
            .expect(b);
        env.stores.tenants.delete(&p, empty.id).await.expect(b);
        assert!(
            env.stores
                .tenants
                .list(&p)
                .await
                .expect(b)
                .iter()
                .all(|t| t.id != empty.id),
            "[{b}]"
        );
    }
}
