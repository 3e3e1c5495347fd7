//! `MessageStore` on SeaORM. Inserts are idempotent on (tenantId, messageId): the partial
//! unique index decides, so concurrent deliveries of one WhatsApp message store one row.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use tiktickets_domain::enums::MessageAck;
use tiktickets_domain::ids::{ContactId, MessageId, TenantId, TicketId, UserId};
use tiktickets_domain::store::messages::{
    Inserted, Message, MessagePatch, MessageStore, NewMessage,
};
use tiktickets_domain::store::tickets::Ticket;
use tiktickets_domain::store::{Page, PageRequest};
use tiktickets_domain::{DomainError, PlatformCtx, Result, TenantCtx};

use crate::entities::{contacts, messages, tickets, users};
use crate::error::{db_err, is_unique_violation};
use crate::scope::{delete_scoped, scoped, tenant_of, update_scoped};
use crate::stores::{
    ensure_in_tenant, finish_savepoint, insert_unless_conflict, messages_outbound, missing, now,
    outbox_sweep, parse_stored_opt,
};

pub(crate) struct SeaMessageStore {
    db: DatabaseConnection,
}

impl SeaMessageStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, cx: &TenantCtx, id: &MessageId) -> Result<messages::Model> {
        scoped::<messages::Entity>(cx)
            .filter(messages::Column::Id.eq(id.as_str()))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .ok_or_else(|| DomainError::not_found(missing::MESSAGE.0, missing::MESSAGE.1))
    }

    async fn by_provider_id(
        &self,
        cx: &TenantCtx,
        message_id: &str,
    ) -> Result<Option<messages::Model>> {
        by_provider_id(&self.db, cx, message_id).await
    }
}

/// The tenant's message with this provider id, on any connection.
pub(crate) async fn by_provider_id<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    message_id: &str,
) -> Result<Option<messages::Model>> {
    scoped::<messages::Entity>(cx)
        .filter(messages::Column::MessageId.eq(message_id))
        .one(db)
        .await
        .map_err(db_err)
}

/// `MessageStore::insert` on any connection (a transaction too): idempotent on the provider
/// id; the losing side of a race gets the winner's row, flagged duplicate.
pub(crate) async fn insert_message<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    cx: &TenantCtx,
    new: NewMessage,
) -> Result<Inserted> {
    new.validate()?;
    if let Some(provider_id) = new.message_id.as_deref()
        && let Some(existing) = by_provider_id(db, cx, provider_id).await?
    {
        return Ok(Inserted {
            message: to_message(existing)?,
            duplicate: true,
        });
    }
    check_refs(db, cx, &new).await?;
    insert_row(db, cx, new).await
}

/// Inserts a validated message whose references are known to be the tenant's (the inbox
/// resolved them in its own transaction); a lost race on the provider id yields the winner's
/// row, flagged duplicate.
pub(crate) async fn insert_row<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    cx: &TenantCtx,
    new: NewMessage,
) -> Result<Inserted> {
    let provider = new.message_id.clone();
    let am = new_row(cx, new, now());
    let savepoint = db.begin().await.map_err(db_err)?;
    let inserted = am.insert(&savepoint).await;
    finish_savepoint(savepoint, inserted.is_ok()).await?;
    match inserted {
        Ok(row) => Ok(Inserted {
            message: to_message(row)?,
            duplicate: false,
        }),
        Err(e) if is_unique_violation(&e) => {
            // A concurrent delivery of the same provider id won: return its row.
            let provider_id = provider.as_deref().unwrap_or_default();
            let existing = by_provider_id(db, cx, provider_id).await?.ok_or_else(|| {
                DomainError::conflict("ERR_DUPLICATED_MESSAGE", "message id collision")
            })?;
            Ok(Inserted {
                message: to_message(existing)?,
                duplicate: true,
            })
        }
        Err(e) => Err(db_err(e)),
    }
}

