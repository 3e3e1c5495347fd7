//! SeaORM entities: one module per table, data only (no behaviour beyond the relations).
//!
//! Table and column names are the reference's exact camelCase / PascalCase names
//! (`"Tickets"."tenantId"`); Rust field names are snake_case. The entities follow the fixed
//! schema of `tiktickets-migration`, not the reference's defects: every `tenantId` is NOT NULL
//! (including `Messages` and `Protocols`), `Settings` has a real `id` primary key and
//! `Protocols.status` is a plain varchar (`ABER` / `FECH`).
//!
//! Tenant scoping is *not* done here: the stores apply it centrally, using [`TenantOwned`] for
//! the entities that carry their own `tenantId`.

pub mod api_configs;
pub mod api_messages;
pub mod auto_reply;
pub mod auto_reply_logs;
pub mod campaign_contacts;
pub mod campaigns;
pub mod chat_flow;
pub mod contact_custom_fields;
pub mod contact_tags;
pub mod contact_wallets;
pub mod contacts;
pub mod fast_reply;
pub mod leases;
pub mod log_tickets;
pub mod messages;
pub mod messages_off_line;
pub mod protocols;
pub mod queues;
pub mod seeds_meta;
pub mod settings;
pub mod steps_reply;
pub mod steps_reply_actions;
pub mod tags;
pub mod tenants;
pub mod ticket_counters;
pub mod tickets;
pub mod user_messages_log;
pub mod users;
pub mod users_queues;
pub mod whatsapps;

/// Entities whose rows belong to one tenant through their own `tenantId` column.
pub(crate) trait TenantOwned: sea_orm::EntityTrait {
    fn tenant_column() -> Self::Column;
}

macro_rules! tenant_owned {
    ($($module:ident),+ $(,)?) => {
        $(
            impl TenantOwned for $module::Entity {
                fn tenant_column() -> Self::Column {
                    $module::Column::TenantId
                }
            }
        )+
    };
}

tenant_owned!(
    users,
    contacts,
    tickets,
    messages,
    whatsapps,
    campaigns,
    queues,
    settings,
    tags,
    contact_tags,
    contact_wallets,
    fast_reply,
    chat_flow,
    api_configs,
    api_messages,
    protocols,
    auto_reply,
    ticket_counters,
);

#[cfg(test)]
mod tests;
