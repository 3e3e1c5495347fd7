//! Legacy `MessagesOffLine` and the `UserMessagesLog` of media sent by agents.

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, Restrict, SetNull};
use sea_orm_migration::prelude::*;

use crate::common::{
    bool_not_null, create_indexes, drop_tables, fk, int, int_null, serial_id,
    table_with_timestamps, text, varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(
                    "MessagesOffLine",
                    [
                        serial_id(),
                        text("body"),
                        int("ack").default(0).take(),
                        bool_not_null("read", false),
                        bool_not_null("fromMe", false),
                        bool_not_null("isDeleted", false),
                        varchar_null("mediaType"),
                        varchar_null("mediaUrl"),
                        int("ticketId"),
                        int_null("contactId"),
                        int_null("userId"),
                        varchar_null("quotedMsgId"),
                    ],
                )
                .foreign_key(&mut fk("MessagesOffLine", "ticketId", "Tickets", Cascade))
                .foreign_key(&mut fk(
                    "MessagesOffLine",
                    "contactId",
                    "Contacts",
                    Cascade,
                ))
                .foreign_key(&mut fk("MessagesOffLine", "userId", "Users", SetNull))
                // Unlike `Messages.quotedMsgId`, this table kept its FK to `Messages(id)`.
                .foreign_key(&mut fk(
                    "MessagesOffLine",
                    "quotedMsgId",
                    "Messages",
                    SetNull,
                ))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "MessagesOffLine",
            &[&["ticketId"], &["contactId"], &["userId"], &["quotedMsgId"]],
        )
        .await?;

        manager
            .create_table(
                table_with_timestamps(
                    "UserMessagesLog",
                    [
                        serial_id(),
                        // Provider id of the sent message: no foreign key.
                        varchar_null("messageId"),
                        int_null("userId"),
                        int_null("ticketId"),
                    ],
                )
                // RESTRICT: the effective guard against deleting a user who ever sent media.
                .foreign_key(&mut fk("UserMessagesLog", "userId", "Users", Restrict))
                .foreign_key(&mut fk("UserMessagesLog", "ticketId", "Tickets", SetNull))
                .take(),
            )
            .await?;
        create_indexes(manager, "UserMessagesLog", &[&["userId"], &["ticketId"]]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["UserMessagesLog", "MessagesOffLine"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