/// Inserts `new` unless a message with its provider id is already stored in the tenant
/// (`None` then). One statement (`ON CONFLICT DO NOTHING` on the partial unique index), no
/// savepoint: the inbox's hot path.
pub(crate) async fn insert_unless_stored<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    new: NewMessage,
) -> Result<Option<Message>> {
    let mut on_conflict =
        OnConflict::columns([messages::Column::TenantId, messages::Column::MessageId]);
    // A literal predicate: PostgreSQL matches it against the partial index's own.
    on_conflict
        .target_and_where(Expr::cust(r#""messageId" IS NOT NULL"#))
        .do_nothing();
    let insert = messages::Entity::insert(new_row(cx, new, now())).on_conflict(on_conflict);
    insert_unless_conflict(insert, db)
        .await?
        .map(to_message)
        .transpose()
}

/// Fails with `NotFound` unless every row `new` refers to (ticket, contact, user, quoted
/// message) belongs to the caller's tenant.
pub(crate) async fn check_refs<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    new: &NewMessage,
) -> Result<()> {
    ensure_in_tenant::<tickets::Entity, _>(
        db,
        cx,
        tickets::Column::Id,
        new.ticket_id.get(),
        missing::TICKET,
    )
    .await?;
    if let Some(c) = new.contact_id {
        ensure_in_tenant::<contacts::Entity, _>(
            db,
            cx,
            contacts::Column::Id,
            c.get(),
            missing::CONTACT,
        )
        .await?;
    }
    if let Some(u) = new.user_id {
        ensure_in_tenant::<users::Entity, _>(db, cx, users::Column::Id, u.get(), missing::USER)
            .await?;
    }
    if let Some(q) = &new.quoted_msg_id {
        let found = scoped::<messages::Entity>(cx)
            .filter(messages::Column::Id.eq(q.as_str()))
            .count(db)
            .await
            .map_err(db_err)?;
        if found == 0 {
            return Err(DomainError::not_found(
                missing::MESSAGE.0,
                missing::MESSAGE.1,
            ));
        }
    }
    Ok(())
}

/// The row of a new message of the caller's tenant, stamped `at`.
pub(crate) fn new_row(cx: &TenantCtx, new: NewMessage, at: DateTime<Utc>) -> messages::ActiveModel {
    messages::ActiveModel {
        id: Set(MessageId::generate().as_str().to_owned()),
        message_id: Set(new.message_id),
        body: Set(new.body),
        ack: Set(new.ack.as_i32()),
        read: Set(new.read),
        from_me: Set(new.from_me),
        media_type: Set(new.media_type.map(|m| m.as_str().to_owned())),
        media_url: Set(new.media_url),
        ticket_id: Set(new.ticket_id.get()),
        contact_id: Set(new.contact_id.map(ContactId::get)),
        quoted_msg_id: Set(new.quoted_msg_id.map(|q| q.as_str().to_owned())),
        timestamp: Set(new.timestamp),
        user_id: Set(new.user_id.map(UserId::get)),
        schedule_date: Set(new.schedule_date),
        send_type: Set(new.send_type.map(|s| s.as_str().to_owned())),
        status: Set(new.status.map(|s| s.as_str().to_owned())),
        waba_media_id: Set(None),
        tenant_id: Set(tenant_of(cx)),
        id_front: Set(new.id_front),
        poll_data: Set(new.poll_data),
        protocol_number: Set(Some(String::new())),
        edited: Set(None),
        is_deleted: Set(false),
        created_at: Set(at),
        updated_at: Set(at),
        send_error: Set(None),
    }
}

pub(crate) fn to_message(m: messages::Model) -> Result<Message> {
    Ok(Message {
        id: MessageId::from_stored(m.id),
        message_id: m.message_id,
        body: m.body,
        ack: MessageAck::try_from(m.ack).map_err(|e| crate::error::corrupt("Messages.ack", e))?,
        read: m.read,
        from_me: m.from_me,
        media_type: parse_stored_opt("Messages.mediaType", m.media_type.as_deref())?,
        media_url: m.media_url,
        ticket_id: TicketId::new(m.ticket_id),
        contact_id: m.contact_id.map(ContactId::new),
        quoted_msg_id: m.quoted_msg_id.map(MessageId::from_stored),
        timestamp: m.timestamp,
        user_id: m.user_id.map(UserId::new),
        schedule_date: m.schedule_date,
        send_type: parse_stored_opt("Messages.sendType", m.send_type.as_deref())?,
        status: parse_stored_opt("Messages.status", m.status.as_deref())?,
        tenant_id: TenantId::from_verified(m.tenant_id),
        id_front: m.id_front,
        poll_data: m.poll_data,
        protocol_number: m.protocol_number,
        edited: m.edited,
        is_deleted: m.is_deleted,
        send_error: m.send_error,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

#[async_trait]
impl MessageStore for SeaMessageStore {
    async fn insert(&self, cx: &TenantCtx, new: NewMessage) -> Result<Inserted> {
        insert_message(&self.db, cx, new).await
    }

    async fn get(&self, cx: &TenantCtx, id: &MessageId) -> Result<Message> {
        to_message(self.load(cx, id).await?)
    }

    async fn find_by_provider_id(
        &self,
        cx: &TenantCtx,
        message_id: &str,
    ) -> Result<Option<Message>> {
        self.by_provider_id(cx, message_id)
            .await?
            .map(to_message)
            .transpose()
    }

    async fn list_for_ticket(
        &self,
        cx: &TenantCtx,
        ticket: TicketId,
        page: PageRequest,
    ) -> Result<Page<Message>> {
        ensure_in_tenant::<tickets::Entity, _>(
            &self.db,
            cx,
            tickets::Column::Id,
            ticket.get(),
            missing::TICKET,
        )
        .await?;
        let query =
            scoped::<messages::Entity>(cx).filter(messages::Column::TicketId.eq(ticket.get()));
        let count = query.clone().count(&self.db).await.map_err(db_err)?;
        let mut rows = query
            .order_by_desc(messages::Column::CreatedAt)
            .order_by_desc(messages::Column::Id)
            .offset(page.offset())
            .limit(page.size())
            .all(&self.db)
            .await
            .map_err(db_err)?;
        rows.reverse();
        let items = rows
            .into_iter()
            .map(to_message)
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(items, count, page))
    }

    async fn update(&self, cx: &TenantCtx, id: &MessageId, patch: MessagePatch) -> Result<Message> {
        patch.validate()?;
        let mut am: messages::ActiveModel = self.load(cx, id).await?.into();
        if let Some(v) = patch.message_id {
            am.message_id = Set(Some(v));
        }
        if let Some(v) = patch.ack {
            am.ack = Set(v.as_i32());
        }
        if let Some(v) = patch.status {
            am.status = Set(Some(v.as_str().to_owned()));
        }
        if let Some(v) = patch.edited {
            am.edited = Set(Some(v));
        }
        if let Some(v) = patch.is_deleted {
            am.is_deleted = Set(v);
        }
        if let Some(v) = patch.read {
            am.read = Set(v);
        }
        if let Some(v) = patch.protocol_number {
            am.protocol_number = Set(Some(v));
        }
        if let Some(v) = patch.send_error {
            am.send_error = Set(Some(v));
        }
        am.updated_at = Set(now());
        match am.update(&self.db).await {
            Ok(row) => to_message(row),
            Err(e) if is_unique_violation(&e) => Err(DomainError::conflict(
                "ERR_DUPLICATED_MESSAGE",
                "another message already has this WhatsApp id",
            )),
            Err(e) => Err(db_err(e)),
        }
    }

    async fn mark_ticket_read(&self, cx: &TenantCtx, ticket: TicketId) -> Result<u64> {
        ensure_in_tenant::<tickets::Entity, _>(
            &self.db,
            cx,
            tickets::Column::Id,
            ticket.get(),
            missing::TICKET,
        )
        .await?;
        let result = update_scoped::<messages::Entity>(cx)
            .col_expr(messages::Column::Read, Expr::value(true))
            .col_expr(messages::Column::UpdatedAt, Expr::value(now()))
            .filter(messages::Column::TicketId.eq(ticket.get()))
            .filter(messages::Column::Read.eq(false))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(result.rows_affected)
    }

    async fn delete(&self, cx: &TenantCtx, id: &MessageId) -> Result<()> {
        let row = self.load(cx, id).await?;
        delete_scoped::<messages::Entity>(cx)
            .filter(messages::Column::Id.eq(row.id))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn insert_outbound(
        &self,
        cx: &TenantCtx,
        new: NewMessage,
        at_ms: i64,
        count_unread: bool,
    ) -> Result<(Message, Ticket)> {
        messages_outbound::insert_outbound(&self.db, cx, new, at_ms, count_unread).await
    }

    async fn scheduled_for_ticket(&self, cx: &TenantCtx, ticket: TicketId) -> Result<Vec<Message>> {
        messages_outbound::scheduled_for_ticket(&self.db, cx, ticket).await
    }

    async fn stamp_protocol(&self, cx: &TenantCtx, ticket: TicketId, number: &str) -> Result<u64> {
        messages_outbound::stamp_protocol(&self.db, cx, ticket, number).await
    }

    async fn overdue_outbound(
        &self,
        p: &PlatformCtx,
        created_before: DateTime<Utc>,
        scheduled_before: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<(TenantId, MessageId)>> {
        outbox_sweep::overdue_outbound(&self.db, p, created_before, scheduled_before, limit).await
    }
}
