//! Ticket audit trail (`LogTickets`) and attendance protocol events (`Protocols`).

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, SetNull};
use sea_orm_migration::prelude::*;

use crate::common::{
    create_indexes, drop_tables, fk, int, int_null, serial_id, table_with_timestamps, tenant_id,
    timestamptz, varchar, varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "LogTickets",
                    [
                        serial_id(),
                        int("ticketId"),
                        int_null("userId"),
                        int_null("queueId"),
                        varchar("type"),
                    ],
                )
                .foreign_key(&mut fk("LogTickets", "ticketId", "Tickets", Cascade))
                // CASCADE (not SET NULL) as in the reference: logs die with their user.
                .foreign_key(&mut fk("LogTickets", "userId", "Users", Cascade))
                .foreign_key(&mut fk("LogTickets", "queueId", "Queues", Cascade))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "LogTickets",
            &[&["ticketId"], &["userId"], &["queueId"]],
        )
        .await?;

        // Events, never updated: `createdAt` only. The reference's status is the PG enum
        // `enum_Protocols_status`; SQLite has no enum types, so both backends get the same
        // varchar + CHECK instead (one code path, same accepted values).
        let mut protocols = Table::create();
        protocols
            .table("Protocols")
            .col(serial_id())
            .col(varchar("protocolNumber"))
            .col(
                varchar("status")
                    .default("ABER")
                    .check(("Protocols_status_check", Expr::col("status").is_in(["ABER", "FECH"])))
                    .take(),
            )
            .col(int_null("contactId"))
            // NOT NULL here, nullable in the reference.
            .col(tenant_id())
            .col(int_null("ticketId"))
            .col(int_null("userId"))
            .col(varchar_null("userName"))
            .col(timestamptz("createdAt"))
            .foreign_key(&mut fk("Protocols", "contactId", "Contacts", Cascade))
            .foreign_key(&mut fk("Protocols", "tenantId", "Tenants", Cascade))
            .foreign_key(&mut fk("Protocols", "ticketId", "Tickets", Cascade))
            .foreign_key(&mut fk("Protocols", "userId", "Users", SetNull));
        manager.create_table(protocols).await?;
        create_indexes(
            manager,
            "Protocols",
            &[
                &["id", "tenantId"],
                // Latest protocol of a ticket; also the index of `ticketId`.
                &["ticketId", "createdAt"],
                &["contactId"],
                &["tenantId"],
                &["userId"],
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["Protocols", "LogTickets"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
