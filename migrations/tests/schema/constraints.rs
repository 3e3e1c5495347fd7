//! The constraints really bite: inserts that must fail do, the ones that must pass do.
//! Every statement is plain SQL with quoted identifiers, valid on both backends.

use sea_orm_migration::sea_orm::DatabaseConnection;
use tiktickets_test_support::TestDb;

use crate::{exec, migrated, one};

const TS: &str = "'2026-11-27 00:00:00+00'";

/// Tenants 1 and 2; in tenant 1: contact 1, channel 1, user 1.
async fn base(db: &DatabaseConnection) {
    for sql in [
        format!(
            "INSERT INTO \"Tenants\" (\"name\", \"maxUsers\", \"maxConnections\", \"createdAt\", \
             \"updatedAt\") VALUES ('A', 10, 10, {TS}, {TS}), ('B', 10, 10, {TS}, {TS})"
        ),
        format!(
            "INSERT INTO \"Contacts\" (\"name\", \"number\", \"tenantId\", \"createdAt\", \
             \"updatedAt\") VALUES ('Ana', '5511999990000', 1, {TS}, {TS})"
        ),
        format!(
            "INSERT INTO \"Whatsapps\" (\"name\", \"tenantId\", \"createdAt\", \"updatedAt\") \
             VALUES ('Whatsapp 01', 1, {TS}, {TS})"
        ),
        format!(
            "INSERT INTO \"Users\" (\"name\", \"email\", \"passwordHash\", \"tenantId\", \
             \"createdAt\", \"updatedAt\") VALUES ('Admin', 'a@x.io', 'h', 1, {TS}, {TS})"
        ),
    ] {
        exec(db, &sql)
            .await
            .unwrap_or_else(|e| panic!("fixture: {e}\n{sql}"));
    }
}

fn ticket(status: &str) -> String {
    format!(
        "INSERT INTO \"Tickets\" (\"status\", \"contactId\", \"whatsappId\", \"tenantId\", \
         \"createdAt\", \"updatedAt\") VALUES ('{status}', 1, 1, 1, {TS}, {TS})"
    )
}

fn message(id: &str, message_id: Option<&str>, tenant: i32) -> String {
    let message_id = message_id.map_or("NULL".to_owned(), |m| format!("'{m}'"));
    format!(
        "INSERT INTO \"Messages\" (\"id\", \"messageId\", \"body\", \"ticketId\", \"tenantId\", \
         \"createdAt\", \"updatedAt\") VALUES ('{id}', {message_id}, 'hi', 1, {tenant}, {TS}, {TS})"
    )
}

#[tokio::test]
async fn at_most_one_open_or_pending_ticket_per_contact_and_channel() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        base(&db).await;
        exec(&db, &ticket("open")).await.unwrap();
        assert!(
            exec(&db, &ticket("open")).await.is_err(),
            "{backend}: second open"
        );
        assert!(
            exec(&db, &ticket("pending")).await.is_err(),
            "{backend}: open + pending"
        );
        exec(&db, &ticket("closed"))
            .await
            .expect("open + closed is fine");
        exec(&db, &ticket("closed"))
            .await
            .expect("closed tickets may repeat");
        // Closing the open one frees the slot for a new pending ticket.
        exec(
            &db,
            "UPDATE \"Tickets\" SET \"status\" = 'closed' WHERE \"status\" = 'open'",
        )
        .await
        .unwrap();
        exec(&db, &ticket("pending"))
            .await
            .expect("pending after close");
    }
}

#[tokio::test]
async fn provider_message_id_is_unique_per_tenant_when_present() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        base(&db).await;
        exec(&db, &ticket("open")).await.unwrap();
        exec(&db, &message("m1", Some("ABC"), 1)).await.unwrap();
        assert!(
            exec(&db, &message("m2", Some("ABC"), 1)).await.is_err(),
            "{backend}: duplicate (tenantId, messageId)"
        );
        exec(&db, &message("m3", None, 1))
            .await
            .expect("unsent message");
        exec(&db, &message("m4", None, 1))
            .await
            .expect("NULL messageId may repeat");
        // The index is per tenant (the FK does not tie the ticket's tenant to the message's).
        exec(&db, &message("m5", Some("ABC"), 2))
            .await
            .expect("same provider id, other tenant");
    }
}

#[tokio::test]
async fn rows_without_tenant_are_refused() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        base(&db).await;
        exec(&db, &ticket("open")).await.unwrap();
        let without_tenant = [
            format!(
                "INSERT INTO \"Messages\" (\"id\", \"body\", \"ticketId\", \"createdAt\", \
                 \"updatedAt\") VALUES ('m1', 'hi', 1, {TS}, {TS})"
            ),
            format!(
                "INSERT INTO \"Protocols\" (\"protocolNumber\", \"ticketId\", \"createdAt\") \
                 VALUES ('(1)-1', 1, {TS})"
            ),
            format!(
                "INSERT INTO \"Queues\" (\"queue\", \"createdAt\", \"updatedAt\") \
                 VALUES ('Sales', {TS}, {TS})"
            ),
            format!(
                "INSERT INTO \"Contacts\" (\"name\", \"createdAt\", \"updatedAt\") \
                 VALUES ('Bob', {TS}, {TS})"
            ),
        ];
        for sql in without_tenant {
            assert!(exec(&db, &sql).await.is_err(), "{backend}: accepted {sql}");
        }
    }
}

