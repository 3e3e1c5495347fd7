//! `SeedsMeta`: which seeds the seeder has applied, so seeding is tracked and idempotent (the
//! reference re-ran untracked seeds on every start).

use sea_orm_migration::prelude::*;

use crate::common::{drop_tables, timestamptz, varchar};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("SeedsMeta")
                    .col(varchar("name").primary_key().take())
                    .col(timestamptz("appliedAt"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["SeedsMeta"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
