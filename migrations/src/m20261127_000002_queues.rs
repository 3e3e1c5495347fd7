//! `Queues` (departments) and the `UsersQueues` join table.

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, Restrict, SetNull};
use sea_orm_migration::prelude::*;

use crate::common::{
    bool_not_null, create_indexes, drop_tables, fk, int, int_null, serial_id,
    table_with_timestamps, tenant_id, unique, varchar,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "Queues",
                    [
                        serial_id(),
                        varchar("queue"),
                        int_null("userId"),
                        bool_not_null("isActive", true),
                        tenant_id(),
                    ],
                )
                .foreign_key(&mut fk("Queues", "userId", "Users", SetNull))
                .foreign_key(&mut fk("Queues", "tenantId", "Tenants", Restrict))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "Queues",
            &[&["id", "tenantId"], &["userId"], &["tenantId"]],
        )
        .await?;

        manager
            .create_table(
                table_with_timestamps("UsersQueues", [serial_id(), int("queueId"), int("userId")])
                    .index(&mut unique(
                        "UsersQueues_userId_queueId_key",
                        &["userId", "queueId"],
                    ))
                    .foreign_key(&mut fk("UsersQueues", "queueId", "Queues", Cascade))
                    .foreign_key(&mut fk("UsersQueues", "userId", "Users", Cascade))
                    .take(),
            )
            .await?;
        // `userId` leads the unique key above, which serves as its index.
        create_indexes(manager, "UsersQueues", &[&["queueId"]]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["UsersQueues", "Queues"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