#[tokio::test]
async fn protocol_status_defaults_to_aber_and_accepts_only_aber_or_fech() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        base(&db).await;
        let insert = |status: &str| {
            let (col, val) = match status {
                "" => (String::new(), String::new()),
                s => (", \"status\"".to_owned(), format!(", '{s}'")),
            };
            format!(
                "INSERT INTO \"Protocols\" (\"protocolNumber\", \"tenantId\", \"createdAt\"{col}) \
                 VALUES ('(1)-1', 1, {TS}{val})"
            )
        };
        exec(&db, &insert("")).await.unwrap();
        let row = one(&db, "SELECT \"status\" FROM \"Protocols\" WHERE \"id\" = 1").await;
        assert_eq!(
            row.try_get::<String>("", "status").unwrap(),
            "ABER",
            "{backend}"
        );
        exec(&db, &insert("FECH")).await.expect("FECH");
        assert!(
            exec(&db, &insert("OPEN")).await.is_err(),
            "{backend}: accepted OPEN"
        );
    }
}

#[tokio::test]
async fn per_tenant_unique_keys() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        base(&db).await;
        let setting = |tenant: i32| {
            format!(
                "INSERT INTO \"Settings\" (\"key\", \"value\", \"tenantId\", \"createdAt\", \
                 \"updatedAt\") VALUES ('userCreation', 'disabled', {tenant}, {TS}, {TS})"
            )
        };
        exec(&db, &setting(1)).await.unwrap();
        assert!(
            exec(&db, &setting(1)).await.is_err(),
            "{backend}: duplicate setting"
        );
        exec(&db, &setting(2))
            .await
            .expect("same key, other tenant");

        let channel = |tenant: i32| {
            format!(
                "INSERT INTO \"Whatsapps\" (\"name\", \"tenantId\", \"createdAt\", \"updatedAt\") \
                 VALUES ('Whatsapp 01', {tenant}, {TS}, {TS})"
            )
        };
        assert!(
            exec(&db, &channel(1)).await.is_err(),
            "{backend}: duplicate channel name"
        );
        exec(&db, &channel(2))
            .await
            .expect("same channel name, other tenant");

        let user = |tenant: i32| {
            format!(
                "INSERT INTO \"Users\" (\"name\", \"email\", \"passwordHash\", \"tenantId\", \
                 \"createdAt\", \"updatedAt\") VALUES ('X', 'a@x.io', 'h', {tenant}, {TS}, {TS})"
            )
        };
        assert!(
            exec(&db, &user(2)).await.is_err(),
            "{backend}: e-mail is globally unique"
        );
    }
}

#[tokio::test]
async fn join_tables_refuse_duplicate_pairs() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        base(&db).await;
        for sql in [
            format!(
                "INSERT INTO \"Queues\" (\"queue\", \"tenantId\", \"createdAt\", \"updatedAt\") \
                 VALUES ('Sales', 1, {TS}, {TS})"
            ),
            format!(
                "INSERT INTO \"Tags\" (\"tag\", \"color\", \"tenantId\", \"createdAt\", \
                 \"updatedAt\") VALUES ('vip', '#fff', 1, {TS}, {TS})"
            ),
            format!(
                "INSERT INTO \"Campaigns\" (\"name\", \"start\", \"message1\", \"message2\", \
                 \"message3\", \"tenantId\", \"createdAt\", \"updatedAt\") \
                 VALUES ('c', {TS}, 'a', 'b', 'c', 1, {TS}, {TS})"
            ),
        ] {
            exec(&db, &sql)
                .await
                .unwrap_or_else(|e| panic!("fixture: {e}\n{sql}"));
        }
        let pairs = [
            format!(
                "INSERT INTO \"UsersQueues\" (\"userId\", \"queueId\", \"createdAt\", \
                 \"updatedAt\") VALUES (1, 1, {TS}, {TS})"
            ),
            format!(
                "INSERT INTO \"ContactTags\" (\"contactId\", \"tagId\", \"tenantId\", \
                 \"createdAt\", \"updatedAt\") VALUES (1, 1, 1, {TS}, {TS})"
            ),
            format!(
                "INSERT INTO \"ContactWallets\" (\"contactId\", \"walletId\", \"tenantId\", \
                 \"createdAt\", \"updatedAt\") VALUES (1, 1, 1, {TS}, {TS})"
            ),
            format!(
                "INSERT INTO \"CampaignContacts\" (\"campaignId\", \"contactId\", \
                 \"messageRandom\", \"createdAt\", \"updatedAt\") \
                 VALUES (1, 1, 'message1', {TS}, {TS})"
            ),
        ];
        for sql in &pairs {
            exec(&db, sql)
                .await
                .unwrap_or_else(|e| panic!("{backend}: first insert: {e}\n{sql}"));
        }
        for sql in &pairs {
            assert!(
                exec(&db, sql).await.is_err(),
                "{backend}: accepted duplicate {sql}"
            );
        }
        let same_tag = format!(
            "INSERT INTO \"Tags\" (\"tag\", \"color\", \"tenantId\", \"createdAt\", \
             \"updatedAt\") VALUES ('vip', '#000', 1, {TS}, {TS})"
        );
        assert!(
            exec(&db, &same_tag).await.is_err(),
            "{backend}: duplicate tag in tenant"
        );
        let same_number = format!(
            "INSERT INTO \"Contacts\" (\"name\", \"number\", \"tenantId\", \"createdAt\", \
             \"updatedAt\") VALUES ('Dup', '5511999990000', 1, {TS}, {TS})"
        );
        assert!(
            exec(&db, &same_number).await.is_err(),
            "{backend}: duplicate contact number"
        );
    }
}

