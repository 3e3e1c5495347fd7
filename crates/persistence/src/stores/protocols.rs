//! `ProtocolStore` on SeaORM.

use async_trait::async_trait;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, Set};
use tiktickets_domain::ids::{ContactId, ProtocolId, TenantId, TicketId, UserId};
use tiktickets_domain::store::protocols::{NewProtocol, Protocol, ProtocolStore};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::{protocols, tickets, users};
use crate::error::db_err;
use crate::scope::{scoped, tenant_of};
use crate::stores::{ensure_in_tenant, missing, now, parse_stored};

pub(crate) struct SeaProtocolStore {
    db: DatabaseConnection,
}

impl SeaProtocolStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn ticket(&self, cx: &TenantCtx, id: TicketId) -> Result<tickets::Model> {
        scoped::<tickets::Entity>(cx)
            .filter(tickets::Column::Id.eq(id.get()))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(|| DomainError::not_found(missing::TICKET.0, missing::TICKET.1))
    }
}

fn to_protocol(m: protocols::Model) -> Result<Protocol> {
    Ok(Protocol {
        id: ProtocolId::new(m.id),
        protocol_number: m.protocol_number,
        status: parse_stored("Protocols.status", &m.status)?,
        contact_id: m.contact_id.map(ContactId::new),
        tenant_id: TenantId::from_verified(m.tenant_id),
        ticket_id: m.ticket_id.map(TicketId::new),
        user_id: m.user_id.map(UserId::new),
        user_name: m.user_name,
        created_at: m.created_at,
    })
}

#[async_trait]
impl ProtocolStore for SeaProtocolStore {
    async fn append(&self, cx: &TenantCtx, new: NewProtocol) -> Result<Protocol> {
        new.validate()?;
        let ticket = self.ticket(cx, new.ticket_id).await?;
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
        let am = protocols::ActiveModel {
            protocol_number: Set(new.protocol_number),
            status: Set(new.status.as_str().to_owned()),
            contact_id: Set(ticket.contact_id),
            tenant_id: Set(tenant_of(cx)),
            ticket_id: Set(Some(ticket.id)),
            user_id: Set(new.user_id.map(UserId::get)),
            user_name: Set(new.user_name),
            created_at: Set(now()),
            ..Default::default()
        };
        to_protocol(am.insert(&self.db).await.map_err(db_err)?)
    }

    async fn list_for_ticket(&self, cx: &TenantCtx, ticket: TicketId) -> Result<Vec<Protocol>> {
        let ticket = self.ticket(cx, ticket).await?;
        scoped::<protocols::Entity>(cx)
            .filter(protocols::Column::TicketId.eq(ticket.id))
            .order_by_asc(protocols::Column::CreatedAt)
            .order_by_asc(protocols::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_protocol)
            .collect()
    }

    async fn latest_for_ticket(
        &self,
        cx: &TenantCtx,
        ticket: TicketId,
    ) -> Result<Option<Protocol>> {
        let ticket = self.ticket(cx, ticket).await?;
        scoped::<protocols::Entity>(cx)
            .filter(protocols::Column::TicketId.eq(ticket.id))
            .order_by_desc(protocols::Column::CreatedAt)
            .order_by_desc(protocols::Column::Id)
            .one(&self.db)
            .await
            .map_err(db_err)?
            .map(to_protocol)
            .transpose()
    }
}
