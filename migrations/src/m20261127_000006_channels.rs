//! `Whatsapps`: one row per channel/connection of any type (WhatsApp Web, Telegram, ...).

use sea_orm_migration::prelude::ForeignKeyAction::{Restrict, SetNull};
use sea_orm_migration::prelude::*;

use crate::common::{
    bool_not_null, bool_null, create_indexes, drop_tables, fk, int, int_null, jsonb_null,
    serial_id, table_with_timestamps, tenant_id, text_null, unique, varchar, varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "Whatsapps",
                    [
                        serial_id(),
                        text_null("session"),
                        text_null("qrcode"),
                        varchar_null("status"),
                        varchar_null("battery"),
                        bool_null("plugged"),
                        varchar("name"),
                        bool_not_null("isDefault", false),
                        int("retries").default(0).take(),
                        tenant_id(),
                        varchar_null("number"),
                        jsonb_null("phone"),
                        bool_null("isDeleted").default(false).take(),
                        varchar_null("tokenTelegram"),
                        varchar("type").default("whatsapp").take(),
                        varchar_null("instagramUser"),
                        varchar_null("instagramKey"),
                        text_null("tokenAPI"),
                        varchar_null("wabaBSP"),
                        text_null("tokenHook"),
                        bool_not_null("isActive", true),
                        jsonb_null("fbObject"),
                        text_null("fbPageId"),
                        text_null("farewellMessage"),
                        int_null("chatFlowId"),
                        text_null("profilePicUrl"),
                    ],
                )
                // Per tenant: the reference's global unique leaked names across tenants.
                .index(&mut unique("Whatsapps_tenantId_name_key", &["tenantId", "name"]))
                .foreign_key(&mut fk("Whatsapps", "tenantId", "Tenants", Restrict))
                .foreign_key(&mut fk("Whatsapps", "chatFlowId", "ChatFlow", SetNull))
                .take(),
            )
            .await?;
        // At most one default channel per tenant (rule W-1): concurrent creates or updates that
        // each set a default are arbitrated here instead of leaving several defaults.
        manager
            .create_index(
                Index::create()
                    .name("whatsapps_one_default_per_tenant")
                    .table("Whatsapps")
                    .col("tenantId")
                    .unique()
                    .and_where(Expr::col("isDefault").eq(true))
                    .take(),
            )
            .await?;
        // `tenantId` leads the unique key above, which serves as its index.
        create_indexes(
            manager,
            "Whatsapps",
            &[&["id", "tenantId"], &["chatFlowId"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["Whatsapps"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
