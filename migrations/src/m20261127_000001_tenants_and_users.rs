//! `Tenants` and `Users`, which reference each other (`Tenants.ownerId` ↔ `Users.tenantId`).

use sea_orm_migration::prelude::ForeignKeyAction::Restrict;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::{
    bool_null, create_indexes, drop_tables, fk, int, int_null, json_null, jsonb_null, serial_id,
    table_with_timestamps, tenant_id, text_null, timestamptz_null, unique, varchar,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Column default of `Tenants.messageBusinessHours` (the "we are away" text).
const DEFAULT_AWAY_MESSAGE: &str = "Olá! Fantástico receber seu contato! No momento estamos \
ausentes e não poderemos lhe atender, mas vamos priorizar seu atendimento e retornaremos logo \
mais. Agradecemos muito o contato.";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut tenants = table_with_timestamps(
            "Tenants",
            [
                serial_id(),
                varchar("status").default("active").take(),
                int_null("ownerId"),
            ],
        );
        tenants
            .col(varchar("name").default("").take())
            .col(
                jsonb_null("businessHours")
                    .default(default_business_hours())
                    .take(),
            )
            .col(
                text_null("messageBusinessHours")
                    .default(DEFAULT_AWAY_MESSAGE)
                    .take(),
            )
            .col(int("maxUsers"))
            .col(int("maxConnections"));

        let users = table_with_timestamps(
            "Users",
            [
                serial_id(),
                varchar("name"),
                varchar("email"),
                varchar("passwordHash"),
                varchar("profile").default("admin").take(),
                int("tokenVersion").default(0).take(),
                tenant_id(),
                bool_null("isOnline").default(false).take(),
                timestamptz_null("lastLogin"),
                timestamptz_null("lastLogout"),
                timestamptz_null("lastOnline"),
                json_null("configs"),
                varchar("status").default("offline").take(),
            ],
        )
        // Login is by e-mail only, so e-mails stay unique across all tenants.
        .index(&mut unique("Users_email_key", &["email"]))
        .foreign_key(&mut fk("Users", "tenantId", "Tenants", Restrict))
        .take();

        create_with_owner_fk(manager, tenants, users).await?;
        create_indexes(manager, "Tenants", &[&["ownerId"]]).await?;
        create_indexes(manager, "Users", &[&["id", "tenantId"], &["tenantId"]]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // PostgreSQL refuses to drop `Users` while `Tenants.ownerId` references it; on SQLite
        // the constraint lives inside `Tenants` and goes away with the table.
        if manager.get_database_backend() != DbBackend::Sqlite {
            let owner_fk = ForeignKey::drop()
                .name("Tenants_ownerId_fkey")
                .table("Tenants")
                .to_owned();
            manager.drop_foreign_key(owner_fk).await?;
        }
        drop_tables(manager, &["Users", "Tenants"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// Creates `Tenants` then `Users` plus the circular `Tenants.ownerId → Users.id ON DELETE
/// RESTRICT` (`Users.tenantId → Tenants` is already inside `users`).
///
/// SQLite cannot `ALTER TABLE ... ADD CONSTRAINT`, but accepts a foreign key to a table that does
/// not exist yet inside `CREATE TABLE`, so there the key is declared with `Tenants`. PostgreSQL
/// needs the target table to exist, so there the key is added once `Users` has been created.
async fn create_with_owner_fk(
    manager: &SchemaManager<'_>,
    mut tenants: TableCreateStatement,
    users: TableCreateStatement,
) -> Result<(), DbErr> {
    let owner_fk = fk("Tenants", "ownerId", "Users", Restrict);
    if manager.get_database_backend() == DbBackend::Sqlite {
        manager
            .create_table(tenants.foreign_key(&mut owner_fk.clone()).take())
            .await?;
        manager.create_table(users).await
    } else {
        manager.create_table(tenants).await?;
        manager.create_table(users).await?;
        manager.create_foreign_key(owner_fk).await
    }
}

/// Column default of `Tenants.businessHours`: Sunday and Saturday closed (`C`), weekdays open
/// (`O`), all with 08:00–12:00 / 14:00–18:00. The seed and tenant creation write their own
/// all-open value.
fn default_business_hours() -> String {
    let days = [
        ("Domingo", "C"),
        ("Segunda-Feira", "O"),
        ("Terça-Feira", "O"),
        ("Quarta-Feira", "O"),
        ("Quinta-Feira", "O"),
        ("Sexta-Feira", "O"),
        ("Sábado", "C"),
    ];
    let hours = r#""hr1":"08:00","hr2":"12:00","hr3":"14:00","hr4":"18:00""#;
    let days: Vec<String> = days
        .iter()
        .enumerate()
        .map(|(day, (label, kind))| {
            format!(r#"{{"day":{day},"label":"{label}","type":"{kind}",{hours}}}"#)
        })
        .collect();
    format!("[{}]", days.join(","))
}
