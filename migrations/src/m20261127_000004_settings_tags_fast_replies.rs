//! Per-tenant `Settings`, `Tags` with their `ContactTags` join, and `FastReply` quick replies.

use sea_orm_migration::prelude::ForeignKeyAction::{Cascade, Restrict, SetNull};
use sea_orm_migration::prelude::*;

use crate::common::{
    bool_not_null, create_indexes, drop_tables, fk, int, int_null, json_null, serial_id,
    table_with_timestamps, tenant_id, text, unique, varchar, varchar_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The reference has no primary key and no unique key here; both are added.
        manager
            .create_table(
                table_with_timestamps(
                    "Settings",
                    [serial_id(), varchar("key"), text("value"), tenant_id()],
                )
                .index(&mut unique(
                    "Settings_tenantId_key_key",
                    &["tenantId", "key"],
                ))
                .foreign_key(&mut fk("Settings", "tenantId", "Tenants", Restrict))
                .take(),
            )
            .await?;
        // `tenantId` leads the unique key above, which serves as its index.
        create_indexes(manager, "Settings", &[&["id", "tenantId"]]).await?;

        manager
            .create_table(
                table_with_timestamps(
                    "Tags",
                    [
                        serial_id(),
                        varchar("tag"),
                        varchar("color"),
                        bool_not_null("isActive", true),
                        varchar_null("autoTag"),
                        int_null("userId"),
                        tenant_id(),
                    ],
                )
                .index(&mut unique(
                    "unique_constraint_tag_tenant",
                    &["tag", "tenantId"],
                ))
                .foreign_key(&mut fk("Tags", "userId", "Users", SetNull))
                .foreign_key(&mut fk("Tags", "tenantId", "Tenants", Cascade))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "Tags",
            &[&["id", "tenantId"], &["userId"], &["tenantId"]],
        )
        .await?;

        manager
            .create_table(
                table_with_timestamps(
                    "ContactTags",
                    [serial_id(), int("tagId"), int("contactId"), tenant_id()],
                )
                .index(&mut unique("ContactTags_contactId_tagId_key", &["contactId", "tagId"]))
                // RESTRICT: a tag still attached to a contact cannot be deleted.
                .foreign_key(&mut fk("ContactTags", "tagId", "Tags", Restrict))
                .foreign_key(&mut fk("ContactTags", "contactId", "Contacts", Cascade))
                .foreign_key(&mut fk("ContactTags", "tenantId", "Tenants", Cascade))
                .take(),
            )
            .await?;
        // `contactId` leads the unique key above, which serves as its index.
        create_indexes(
            manager,
            "ContactTags",
            &[&["id", "tenantId"], &["tagId"], &["tenantId"]],
        )
        .await?;

        manager
            .create_table(
                table_with_timestamps(
                    "FastReply",
                    [
                        serial_id(),
                        varchar("key"),
                        text("message"),
                        json_null("medias"),
                        int_null("userId"),
                        tenant_id(),
                    ],
                )
                .foreign_key(&mut fk("FastReply", "userId", "Users", SetNull))
                .foreign_key(&mut fk("FastReply", "tenantId", "Tenants", Cascade))
                .take(),
            )
            .await?;
        create_indexes(
            manager,
            "FastReply",
            &[&["id", "tenantId"], &["userId"], &["tenantId"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["FastReply", "ContactTags", "Tags", "Settings"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
