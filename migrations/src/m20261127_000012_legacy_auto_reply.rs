//! The legacy keyword auto-reply engine: `AutoReply`, `StepsReply`, `StepsReplyActions`,
//! `AutoReplyLogs`. No longer driven by the message pipeline, kept for data and CRUD.

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, Restrict, SetNull};
use sea_orm_migration::prelude::*;

use crate::common::{
    bool_not_null, bool_null, create_indexes, drop_tables, fk, int, int_null, serial_id,
    table_with_timestamps, tenant_id, varchar, varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "AutoReply",
                    [
                        serial_id(),
                        varchar("name"),
                        int("action").default(0).take(),
                        bool_not_null("isActive", true),
                        varchar_null("celularTeste"),
                        int_null("userId"),
                        tenant_id(),
                    ],
                )
                .foreign_key(&mut fk("AutoReply", "userId", "Users", SetNull))
                .foreign_key(&mut fk("AutoReply", "tenantId", "Tenants", Restrict))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "AutoReply",
            &[&["id", "tenantId"], &["userId"], &["tenantId"]],
        )
        .await?;

        manager
            .create_table(
                table_with_timestamps(
                    "StepsReply",
                    [
                        serial_id(),
                        varchar("reply"),
                        int_null("idAutoReply"),
                        bool_null("initialStep").default(false).take(),
                        int_null("userId"),
                    ],
                )
                .foreign_key(&mut fk("StepsReply", "idAutoReply", "AutoReply", Cascade))
                .foreign_key(&mut fk("StepsReply", "userId", "Users", SetNull))
                .take(),
            )
            .await?;
        create_indexes(manager, "StepsReply", &[&["idAutoReply"], &["userId"]]).await?;

        manager
            .create_table(
                table_with_timestamps(
                    "StepsReplyActions",
                    [
                        serial_id(),
                        int_null("stepReplyId"),
                        varchar("words"),
                        int("action").default(0).take(),
                        varchar_null("replyDefinition"),
                        int_null("nextStepId"),
                        int_null("queueId"),
                        // Target user of action 2: no foreign key in the reference.
                        int_null("userIdDestination"),
                        int_null("userId"),
                    ],
                )
                .foreign_key(&mut fk(
                    "StepsReplyActions",
                    "stepReplyId",
                    "StepsReply",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "StepsReplyActions",
                    "nextStepId",
                    "StepsReply",
                    Cascade,
                ))
                .foreign_key(&mut fk("StepsReplyActions", "queueId", "Queues", Restrict))
                .foreign_key(&mut fk("StepsReplyActions", "userId", "Users", SetNull))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "StepsReplyActions",
            &[&["stepReplyId"], &["nextStepId"], &["queueId"], &["userId"]],
        )
        .await?;

        manager
            .create_table(
                table_with_timestamps(
                    "AutoReplyLogs",
                    [
                        serial_id(),
                        int("autoReplyId"),
                        varchar("autoReplyName"),
                        varchar("stepsReplyMessage"),
                        varchar("wordsReply"),
                        int("stepsReplyId"),
                        int_null("contactId"),
                        int("ticketId"),
                    ],
                )
                // RESTRICT on both, as in the reference: these rows block contact/ticket deletion.
                .foreign_key(&mut fk("AutoReplyLogs", "contactId", "Contacts", Restrict))
                .foreign_key(&mut fk("AutoReplyLogs", "ticketId", "Tickets", Restrict))
                .take(),
            )
            .await?;
        create_indexes(manager, "AutoReplyLogs", &[&["contactId"], &["ticketId"]]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "AutoReplyLogs",
                "StepsReplyActions",
                "StepsReply",
                "AutoReply",
            ],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
