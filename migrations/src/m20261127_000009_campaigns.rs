//! `Campaigns` (bulk sends) and their `CampaignContacts`.

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, SetNull};
use sea_orm_migration::prelude::*;

use crate::common::{
    create_indexes, drop_tables, fk, int, int_null, serial_id, table_with_timestamps, tenant_id,
    text, text_null, timestamptz, timestamptz_null, unique, varchar, varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "Campaigns",
                    [
                        serial_id(),
                        varchar("name"),
                        timestamptz("start"),
                        timestamptz_null("end"),
                        varchar("status").default("pending").take(),
                        int_null("sessionId"),
                        text("message1"),
                        text("message2"),
                        text("message3"),
                        varchar_null("mediaUrl"),
                        varchar_null("mediaType"),
                        varchar_null("mediaUrl2"),
                        varchar_null("mediaType2"),
                        varchar_null("mediaUrl3"),
                        varchar_null("mediaType3"),
                        int_null("userId"),
                        tenant_id(),
                        int("delay").default(20).take(),
                        int_null("totalMessages").default(0).take(),
                        int_null("sentMessages").default(0).take(),
                        int_null("failedMessages").default(0).take(),
                    ],
                )
                .foreign_key(&mut fk("Campaigns", "sessionId", "Whatsapps", SetNull))
                .foreign_key(&mut fk("Campaigns", "userId", "Users", SetNull))
                .foreign_key(&mut fk("Campaigns", "tenantId", "Tenants", Cascade))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "Campaigns",
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
                    "CampaignContacts",
                    [
                        serial_id(),
                        // The reference's DEFAULT 0 is kept; it can never satisfy the FK.
                        int("campaignId").default(0).take(),
                        int_null("contactId"),
                        varchar("messageRandom"),
                        text_null("body"),
                        varchar_null("mediaName"),
                        // Provider id of the sent message (no FK, as in the reference).
                        varchar_null("messageId"),
                        varchar_null("jobId"),
                        int("ack").default(0).take(),
                        int_null("timestamp"),
                    ],
                )
                .index(&mut unique(
                    "CampaignContacts_campaignId_contactId_key",
                    &["campaignId", "contactId"],
                ))
                .foreign_key(&mut fk(
                    "CampaignContacts",
                    "campaignId",
                    "Campaigns",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "CampaignContacts",
                    "contactId",
                    "Contacts",
                    Cascade,
                ))
                .take(),
            )
            .await?;
        // `campaignId` leads the unique key above, which serves as its index.
        create_indexes(manager, "CampaignContacts", &[&["contactId"]]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["CampaignContacts", "Campaigns"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
