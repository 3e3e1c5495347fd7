//! The outbox sweeper's platform-wide read: unsent outbound messages of every tenant that are
//! overdue. It returns ids only; each message is then handled under its own tenant's context.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect};
use tiktickets_domain::enums::MessageStatus;
use tiktickets_domain::ids::{MessageId, TenantId};
use tiktickets_domain::{PlatformCtx, Result};

use crate::entities::messages;
use crate::error::db_err;
use crate::scope::across_tenants;

/// `MessageStore::overdue_outbound`: `fromMe`, no provider id, status `pending`, and either
/// unscheduled and created before `created_before` or scheduled before `scheduled_before`;
/// oldest first.
pub(crate) async fn overdue_outbound(
    db: &DatabaseConnection,
    p: &PlatformCtx,
    created_before: DateTime<Utc>,
    scheduled_before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(TenantId, MessageId)>> {
    let overdue = Condition::any()
        .add(
            Condition::all()
                .add(messages::Column::ScheduleDate.is_null())
                .add(messages::Column::CreatedAt.lt(created_before)),
        )
        .add(messages::Column::ScheduleDate.lt(scheduled_before));
    let rows: Vec<(String, i32)> = across_tenants::<messages::Entity>(p)
        .select_only()
        .column(messages::Column::Id)
        .column(messages::Column::TenantId)
        .filter(messages::Column::MessageId.is_null())
        .filter(messages::Column::FromMe.eq(true))
        .filter(messages::Column::Status.eq(MessageStatus::Pending.as_str()))
        .filter(overdue)
        .order_by_asc(messages::Column::CreatedAt)
        .order_by_asc(messages::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|(id, tenant)| (TenantId::from_verified(tenant), MessageId::from_stored(id)))
        .collect())
}
