//! `InboxStore` on SeaORM: one inbound message — contact upsert, ticket find-or-create,
//! idempotent message insert, ticket counters — in one transaction, with the same code the
//! separate store methods run. Inserts that may lose a race on a unique index use
//! `ON CONFLICT DO NOTHING`, so a lost race leaves the transaction usable and is retried inside
//! it; a transaction SQLite refuses because another writer holds the database is retried whole.
//! The common case (known contact, open ticket) is six statements: BEGIN, contact, ticket,
//! message insert, ticket update with RETURNING, COMMIT.

use std::time::Duration;

use async_trait::async_trait;
use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
use tiktickets_domain::enums::TicketChannel;
use tiktickets_domain::store::inbox::{InboundWrite, InboundWritten, InboxStore};
use tiktickets_domain::store::tickets::{InboundResolution, InboundTicketRequest};
use tiktickets_domain::{DomainError, Result, TenantCtx};

use crate::entities::whatsapps;
use crate::error::db_err;
use crate::stores::contacts::upsert_inbound;
use crate::stores::messages::{by_provider_id, insert_unless_stored, to_message};
use crate::stores::tickets::{find_active, record_message, resolve_inbound_ticket_without_active};
use crate::stores::{ensure_in_tenant, missing};

/// Tries of a whole transaction that the database refused as busy.
const ATTEMPTS: u32 = 5;

pub(crate) struct SeaInboxStore {
    db: DatabaseConnection,
}

impl SeaInboxStore {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl InboxStore for SeaInboxStore {
    async fn write_inbound(&self, cx: &TenantCtx, write: InboundWrite) -> Result<InboundWritten> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let txn = self.db.begin().await.map_err(db_err)?;
            match write_in(&txn, cx, write.clone()).await {
                Ok(InboundWritten::Duplicate) => {
                    txn.rollback().await.map_err(db_err)?;
                    return Ok(InboundWritten::Duplicate);
                }
                Ok(written) => match txn.commit().await.map_err(db_err) {
                    Ok(()) => return Ok(written),
                    Err(e) if is_busy(&e) && attempt < ATTEMPTS => {}
                    Err(e) => return Err(e),
                },
                Err(e) if is_busy(&e) && attempt < ATTEMPTS => {
                    // Dropping the transaction rolls it back.
                    drop(txn);
                }
                Err(e) => return Err(e),
            }
            tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt))).await;
        }
    }
}

/// SQLite's "database is locked" when two transactions want to write at once (PostgreSQL
/// waits on row locks instead).
fn is_busy(e: &DomainError) -> bool {
    match e {
        DomainError::Unavailable(message) => {
            message.contains("database is locked") || message.contains("SQLITE_BUSY")
        }
        _ => false,
    }
}

async fn write_in(
    txn: &DatabaseTransaction,
    cx: &TenantCtx,
    write: InboundWrite,
) -> Result<InboundWritten> {
    // No look-up of the provider id first: a replay is found by the message insert below
    // (ON CONFLICT DO NOTHING), and the caller rolls back what this transaction wrote.
    let sender = upsert_inbound(txn, cx, write.sender).await?;
    let chat = match write.group {
        Some(group) => upsert_inbound(txn, cx, group).await?,
        None => sender.clone(),
    };
    // An active ticket of the tenant on this channel proves the channel is the tenant's
    // (every ticket write checks it); before any other ticket is created or reopened, check.
    let (ticket, resolution) = match find_active(txn, cx, chat.id, Some(write.channel)).await? {
        Some(active) => (active, InboundResolution::Existing),
        None => {
            ensure_in_tenant::<whatsapps::Entity, _>(
                txn,
                cx,
                whatsapps::Column::Id,
                write.channel.get(),
                missing::CHANNEL,
            )
            .await?;
            let request = InboundTicketRequest {
                contact_id: chat.id,
                whatsapp_id: write.channel,
                from_me: write.from_me,
                is_group: chat.is_group,
                channel: TicketChannel::Whatsapp,
                unread_count: 0,
            };
            resolve_inbound_ticket_without_active(txn, cx, &request).await?
        }
    };
    let quoted = match write.quoted_provider_id.as_deref() {
        Some(id) => by_provider_id(txn, cx, id)
            .await?
            .map(to_message)
            .transpose()?
            .map(|m| m.id),
        None => None,
    };
    let mut message = write.message;
    message.ticket_id = ticket.id;
    message.contact_id = (!write.from_me).then_some(sender.id);
    message.quoted_msg_id = quoted;
    message.validate()?;
    let preview = message.body.clone();
    let Some(inserted) = insert_unless_stored(txn, cx, message).await? else {
        return Ok(InboundWritten::Duplicate);
    };
    let ticket = record_message(txn, cx, ticket.id, &preview, write.at_ms, write.from_me).await?;
    Ok(InboundWritten::Stored {
        message: Box::new(inserted),
        ticket: Box::new(ticket),
        chat: Box::new(chat),
        resolution,
    })
}
