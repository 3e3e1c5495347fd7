//! The outbox sender's bookkeeping: `Messages.sendError` (why a send failed for good), a
//! partial index that keeps the sweeper's scan over unsent messages cheap, and `Leases`, the
//! database leases under which periodic tasks run on one instance at a time (embedded setup).

use sea_orm_migration::prelude::*;

use crate::common::{drop_tables, timestamptz, varchar};

/// Longest stored reason of a failed send.
const SEND_ERROR_LEN: u32 = 1000;

/// Index of the unsent messages (`messageId IS NULL`) by creation time.
const UNSENT_INDEX: &str = "Messages_unsent_createdAt_idx";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("Messages")
                    .add_column(
                        ColumnDef::new("sendError")
                            .string_len(SEND_ERROR_LEN)
                            .null()
                            .take(),
                    )
                    .take(),
            )
            .await?;
        // Sent and inbound rows carry a provider id; the rest is small.
        manager
            .create_index(
                Index::create()
                    .name(UNSENT_INDEX)
                    .table("Messages")
                    .col("createdAt")
                    .and_where(Expr::col("messageId").is_null())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("Leases")
                    .col(varchar("name").primary_key().take())
                    .col(varchar("holder"))
                    .col(timestamptz("expiresAt"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["Leases"]).await?;
        manager
            .drop_index(Index::drop().name(UNSENT_INDEX).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("Messages")
                    .drop_column("sendError")
                    .take(),
            )
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
