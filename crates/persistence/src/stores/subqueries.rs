//! Subqueries shared by the list reads (`... IN (SELECT ...)`), each limited to the caller's
//! tenant through [`crate::scope`].

use sea_orm::sea_query::SelectStatement;
use sea_orm::{ColumnTrait, QueryFilter, QuerySelect, QueryTrait};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::ids::{TagId, UserId};

use crate::entities::{contact_tags, contact_wallets, queues};
use crate::scope::scoped;

/// `SELECT id FROM Queues WHERE tenantId = <cx>`.
pub(crate) fn tenant_queue_ids(cx: &TenantCtx) -> SelectStatement {
    scoped::<queues::Entity>(cx)
        .select_only()
        .column(queues::Column::Id)
        .into_query()
}

/// Contacts of the tenant carrying at least one of `tags`.
pub(crate) fn contacts_with_tags(cx: &TenantCtx, tags: &[TagId]) -> SelectStatement {
    scoped::<contact_tags::Entity>(cx)
        .select_only()
        .column(contact_tags::Column::ContactId)
        .filter(contact_tags::Column::TagId.is_in(tags.iter().map(|t| t.get())))
        .into_query()
}

/// Contacts of the tenant in the wallet of one of `users`.
pub(crate) fn contacts_in_wallets(cx: &TenantCtx, users: &[UserId]) -> SelectStatement {
    scoped::<contact_wallets::Entity>(cx)
        .select_only()
        .column(contact_wallets::Column::ContactId)
        .filter(contact_wallets::Column::WalletId.is_in(users.iter().map(|u| u.get())))
        .into_query()
}
