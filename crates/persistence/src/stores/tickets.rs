//! `TicketStore` on SeaORM, including the concurrency-safe find-or-create of inbound tickets
//! (the partial unique index `tickets_one_active_per_contact_channel` does the arbitration).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use tiktickets_domain::enums::TicketStatus;
use tiktickets_domain::ids::{
    ChatFlowId, ContactId, QueueId, TenantId, TicketId, UserId, WhatsappId,
};
use tiktickets_domain::store::Page;
use tiktickets_domain::store::tickets::{
    InboundResolution, InboundTicketRequest, NewTicket, Ticket, TicketPatch, TicketQuery,
    TicketStore,
};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::{chat_flow, contacts, queues, tickets, users, whatsapps};
use crate::error::{db_err, is_unique_violation};
use crate::scope::{scoped, tenant_of, update_scoped};
use crate::stores::{
    ensure_in_tenant, finish_savepoint, insert_unless_conflict, missing, now, parse_stored,
    parse_stored_opt, tickets_list,
};

/// Attempts of the find-or-create loop; each retry follows a lost race, which cannot repeat
/// more than a couple of times for one (contact, channel).
const INBOUND_ATTEMPTS: usize = 5;

fn other_open_ticket() -> DomainError {
    DomainError::conflict(
        "ERR_OTHER_OPEN_TICKET",
        "the contact already has an open or pending ticket on this channel",
    )
}

pub(crate) struct SeaTicketStore {
    db: DatabaseConnection,
}

impl SeaTicketStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn load(&self, cx: &TenantCtx, id: TicketId) -> Result<tickets::Model> {
        load(&self.db, cx, id).await
    }

    async fn check_refs(
        &self,
        cx: &TenantCtx,
        user: Option<UserId>,
        queue: Option<QueueId>,
        flow: Option<ChatFlowId>,
    ) -> Result<()> {
        if let Some(u) = user {
            ensure_in_tenant::<users::Entity, _>(
                &self.db,
                cx,
                users::Column::Id,
                u.get(),
                missing::USER,
            )
            .await?;
        }
        if let Some(q) = queue {
            ensure_in_tenant::<queues::Entity, _>(
                &self.db,
                cx,
                queues::Column::Id,
                q.get(),
                missing::QUEUE,
            )
            .await?;
        }
        if let Some(f) = flow {
            ensure_in_tenant::<chat_flow::Entity, _>(
                &self.db,
                cx,
                chat_flow::Column::Id,
                f.get(),
                missing::CHAT_FLOW,
            )
            .await?;
        }
        Ok(())
    }
}

