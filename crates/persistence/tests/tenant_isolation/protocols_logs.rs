//! `ProtocolStore` and `TicketLogStore`.

use super::*;

use tiktickets_domain::enums::{ProtocolStatus, TicketLogType};
use tiktickets_domain::ids::{QueueId, TicketId, UserId};
use tiktickets_domain::store::protocols::NewProtocol;
use tiktickets_domain::store::ticket_logs::NewTicketLog;
use tiktickets_test_support::TestDb;

// ---------------------------------------------------------------- ProtocolStore

#[tokio::test]
async fn protocol_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("protocols.list_for_ticket(B's ticket)"),
                s.protocols.list_for_ticket(&cx, b.ticket.id).await,
                s.protocols.list_for_ticket(&cx, missing_ticket()).await,
            );
            m.hidden(
                &w("protocols.latest_for_ticket(B's ticket)"),
                s.protocols.latest_for_ticket(&cx, b.ticket.id).await,
                s.protocols.latest_for_ticket(&cx, missing_ticket()).await,
            );
            let new = |ticket: TicketId, user: Option<UserId>| NewProtocol {
                protocol_number: "(X)-9".to_owned(),
                status: ProtocolStatus::Fech,
                ticket_id: ticket,
                user_id: user,
                user_name: Some("Intruso".to_owned()),
            };
            m.denied_as_missing(
                &w("protocols.append(B's ticket)"),
                s.protocols.append(&cx, new(b.ticket.id, None)).await,
                s.protocols.append(&cx, new(missing_ticket(), None)).await,
            )
            .await;
            m.denied_as_missing(
                &w("protocols.append(A's ticket, B's admin)"),
                s.protocols
                    .append(&cx, new(a.ticket.id, Some(b.admin.id)))
                    .await,
                s.protocols
                    .append(&cx, new(a.ticket.id, Some(missing_user())))
                    .await,
            )
            .await;
        }
    }
}

// ---------------------------------------------------------------- TicketLogStore

#[tokio::test]
async fn ticket_log_store() {
    for tdb in TestDb::all().await {
        let m = Matrix::new(tdb).await;
        let (a, b) = (m.a.clone(), m.b.clone());
        let s = m.s().clone();
        for (who, cx) in m.a_contexts() {
            let w = |what: &str| format!("{who}: {what}");
            m.hidden(
                &w("ticket_logs.list_for_ticket(B's ticket)"),
                s.ticket_logs.list_for_ticket(&cx, b.ticket.id).await,
                s.ticket_logs.list_for_ticket(&cx, missing_ticket()).await,
            );
            let new =
                |ticket: TicketId, user: Option<UserId>, queue: Option<QueueId>| NewTicketLog {
                    ticket_id: ticket,
                    r#type: TicketLogType::Access,
                    user_id: user,
                    queue_id: queue,
                };
            m.denied_as_missing(
                &w("ticket_logs.append(B's ticket)"),
                s.ticket_logs
                    .append(&cx, new(b.ticket.id, None, None))
                    .await,
                s.ticket_logs
                    .append(&cx, new(missing_ticket(), None, None))
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("ticket_logs.append(A's ticket, B's user)"),
                s.ticket_logs
                    .append(&cx, new(a.ticket.id, Some(b.agent.id), None))
                    .await,
                s.ticket_logs
                    .append(&cx, new(a.ticket.id, Some(missing_user()), None))
                    .await,
            )
            .await;
            m.denied_as_missing(
                &w("ticket_logs.append(A's ticket, B's queue)"),
                s.ticket_logs
                    .append(&cx, new(a.ticket.id, None, Some(b.queue.id)))
                    .await,
                s.ticket_logs
                    .append(&cx, new(a.ticket.id, None, Some(missing_queue())))
                    .await,
            )
            .await;
        }
    }
}
