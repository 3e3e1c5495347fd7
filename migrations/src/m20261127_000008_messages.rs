//! `Messages`: every message of a ticket, inbound and outbound (also the outbox).

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, Restrict, SetNull};
use sea_orm_migration::prelude::*;

use crate::common::{
    bigint_null, bool_not_null, create_indexes, drop_tables, fk, int, int_null, jsonb_null,
    table_with_timestamps, tenant_id, text, text_null, timestamptz_null, varchar, varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "Messages",
                    [
                        // Application-generated UUID v4 text (older rows hold provider ids).
                        varchar("id").primary_key().take(),
                        varchar_null("messageId"),
                        text("body"),
                        int("ack").default(0).take(),
                        bool_not_null("read", false),
                        bool_not_null("fromMe", false),
                        varchar_null("mediaType"),
                        varchar_null("mediaUrl"),
                        int("ticketId"),
                        int_null("contactId"),
                        // Internal id of the quoted message; the reference dropped this FK.
                        varchar_null("quotedMsgId"),
                        bigint_null("timestamp"),
                        int_null("userId"),
                        timestamptz_null("scheduleDate"),
                        varchar_null("sendType"),
                        varchar_null("status"),
                        text_null("wabaMediaId"),
                        // NOT NULL here, nullable in the reference.
                        tenant_id(),
                        varchar_null("idFront"),
                        jsonb_null("pollData"),
                        varchar_null("protocolNumber").default("").take(),
                        text_null("edited"),
                        bool_not_null("isDeleted", false),
                    ],
                )
                .foreign_key(&mut fk("Messages", "ticketId", "Tickets", Cascade))
                .foreign_key(&mut fk("Messages", "contactId", "Contacts", Cascade))
                .foreign_key(&mut fk("Messages", "userId", "Users", SetNull))
                .foreign_key(&mut fk("Messages", "tenantId", "Tenants", Restrict))
                .take(),
            )
            .await?;

        // Inbound storage upserts on (tenantId, messageId); NULL = not sent yet, may repeat.
        // sea-query renders the WHERE identically on both backends.
        manager
            .create_index(
                Index::create()
                    .name("Messages_tenantId_messageId_key")
                    .table("Messages")
                    .col("tenantId")
                    .col("messageId")
                    .unique()
                    .and_where(Expr::col("messageId").is_not_null())
                    .take(),
            )
            .await?;

        create_indexes(
            manager,
            "Messages",
            &[
                &["id", "tenantId"],
                // Message pages of a ticket; also the index of `ticketId`.
                &["ticketId", "createdAt"],
                &["contactId"],
                &["userId"],
                // The partial unique index above does not cover rows without `messageId`.
                &["tenantId"],
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["Messages"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
