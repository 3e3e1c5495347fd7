//! `Tickets`: one long-lived conversation per (contact, channel).

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, Restrict, SetNull};
use sea_orm_migration::prelude::*;

use crate::common::{
    bigint_null, bool_not_null, bool_null, create_indexes, drop_tables, fk, int, int_null,
    jsonb_null, serial_id, table_with_timestamps, tenant_id, text_null, timestamptz_null, varchar,
    varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "Tickets",
                    [
                        serial_id(),
                        varchar("status").default("pending").take(),
                        text_null("lastMessage"),
                        int_null("contactId"),
                        int_null("userId"),
                        int_null("whatsappId"),
                        bool_not_null("isGroup", false),
                        // Legacy auto-reply pointers: no foreign key in the reference either.
                        int_null("autoReplyId"),
                        int_null("stepAutoReplyId"),
                        int_null("queueId"),
                        tenant_id(),
                        int_null("unreadMessages"),
                        bool_null("answered").default(true).take(),
                        varchar_null("channel").default("whatsapp").take(),
                        // Current bot flow: no foreign key in the reference.
                        int_null("chatFlowId"),
                        varchar_null("stepChatFlow"),
                        bigint_null("lastMessageAt"),
                        bigint_null("startedAttendanceAt"),
                        bigint_null("closedAt"),
                        bool_not_null("isActiveDemand", false),
                        timestamptz_null("lastInteractionBot"),
                        int("botRetries").default(0).take(),
                        jsonb_null("apiConfig"),
                        bool_not_null("isFarewellMessage", false),
                        int_null("attendanceCount").default(0).take(),
                    ],
                )
                .foreign_key(&mut fk("Tickets", "contactId", "Contacts", Cascade))
                .foreign_key(&mut fk("Tickets", "userId", "Users", SetNull))
                .foreign_key(&mut fk("Tickets", "whatsappId", "Whatsapps", SetNull))
                // RESTRICT: a queue still used by a ticket cannot be deleted.
                .foreign_key(&mut fk("Tickets", "queueId", "Queues", Restrict))
                .foreign_key(&mut fk("Tickets", "tenantId", "Tenants", Restrict))
                .take(),
            )
            .await?;

        // At most one open-or-pending ticket per contact per channel: the find-or-create of an
        // inbound message relies on it. sea-query renders the WHERE identically on both backends.
        manager
            .create_index(
                Index::create()
                    .name("tickets_one_active_per_contact_channel")
                    .table("Tickets")
                    .col("tenantId")
                    .col("whatsappId")
                    .col("contactId")
                    .unique()
                    .and_where(Expr::col("status").is_in(["open", "pending"]))
                    .take(),
            )
            .await?;

        create_indexes(
            manager,
            "Tickets",
            &[
                &["id", "tenantId"],
                // Ticket list and find-or-create lookups; also the index of `tenantId`.
                &["tenantId", "status", "whatsappId", "contactId"],
                // Auto-close job: inactive tickets of a tenant.
                &["tenantId", "updatedAt"],
                &["contactId"],
                &["userId"],
                &["whatsappId"],
                &["queueId"],
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["Tickets"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
