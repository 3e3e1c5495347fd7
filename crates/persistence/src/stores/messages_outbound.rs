//! The outbox side of `MessageStore`: the atomic "store an outbound message and update its
//! ticket" write, the scheduled messages of a ticket, and protocol stamping (rule P-3).

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, QueryFilter, QueryOrder,
    TransactionTrait,
};
use tiktickets_domain::enums::MessageStatus;
use tiktickets_domain::ids::TicketId;
use tiktickets_domain::store::messages::{Message, NewMessage};
use tiktickets_domain::store::tickets::Ticket;
use tiktickets_domain::validate;
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::{messages, tickets};
use crate::error::{db_err, db_err_as};
use crate::scope::{scoped, update_scoped};
use crate::stores::messages::{check_refs, new_row, to_message};
use crate::stores::tickets::to_ticket;
use crate::stores::{ensure_in_tenant, missing, now};

const DUPLICATED_MESSAGE: (&str, &str) = (
    "ERR_DUPLICATED_MESSAGE",
    "another message already has this WhatsApp id",
);

async fn ensure_ticket<C: ConnectionTrait>(db: &C, cx: &TenantCtx, ticket: TicketId) -> Result<()> {
    ensure_in_tenant::<tickets::Entity, _>(
        db,
        cx,
        tickets::Column::Id,
        ticket.get(),
        missing::TICKET,
    )
    .await
}

/// `MessageStore::insert_outbound`: one transaction; on any error nothing is written (the
/// transaction rolls back when dropped uncommitted).
pub(crate) async fn insert_outbound(
    db: &DatabaseConnection,
    cx: &TenantCtx,
    new: NewMessage,
    at_ms: i64,
    count_unread: bool,
) -> Result<(Message, Ticket)> {
    new.validate()?;
    let txn = db.begin().await.map_err(db_err)?;
    check_refs(&txn, cx, &new).await?;
    let ticket_id = new.ticket_id;
    let preview = new.body.clone();
    let at = now();
    let message = new_row(cx, new, at)
        .insert(&txn)
        .await
        .map_err(db_err_as(DUPLICATED_MESSAGE, DUPLICATED_MESSAGE))?;
    let mut update = update_scoped::<tickets::Entity>(cx)
        .col_expr(tickets::Column::LastMessage, Expr::value(preview))
        .col_expr(tickets::Column::LastMessageAt, Expr::value(at_ms))
        .col_expr(tickets::Column::Answered, Expr::value(true))
        .col_expr(tickets::Column::UpdatedAt, Expr::value(at))
        .filter(tickets::Column::Id.eq(ticket_id.get()));
    if count_unread {
        update = update.col_expr(
            tickets::Column::UnreadMessages,
            Expr::cust(r#"COALESCE("unreadMessages", 0) + 1"#),
        );
    }
    let updated = update.exec(&txn).await.map_err(db_err)?;
    if updated.rows_affected == 0 {
        return Err(DomainError::not_found(missing::TICKET.0, missing::TICKET.1));
    }
    let ticket = scoped::<tickets::Entity>(cx)
        .filter(tickets::Column::Id.eq(ticket_id.get()))
        .one(&txn)
        .await
        .map_err(db_err)?
        .ok_or_else(|| DomainError::not_found(missing::TICKET.0, missing::TICKET.1))?;
    txn.commit().await.map_err(db_err)?;
    Ok((to_message(message)?, to_ticket(ticket)?))
}

/// `MessageStore::scheduled_for_ticket`: `pending` messages with a `scheduleDate`, soonest
/// first.
pub(crate) async fn scheduled_for_ticket(
    db: &DatabaseConnection,
    cx: &TenantCtx,
    ticket: TicketId,
) -> Result<Vec<Message>> {
    ensure_ticket(db, cx, ticket).await?;
    scoped::<messages::Entity>(cx)
        .filter(messages::Column::TicketId.eq(ticket.get()))
        .filter(messages::Column::Status.eq(MessageStatus::Pending.as_str()))
        .filter(messages::Column::ScheduleDate.is_not_null())
        .order_by_asc(messages::Column::ScheduleDate)
        .order_by_asc(messages::Column::CreatedAt)
        .order_by_asc(messages::Column::Id)
        .all(db)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(to_message)
        .collect()
}

/// `MessageStore::stamp_protocol`: sets `protocolNumber` where it is NULL or empty.
pub(crate) async fn stamp_protocol(
    db: &DatabaseConnection,
    cx: &TenantCtx,
    ticket: TicketId,
    number: &str,
) -> Result<u64> {
    validate::length("protocolNumber", number, 1, validate::VARCHAR_MAX)?;
    ensure_ticket(db, cx, ticket).await?;
    let result = update_scoped::<messages::Entity>(cx)
        .col_expr(messages::Column::ProtocolNumber, Expr::value(number))
        .col_expr(messages::Column::UpdatedAt, Expr::value(now()))
        .filter(messages::Column::TicketId.eq(ticket.get()))
        .filter(
            sea_orm::Condition::any()
                .add(messages::Column::ProtocolNumber.is_null())
                .add(messages::Column::ProtocolNumber.eq("")),
        )
        .exec(db)
        .await
        .map_err(db_err)?;
    Ok(result.rows_affected)
}
