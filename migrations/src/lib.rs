//! The TikTickets schema as SeaORM migrations, one code path for PostgreSQL and SQLite.
//!
//! Table and column names are the reference's exact quoted names (`"Tickets"."tenantId"`), so the
//! schema can hold data of the original system; the reference's defects are fixed here (NOT NULL
//! `tenantId` without default, per-tenant uniques, indexes on every foreign key, partial unique
//! indexes that back the application's upserts). See `/work/shared/reference/data-model.md`.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20261127_000001_tenants_and_users;
mod m20261127_000002_queues;
mod m20261127_000003_contacts;
mod m20261127_000004_settings_tags_fast_replies;
mod m20261127_000005_chat_flows;
mod m20261127_000006_channels;
mod m20261127_000007_tickets;
mod m20261127_000008_messages;
mod m20261127_000009_campaigns;
mod m20261127_000010_api;
mod m20261127_000011_logs_and_protocols;
mod m20261127_000012_legacy_auto_reply;
mod m20261127_000013_messages_offline_and_user_log;
mod m20261127_000014_seeds_meta;
mod m20261127_000015_outbox_errors_and_leases;
mod m20261128_000016_ticket_list_order;
mod m20261128_000017_ticket_counters;
mod m20261128_000018_group_tickets;

/// All migrations, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_tenants_and_users::Migration),
            Box::new(m20261127_000002_queues::Migration),
            Box::new(m20261127_000003_contacts::Migration),
            Box::new(m20261127_000004_settings_tags_fast_replies::Migration),
            Box::new(m20261127_000005_chat_flows::Migration),
            Box::new(m20261127_000006_channels::Migration),
            Box::new(m20261127_000007_tickets::Migration),
            Box::new(m20261127_000008_messages::Migration),
            Box::new(m20261127_000009_campaigns::Migration),
            Box::new(m20261127_000010_api::Migration),
            Box::new(m20261127_000011_logs_and_protocols::Migration),
            Box::new(m20261127_000012_legacy_auto_reply::Migration),
            Box::new(m20261127_000013_messages_offline_and_user_log::Migration),
            Box::new(m20261127_000014_seeds_meta::Migration),
            Box::new(m20261127_000015_outbox_errors_and_leases::Migration),
            Box::new(m20261128_000016_ticket_list_order::Migration),
            Box::new(m20261128_000017_ticket_counters::Migration),
            Box::new(m20261128_000018_group_tickets::Migration),
        ]
    }
}
