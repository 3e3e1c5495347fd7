//! `TicketLogStore` on SeaORM. `LogTickets` has no `tenantId`: rows are reached through their
//! ticket, which is loaded with a tenant-scoped query first.

use async_trait::async_trait;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, Set};
use tiktickets_domain::ids::{QueueId, TicketId, TicketLogId, UserId};
use tiktickets_domain::store::ticket_logs::{NewTicketLog, TicketLog, TicketLogStore};
use tiktickets_domain::{Result, TenantCtx};

use crate::entities::{log_tickets, queues, tickets, users};
use crate::error::db_err;
use crate::scope::unscoped_children;
use crate::stores::{ensure_in_tenant, missing, now, parse_stored};

pub(crate) struct SeaTicketLogStore {
    db: DatabaseConnection,
}

impl SeaTicketLogStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_log(m: log_tickets::Model) -> Result<TicketLog> {
    Ok(TicketLog {
        id: TicketLogId::new(m.id),
        ticket_id: TicketId::new(m.ticket_id),
        user_id: m.user_id.map(UserId::new),
        queue_id: m.queue_id.map(QueueId::new),
        r#type: parse_stored("LogTickets.type", &m.r#type)?,
        created_at: m.created_at,
    })
}

#[async_trait]
impl TicketLogStore for SeaTicketLogStore {
    async fn append(&self, cx: &TenantCtx, new: NewTicketLog) -> Result<TicketLog> {
        ensure_in_tenant::<tickets::Entity, _>(
            &self.db,
            cx,
            tickets::Column::Id,
            new.ticket_id.get(),
            missing::TICKET,
        )
        .await?;
        if let Some(u) = new.user_id {
            ensure_in_tenant::<users::Entity, _>(
                &self.db,
                cx,
                users::Column::Id,
                u.get(),
                missing::USER,
            )
            .await?;
        }
        if let Some(q) = new.queue_id {
            ensure_in_tenant::<queues::Entity, _>(
                &self.db,
                cx,
                queues::Column::Id,
                q.get(),
                missing::QUEUE,
            )
            .await?;
        }
        let at = now();
        let am = log_tickets::ActiveModel {
            ticket_id: Set(new.ticket_id.get()),
            user_id: Set(new.user_id.map(UserId::get)),
            queue_id: Set(new.queue_id.map(QueueId::get)),
            r#type: Set(new.r#type.as_str().to_owned()),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        to_log(am.insert(&self.db).await.map_err(db_err)?)
    }

    async fn list_for_ticket(&self, cx: &TenantCtx, ticket: TicketId) -> Result<Vec<TicketLog>> {
        ensure_in_tenant::<tickets::Entity, _>(
            &self.db,
            cx,
            tickets::Column::Id,
            ticket.get(),
            missing::TICKET,
        )
        .await?;
        unscoped_children::<log_tickets::Entity>()
            .filter(log_tickets::Column::TicketId.eq(ticket.get()))
            .order_by_asc(log_tickets::Column::CreatedAt)
            .order_by_asc(log_tickets::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_log)
            .collect()
    }
}
