//! External API: `ApiConfigs` (credentials and webhooks) and the `ApiMessages` send log.

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, SetNull};
use sea_orm_migration::prelude::*;

use crate::common::{
    bool_not_null, create_indexes, drop_tables, fk, int, int_null, jsonb_null,
    table_with_timestamps, tenant_id, text, text_null, uuid_id, varchar, varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "ApiConfigs",
                    [
                        uuid_id(),
                        varchar("name").default("").take(),
                        int_null("sessionId"),
                        bool_not_null("isActive", true),
                        varchar_null("token"),
                        text_null("authToken"),
                        text_null("urlServiceStatus"),
                        text_null("urlMessageStatus"),
                        int_null("userId"),
                        tenant_id(),
                    ],
                )
                .foreign_key(&mut fk("ApiConfigs", "sessionId", "Whatsapps", SetNull))
                .foreign_key(&mut fk("ApiConfigs", "userId", "Users", SetNull))
                .foreign_key(&mut fk("ApiConfigs", "tenantId", "Tenants", Cascade))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "ApiConfigs",
            &[
                &["id", "tenantId"],
                &["sessionId"],
                &["userId"],
                &["tenantId"],
            ],
        )
        .await?;

        manager
            .create_table(
                table_with_timestamps(
                    "ApiMessages",
                    [
                        uuid_id(),
                        varchar_null("messageId"),
                        varchar_null("externalKey"),
                        text("body"),
                        int("ack").default(0).take(),
                        varchar("number"),
                        text_null("mediaName"),
                        text_null("mediaUrl"),
                        int_null("timestamp"),
                        int_null("sessionId"),
                        tenant_id(),
                        jsonb_null("messageWA"),
                        jsonb_null("apiConfig"),
                    ],
                )
                .foreign_key(&mut fk("ApiMessages", "sessionId", "Whatsapps", SetNull))
                .foreign_key(&mut fk("ApiMessages", "tenantId", "Tenants", Cascade))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "ApiMessages",
            &[&["id", "tenantId"], &["sessionId"], &["tenantId"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["ApiMessages", "ApiConfigs"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
