//! `ChatFlow`: the tenant's bot definitions (created before `Whatsapps`, which references it).

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, Restrict};
use sea_orm_migration::prelude::*;

use crate::common::{
    bool_not_null, bool_null, create_indexes, drop_tables, fk, int_null, serial_id,
    table_with_timestamps, tenant_id, varchar, varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "ChatFlow",
                    [
                        serial_id(),
                        varchar("name").default("").take(),
                        ColumnDef::new("flow").json().not_null().default("{}").take(),
                        bool_not_null("isActive", true),
                        bool_null("isDeleted").default(false).take(),
                        varchar_null("celularTeste"),
                        int_null("userId"),
                        tenant_id(),
                    ],
                )
                // CASCADE (not SET NULL) as in the reference: flows die with their author.
                .foreign_key(&mut fk("ChatFlow", "userId", "Users", Cascade))
                .foreign_key(&mut fk("ChatFlow", "tenantId", "Tenants", Restrict))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "ChatFlow",
            &[&["id", "tenantId"], &["userId"], &["tenantId"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["ChatFlow"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