#[tokio::test]
async fn circular_tenant_owner_key_is_enforced() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        base(&db).await;
        let set_owner =
            |user: i32| format!("UPDATE \"Tenants\" SET \"ownerId\" = {user} WHERE \"id\" = 1");
        assert!(
            exec(&db, &set_owner(999)).await.is_err(),
            "{backend}: unknown owner accepted"
        );
        exec(&db, &set_owner(1)).await.expect("existing owner");
        let delete_owner = "DELETE FROM \"Users\" WHERE \"id\" = 1";
        assert!(
            exec(&db, delete_owner).await.is_err(),
            "{backend}: owner deleted (RESTRICT)"
        );
    }
}

#[tokio::test]
async fn omitted_columns_get_the_reference_defaults() {
    for test_db in TestDb::all().await {
        let backend = test_db.backend_name();
        let db = migrated(&test_db).await;
        base(&db).await;
        let ticket = format!(
            "INSERT INTO \"Tickets\" (\"contactId\", \"whatsappId\", \"tenantId\", \"createdAt\", \
             \"updatedAt\") VALUES (1, 1, 1, {TS}, {TS})"
        );
        exec(&db, &ticket).await.unwrap();
        exec(&db, &message("m1", None, 1)).await.unwrap();
        let text = |sql: &'static str| {
            let db = &db;
            async move {
                one(db, sql)
                    .await
                    .try_get::<Option<String>>("", "v")
                    .unwrap()
            }
        };
        let cases: [(&str, Option<&str>); 12] = [
            (
                "SELECT \"status\" AS v FROM \"Tenants\" WHERE \"id\" = 1",
                Some("active"),
            ),
            (
                "SELECT \"name\" AS v FROM \"Tenants\" WHERE \"id\" = 1",
                Some("A"),
            ),
            ("SELECT \"profile\" AS v FROM \"Users\"", Some("admin")),
            ("SELECT \"status\" AS v FROM \"Users\"", Some("offline")),
            (
                "SELECT CAST(\"tokenVersion\" AS TEXT) AS v FROM \"Users\"",
                Some("0"),
            ),
            ("SELECT \"type\" AS v FROM \"Whatsapps\"", Some("whatsapp")),
            ("SELECT \"status\" AS v FROM \"Tickets\"", Some("pending")),
            ("SELECT \"channel\" AS v FROM \"Tickets\"", Some("whatsapp")),
            (
                "SELECT CAST(\"botRetries\" AS TEXT) AS v FROM \"Tickets\"",
                Some("0"),
            ),
            (
                "SELECT CAST(\"unreadMessages\" AS TEXT) AS v FROM \"Tickets\"",
                None,
            ),
            (
                "SELECT CAST(\"ack\" AS TEXT) AS v FROM \"Messages\"",
                Some("0"),
            ),
            ("SELECT \"protocolNumber\" AS v FROM \"Messages\"", Some("")),
        ];
        for (sql, expected) in cases {
            assert_eq!(text(sql).await.as_deref(), expected, "{backend}: {sql}");
        }
        let hours = text("SELECT CAST(\"businessHours\" AS TEXT) AS v FROM \"Tenants\" LIMIT 1")
            .await
            .unwrap_or_default();
        assert!(
            hours.contains("Domingo") && hours.contains("Sábado"),
            "{backend}: {hours}"
        );
        let away = text("SELECT \"messageBusinessHours\" AS v FROM \"Tenants\" LIMIT 1").await;
        assert!(away.is_some_and(|a| a.starts_with("Olá!")), "{backend}");
    }
}