pub(crate) fn to_ticket(m: tickets::Model) -> Result<Ticket> {
    Ok(Ticket {
        id: TicketId::new(m.id),
        status: parse_stored("Tickets.status", &m.status)?,
        last_message: m.last_message,
        contact_id: m.contact_id.map(ContactId::new),
        user_id: m.user_id.map(UserId::new),
        whatsapp_id: m.whatsapp_id.map(WhatsappId::new),
        is_group: m.is_group,
        queue_id: m.queue_id.map(QueueId::new),
        tenant_id: TenantId::from_verified(m.tenant_id),
        unread_messages: m.unread_messages,
        answered: m.answered,
        channel: parse_stored_opt("Tickets.channel", m.channel.as_deref())?,
        chat_flow_id: m.chat_flow_id.map(ChatFlowId::new),
        step_chat_flow: m.step_chat_flow,
        last_message_at: m.last_message_at,
        started_attendance_at: m.started_attendance_at,
        closed_at: m.closed_at,
        is_active_demand: m.is_active_demand,
        last_interaction_bot: m.last_interaction_bot,
        bot_retries: m.bot_retries,
        api_config: m.api_config,
        is_farewell_message: m.is_farewell_message,
        attendance_count: m.attendance_count,
        auto_reply_id: m.auto_reply_id,
        step_auto_reply_id: m.step_auto_reply_id,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

#[async_trait]
impl TicketStore for SeaTicketStore {
    async fn create(&self, cx: &TenantCtx, new: NewTicket) -> Result<Ticket> {
        ensure_in_tenant::<contacts::Entity, _>(
            &self.db,
            cx,
            contacts::Column::Id,
            new.contact_id.get(),
            missing::CONTACT,
        )
        .await?;
        if let Some(w) = new.whatsapp_id {
            ensure_in_tenant::<whatsapps::Entity, _>(
                &self.db,
                cx,
                whatsapps::Column::Id,
                w.get(),
                missing::CHANNEL,
            )
            .await?;
        }
        self.check_refs(cx, new.user_id, new.queue_id, None).await?;
        let at = now();
        let opened = new.status == TicketStatus::Open;
        let am = tickets::ActiveModel {
            status: Set(new.status.as_str().to_owned()),
            contact_id: Set(Some(new.contact_id.get())),
            user_id: Set(new.user_id.map(UserId::get)),
            whatsapp_id: Set(new.whatsapp_id.map(WhatsappId::get)),
            queue_id: Set(new.queue_id.map(QueueId::get)),
            is_group: Set(new.is_group),
            tenant_id: Set(tenant_of(cx)),
            unread_messages: Set(Some(0)),
            answered: Set(Some(true)),
            channel: Set(Some(new.channel.as_str().to_owned())),
            is_active_demand: Set(new.is_active_demand),
            started_attendance_at: Set(opened.then(|| at.timestamp_millis())),
            closed_at: Set((new.status == TicketStatus::Closed).then(|| at.timestamp_millis())),
            bot_retries: Set(0),
            is_farewell_message: Set(false),
            attendance_count: Set(Some(0)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        match am.insert(&self.db).await {
            Ok(row) => to_ticket(row),
            Err(e) if is_unique_violation(&e) => Err(other_open_ticket()),
            Err(e) => Err(db_err(e)),
        }
    }

    async fn get(&self, cx: &TenantCtx, id: TicketId) -> Result<Ticket> {
        to_ticket(self.load(cx, id).await?)
    }

    async fn list(&self, cx: &TenantCtx, q: &TicketQuery) -> Result<Page<Ticket>> {
        tickets_list::list(&self.db, cx, q).await
    }

    async fn update(&self, cx: &TenantCtx, id: TicketId, patch: TicketPatch) -> Result<Ticket> {
        patch.validate()?;
        let row = self.load(cx, id).await?;
        self.check_refs(
            cx,
            patch.user_id.flatten(),
            patch.queue_id.flatten(),
            patch.chat_flow_id.flatten(),
        )
        .await?;
        let mut am: tickets::ActiveModel = row.into();
        if let Some(v) = patch.status {
            am.status = Set(v.as_str().to_owned());
        }
        if let Some(v) = patch.user_id {
            am.user_id = Set(v.map(UserId::get));
        }
        if let Some(v) = patch.queue_id {
            am.queue_id = Set(v.map(QueueId::get));
        }
        if let Some(v) = patch.unread_messages {
            am.unread_messages = Set(Some(v));
        }
        if let Some(v) = patch.answered {
            am.answered = Set(Some(v));
        }
        if let Some(v) = patch.last_message {
            am.last_message = Set(Some(v));
        }
        if let Some(v) = patch.last_message_at {
            am.last_message_at = Set(Some(v));
        }
        if let Some(v) = patch.started_attendance_at {
            am.started_attendance_at = Set(v);
        }
        if let Some(v) = patch.closed_at {
            am.closed_at = Set(v);
        }
        if let Some(v) = patch.attendance_count {
            am.attendance_count = Set(Some(v));
        }
        if let Some(v) = patch.chat_flow_id {
            am.chat_flow_id = Set(v.map(ChatFlowId::get));
        }
        if let Some(v) = patch.step_chat_flow {
            am.step_chat_flow = Set(v);
        }
        if let Some(v) = patch.bot_retries {
            am.bot_retries = Set(v);
        }
        if let Some(v) = patch.last_interaction_bot {
            am.last_interaction_bot = Set(v);
        }
        if let Some(v) = patch.is_farewell_message {
            am.is_farewell_message = Set(v);
        }
        if patch.clear_auto_reply {
            am.auto_reply_id = Set(None);
            am.step_auto_reply_id = Set(None);
        }
        am.updated_at = Set(now());
        match am.update(&self.db).await {
            Ok(row) => to_ticket(row),
            Err(e) if is_unique_violation(&e) => Err(other_open_ticket()),
            Err(e) => Err(db_err(e)),
        }
    }

    async fn find_active(
        &self,
        cx: &TenantCtx,
        contact: ContactId,
        whatsapp: Option<WhatsappId>,
    ) -> Result<Option<Ticket>> {
        find_active(&self.db, cx, contact, whatsapp).await
    }

    async fn find_or_create_for_inbound(
        &self,
        cx: &TenantCtx,
        req: InboundTicketRequest,
    ) -> Result<(Ticket, InboundResolution)> {
        find_or_create_for_inbound(&self.db, cx, req).await
    }

    async fn record_message(
        &self,
        cx: &TenantCtx,
        id: TicketId,
        preview: &str,
        at_ms: i64,
        from_me: bool,
    ) -> Result<Ticket> {
        record_message(&self.db, cx, id, preview, at_ms, from_me).await
    }

    async fn created_between(
        &self,
        cx: &TenantCtx,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Ticket>> {
        tickets_list::created_between(&self.db, cx, from, to).await
    }

    async fn inactive_since(
        &self,
        cx: &TenantCtx,
        cutoff: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Ticket>> {
        tickets_list::inactive_since(&self.db, cx, cutoff, limit).await
    }
}

// The inbound find-or-create and the message bookkeeping on any connection, so that the
// inbox can run them inside its transaction.

async fn load<C: ConnectionTrait>(db: &C, cx: &TenantCtx, id: TicketId) -> Result<tickets::Model> {
    scoped::<tickets::Entity>(cx)
        .filter(tickets::Column::Id.eq(id.get()))
        .one(db)
        .await
        .map_err(db_err)?
        .ok_or_else(|| DomainError::not_found(missing::TICKET.0, missing::TICKET.1))
}

async fn latest_closed<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    contact: ContactId,
    whatsapp: WhatsappId,
) -> Result<Option<tickets::Model>> {
    scoped::<tickets::Entity>(cx)
        .filter(tickets::Column::ContactId.eq(contact.get()))
        .filter(tickets::Column::WhatsappId.eq(whatsapp.get()))
        .filter(tickets::Column::Status.eq(TicketStatus::Closed.as_str()))
        .order_by_desc(tickets::Column::UpdatedAt)
        .order_by_desc(tickets::Column::Id)
        .one(db)
        .await
        .map_err(db_err)
}

pub(crate) async fn find_active<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    contact: ContactId,
    whatsapp: Option<WhatsappId>,
) -> Result<Option<Ticket>> {
    let mut query = scoped::<tickets::Entity>(cx)
        .filter(tickets::Column::ContactId.eq(contact.get()))
        .filter(
            tickets::Column::Status
                .is_in([TicketStatus::Open.as_str(), TicketStatus::Pending.as_str()]),
        );
    query = match whatsapp {
        Some(w) => query.filter(tickets::Column::WhatsappId.eq(w.get())),
        None => query,
    };
    query
        .order_by_desc(tickets::Column::UpdatedAt)
        .one(db)
        .await
        .map_err(db_err)?
        .map(to_ticket)
        .transpose()
}

pub(crate) async fn find_or_create_for_inbound<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    cx: &TenantCtx,
    req: InboundTicketRequest,
) -> Result<(Ticket, InboundResolution)> {
    ensure_in_tenant::<contacts::Entity, _>(
        db,
        cx,
        contacts::Column::Id,
        req.contact_id.get(),
        missing::CONTACT,
    )
    .await?;
    ensure_in_tenant::<whatsapps::Entity, _>(
        db,
        cx,
        whatsapps::Column::Id,
        req.whatsapp_id.get(),
        missing::CHANNEL,
    )
    .await?;
    resolve_inbound_ticket(db, cx, &req).await
}

/// The find-or-create of rules T-3/T-4/T-5 for a contact and channel known to be the
/// tenant's (the inbox checks them in its own transaction).
pub(crate) async fn resolve_inbound_ticket<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    cx: &TenantCtx,
    req: &InboundTicketRequest,
) -> Result<(Ticket, InboundResolution)> {
    for _ in 0..INBOUND_ATTEMPTS {
        if let Some(found) = try_resolve_inbound(db, cx, req).await? {
            return Ok(found);
        }
    }
    Err(DomainError::Unavailable(
        "ticket find-or-create kept losing races".into(),
    ))
}

/// [`resolve_inbound_ticket`] for a caller that has just found no active ticket: the first
/// attempt goes straight to reopen-or-create; a lost race falls back to the full rules.
pub(crate) async fn resolve_inbound_ticket_without_active<C>(
    db: &C,
    cx: &TenantCtx,
    req: &InboundTicketRequest,
) -> Result<(Ticket, InboundResolution)>
where
    C: ConnectionTrait + TransactionTrait,
{
    match reopen_or_create(db, cx, req).await? {
        Some(found) => Ok(found),
        None => resolve_inbound_ticket(db, cx, req).await,
    }
}

/// One attempt of rules T-3/T-4/T-5; `None` means a concurrent writer won a race: retry.
async fn try_resolve_inbound<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    cx: &TenantCtx,
    req: &InboundTicketRequest,
) -> Result<Option<(Ticket, InboundResolution)>> {
    if let Some(active) = find_active(db, cx, req.contact_id, Some(req.whatsapp_id)).await? {
        return Ok(Some((active, InboundResolution::Existing)));
    }
    reopen_or_create(db, cx, req).await
}

/// Rules T-4/T-5 once no active ticket was found; `None` when a concurrent writer won a race.
async fn reopen_or_create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    cx: &TenantCtx,
    req: &InboundTicketRequest,
) -> Result<Option<(Ticket, InboundResolution)>> {
    let at = now();
    if let Some(closed) = latest_closed(db, cx, req.contact_id, req.whatsapp_id).await? {
        if req.from_me {
            return Ok(Some((to_ticket(closed)?, InboundResolution::ClosedKept)));
        }
        // Reopen only if it is still closed: a concurrent reopen makes this a no-op.
        let savepoint = db.begin().await.map_err(db_err)?;
        let reopened = update_scoped::<tickets::Entity>(cx)
            .col_expr(
                tickets::Column::Status,
                Expr::value(TicketStatus::Pending.as_str()),
            )
            .col_expr(
                tickets::Column::UnreadMessages,
                Expr::value(Ord::max(req.unread_count, 0)),
            )
            .col_expr(tickets::Column::UpdatedAt, Expr::value(at))
            .filter(tickets::Column::Id.eq(closed.id))
            .filter(tickets::Column::Status.eq(TicketStatus::Closed.as_str()))
            .exec(&savepoint)
            .await;
        finish_savepoint(savepoint, reopened.is_ok()).await?;
        return match reopened {
            Ok(r) if r.rows_affected == 1 => {
                let ticket = load(db, cx, TicketId::new(closed.id)).await?;
                Ok(Some((to_ticket(ticket)?, InboundResolution::Reopened)))
            }
            Ok(_) => Ok(None),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(db_err(e)),
        };
    }
    let status = if req.from_me {
        TicketStatus::Closed
    } else {
        TicketStatus::Pending
    };
    let am = tickets::ActiveModel {
        status: Set(status.as_str().to_owned()),
        contact_id: Set(Some(req.contact_id.get())),
        whatsapp_id: Set(Some(req.whatsapp_id.get())),
        is_group: Set(req.is_group),
        tenant_id: Set(tenant_of(cx)),
        unread_messages: Set(Some(Ord::max(req.unread_count, 0))),
        answered: Set(Some(req.from_me)),
        channel: Set(Some(req.channel.as_str().to_owned())),
        closed_at: Set(req.from_me.then(|| at.timestamp_millis())),
        is_active_demand: Set(false),
        bot_retries: Set(0),
        is_farewell_message: Set(false),
        attendance_count: Set(Some(0)),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    // A concurrent insert for the same contact and channel wins on the partial unique index
    // of active tickets: nothing is inserted here and the next attempt finds the winner's.
    let mut on_conflict = OnConflict::columns([
        tickets::Column::TenantId,
        tickets::Column::WhatsappId,
        tickets::Column::ContactId,
    ]);
    on_conflict
        .target_and_where(Expr::cust(r#""status" IN ('open', 'pending')"#))
        .do_nothing();
    let insert = tickets::Entity::insert(am).on_conflict(on_conflict);
    match insert_unless_conflict(insert, db).await? {
        Some(row) => Ok(Some((to_ticket(row)?, InboundResolution::Created))),
        None => Ok(None),
    }
}

pub(crate) async fn record_message<C: ConnectionTrait>(
    db: &C,
    cx: &TenantCtx,
    id: TicketId,
    preview: &str,
    at_ms: i64,
    from_me: bool,
) -> Result<Ticket> {
    tiktickets_domain::validate::length(
        "lastMessage",
        preview,
        0,
        tiktickets_domain::validate::TEXT_MAX,
    )?;
    let mut update = update_scoped::<tickets::Entity>(cx)
        .col_expr(tickets::Column::LastMessage, Expr::value(preview))
        .col_expr(tickets::Column::LastMessageAt, Expr::value(at_ms))
        .col_expr(tickets::Column::Answered, Expr::value(from_me))
        .col_expr(tickets::Column::UpdatedAt, Expr::value(now()))
        .filter(tickets::Column::Id.eq(id.get()));
    if !from_me {
        update = update.col_expr(
            tickets::Column::UnreadMessages,
            Expr::cust(r#"COALESCE("unreadMessages", 0) + 1"#),
        );
    }
    let row = update
        .exec_with_returning(db)
        .await
        .map_err(db_err)?
        .into_iter()
        .next()
        .ok_or_else(|| DomainError::not_found(missing::TICKET.0, missing::TICKET.1))?;
    to_ticket(row)
}
