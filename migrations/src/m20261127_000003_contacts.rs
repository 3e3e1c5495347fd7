//! `Contacts` and the per-contact `ContactCustomFields` and `ContactWallets` (owning agents).

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, Restrict};
use sea_orm_migration::prelude::*;

use crate::common::{
    bigint_null, bool_not_null, bool_null, create_indexes, drop_tables, fk, int, serial_id,
    table_with_timestamps, tenant_id, text_null, unique, varchar, varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "Contacts",
                    [
                        serial_id(),
                        varchar("name"),
                        varchar_null("number"),
                        text_null("profilePicUrl"),
                        varchar_null("email"),
                        bool_not_null("isGroup", false),
                        tenant_id(),
                        varchar_null("pushname"),
                        bool_null("isUser"),
                        bool_null("isWAContact"),
                        bigint_null("telegramId"),
                        bigint_null("instagramPK"),
                        text_null("messengerId"),
                    ],
                )
                .foreign_key(&mut fk("Contacts", "tenantId", "Tenants", Restrict))
                .take(),
            )
            .await?;
        // A unique *index* (not a constraint) in the reference; NULL numbers may repeat.
        manager
            .create_index(
                Index::create()
                    .name("contacts_number_tenantid")
                    .table("Contacts")
                    .col("number")
                    .col("tenantId")
                    .unique()
                    .take(),
            )
            .await?;
        create_indexes(manager, "Contacts", &[&["id", "tenantId"], &["tenantId"]]).await?;

        manager
            .create_table(
                table_with_timestamps(
                    "ContactCustomFields",
                    [
                        serial_id(),
                        varchar("name"),
                        varchar("value"),
                        int("contactId"),
                    ],
                )
                .foreign_key(&mut fk(
                    "ContactCustomFields",
                    "contactId",
                    "Contacts",
                    Cascade,
                ))
                .take(),
            )
            .await?;
        create_indexes(manager, "ContactCustomFields", &[&["contactId"]]).await?;

        manager
            .create_table(
                table_with_timestamps(
                    "ContactWallets",
                    [serial_id(), int("walletId"), int("contactId"), tenant_id()],
                )
                .index(&mut unique(
                    "ContactWallets_contactId_walletId_key",
                    &["contactId", "walletId"],
                ))
                // The wallet is the owning agent: a `Users` row.
                .foreign_key(&mut fk("ContactWallets", "walletId", "Users", Cascade))
                .foreign_key(&mut fk(
                    "ContactWallets",
                    "contactId",
                    "Contacts",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "ContactWallets",
                    "tenantId",
                    "Tenants",
                    Cascade,
                ))
                .take(),
            )
            .await?;
        // `contactId` leads the unique key above, which serves as its index.
        create_indexes(
            manager,
            "ContactWallets",
            &[&["id", "tenantId"], &["walletId"], &["tenantId"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["ContactWallets", "ContactCustomFields", "Contacts"],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
