//! The ticket list's order as an index (issue 7): unread first, pending first, most unread,
//! newest update, per (tenantId, status). The list's ORDER BY uses exactly these expressions,
//! so a page of one status is an ordered index walk that stops after the page instead of
//! reading and sorting every ticket of that status (measured on 100k tickets: a `limit=1`
//! counter of the closed tab went from 80–134 ms to 0.4 ms on PostgreSQL). The same SQL runs on
//! PostgreSQL and SQLite, which both index expressions.

use sea_orm_migration::prelude::*;

const NAME: &str = "Tickets_list_order_idx";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                r#"CREATE INDEX "{NAME}" ON "Tickets" (
                    "tenantId",
                    "status",
                    (CASE WHEN "unreadMessages" > 0 THEN 1 ELSE 0 END) DESC,
                    (CASE WHEN "status" = 'pending' THEN 1 ELSE 0 END) DESC,
                    (COALESCE("unreadMessages", 0)) DESC,
                    "updatedAt" DESC,
                    "id" DESC
                )"#
            ))
            .await
            .map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table("Tickets").to_owned())
            .await
    }
}
