//! Ticket use cases: the agent's status changes and transfers (behaviour.md §3.8 update
//! semantics, data-model.md §7.4, §7.8), agent-created tickets (rule T-11), and the ticket list
//! with the agents' visibility rule (§7.6).

use crate::ctx::TenantCtx;
use crate::enums::{ProtocolStatus, TicketChannel, TicketLogType, TicketStatus};
use crate::error::{DomainError, Result};
use crate::events::DomainEvent;
use crate::ids::{ContactId, QueueId, TagId, TicketId, UserId, WhatsappId};
use crate::protocol::next_attendance_count;
use crate::services::Services;
use crate::store::page::{Page, PageRequest};
use crate::store::protocols::NewProtocol;
use crate::store::ticket_logs::NewTicketLog;
use crate::store::tickets::{NewTicket, Ticket, TicketPatch, TicketQuery};
use crate::ticket_transition::{
    ERR_OTHER_OPEN_TICKET, TransitionContext, TransitionPlan, plan_transition,
};

/// What an agent asks to change on a ticket (`PUT /tickets/:id`); `None` leaves a field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketChange {
    /// New status.
    pub status: Option<TicketStatus>,
    /// New assignee (`Some(None)` unassigns).
    pub user_id: Option<Option<UserId>>,
    /// New queue (`Some(None)` clears).
    pub queue_id: Option<Option<QueueId>>,
    /// A transfer (logs `transfered` / `receivedTransfer`).
    pub is_transference: bool,
}

/// The result of [`Services::update_ticket`].
#[derive(Debug, Clone, PartialEq)]
pub struct TicketUpdated {
    /// The ticket after the change.
    pub ticket: Ticket,
    /// True when it was a transfer.
    pub is_transference: bool,
}

/// An agent-created ticket (`POST /tickets`).
#[derive(Debug, Clone, PartialEq)]
pub struct ManualTicket {
    /// The contact.
    pub contact_id: ContactId,
    /// The channel; `None` takes the tenant's default channel.
    pub whatsapp_id: Option<WhatsappId>,
    /// Initial status (`open` or `pending`).
    pub status: TicketStatus,
    /// Assignee; `None` with status `open` assigns the caller.
    pub user_id: Option<UserId>,
    /// Queue.
    pub queue_id: Option<QueueId>,
    /// Kind of conversation.
    pub channel: TicketChannel,
}

/// Filters of the inbox (`GET /tickets`).
#[derive(Debug, Clone, PartialEq)]
pub struct TicketListRequest {
    /// Statuses; empty is allowed only with `show_all` for admins.
    pub statuses: Vec<TicketStatus>,
    /// Admins: ignore the visibility rule.
    pub show_all: bool,
    /// Only these queues.
    pub queue_ids: Vec<QueueId>,
    /// Only tickets with unread messages.
    pub only_unread: bool,
    /// Only unassigned tickets.
    pub only_unassigned: bool,
    /// Only tickets whose contact has one of these tags.
    pub tag_ids: Vec<TagId>,
    /// Only groups / only individual chats.
    pub is_group: Option<bool>,
    /// Ticket id, contact name or number.
    pub search: Option<String>,
    /// Page.
    pub page: PageRequest,
}

/// Code of an empty status filter.
pub const ERR_NO_STATUS_SELECTED: &str = "ERR_NO_STATUS_SELECTED";

fn no_permission(message: &str) -> DomainError {
    DomainError::forbidden("ERR_NO_PERMISSION", message)
}

impl Services {
    /// The inbox list: statuses required (unless an admin asks for everything), agents see
    /// only the tickets of data-model.md §7.6, admins too unless they ask `show_all`.
    pub async fn list_tickets(
        &self,
        cx: &TenantCtx,
        req: TicketListRequest,
    ) -> Result<Page<Ticket>> {
        let show_all = req.show_all && cx.is_admin();
        if req.statuses.is_empty() && !show_all {
            return Err(DomainError::invalid(
                ERR_NO_STATUS_SELECTED,
                "choose at least one status (status[]=open|pending|closed)",
            ));
        }
        let query = TicketQuery {
            statuses: req.statuses,
            queue_ids: req.queue_ids,
            user_id: None,
            only_unread: req.only_unread,
            only_unassigned: req.only_unassigned,
            search: req.search,
            is_group: req.is_group,
            tag_ids: req.tag_ids,
            visible_to: if show_all { None } else { cx.user_id() },
            page: req.page,
        };
        self.stores.tickets.list(cx, &query).await
    }

    /// Opens a ticket for reading and writes the `access` log (behaviour.md §3.8 row 36).
    pub async fn show_ticket(&self, cx: &TenantCtx, id: TicketId) -> Result<Ticket> {
        let ticket = self.stores.tickets.get(cx, id).await?;
        if cx.user_id().is_some() {
            self.stores
                .ticket_logs
                .append(
                    cx,
                    NewTicketLog {
                        ticket_id: id,
                        r#type: TicketLogType::Access,
                        user_id: cx.user_id(),
                        queue_id: ticket.queue_id,
                    },
                )
                .await?;
        }
        Ok(ticket)
    }

    /// Creates a ticket for an agent (rule T-11): the contact must have no other open or
    /// pending ticket in the tenant (409 `ERR_OTHER_OPEN_TICKET`); the channel is the given
    /// one or the tenant's default.
    pub async fn create_ticket(&self, cx: &TenantCtx, req: ManualTicket) -> Result<Ticket> {
        let contact = self.stores.contacts.get(cx, req.contact_id).await?;
        if let Some(other) = self
            .stores
            .tickets
            .find_active(cx, req.contact_id, None)
            .await?
        {
            return Err(DomainError::conflict(
                ERR_OTHER_OPEN_TICKET,
                format!(
                    "the contact already has ticket {} open or pending",
                    other.id
                ),
            ));
        }
        let whatsapp_id = match req.whatsapp_id {
            Some(id) => Some(self.stores.channels.get(cx, id).await?.id),
            None => self
                .stores
                .channels
                .list(cx)
                .await?
                .into_iter()
                .find(|c| c.is_default)
                .map(|c| c.id),
        };
        let Some(whatsapp_id) = whatsapp_id else {
            return Err(DomainError::invalid(
                "ERR_NO_DEF_WAPP_FOUND",
                "the company has no default channel; create a channel first",
            ));
        };
        if !matches!(req.status, TicketStatus::Open | TicketStatus::Pending) {
            return Err(DomainError::invalid(
                "ERR_INVALID_STATUS",
                "a new ticket is open or pending",
            ));
        }
        let user_id = match (req.status, req.user_id) {
            (_, Some(u)) => Some(u),
            (TicketStatus::Open, None) => cx.user_id(),
            _ => None,
        };
        if !cx.is_admin() && user_id.is_some() && user_id != cx.user_id() {
            return Err(no_permission("agents create tickets for themselves"));
        }
        let mut ticket = self
            .stores
            .tickets
            .create(
                cx,
                NewTicket {
                    contact_id: contact.id,
                    whatsapp_id: Some(whatsapp_id),
                    status: req.status,
                    user_id,
                    queue_id: req.queue_id,
                    is_group: contact.is_group,
                    channel: req.channel,
                    is_active_demand: true,
                },
            )
            .await?;
        self.log(cx, ticket.id, TicketLogType::Create, ticket.queue_id)
            .await?;
        if ticket.status == TicketStatus::Open {
            let now = self.clock.now_ms();
            self.open_protocol(cx, &ticket).await?;
            ticket = self
                .stores
                .tickets
                .update(
                    cx,
                    ticket.id,
                    TicketPatch {
                        started_attendance_at: Some(Some(now)),
                        attendance_count: Some(next_attendance_count(
                            ticket.attendance_count.unwrap_or(0),
                        )),
                        ..TicketPatch::default()
                    },
                )
                .await?;
        }
        self.publish(DomainEvent::TicketUpdated {
            ticket: Box::new(ticket.clone()),
            contact: Some(Box::new(contact.clone())),
        });
        if ticket.status == TicketStatus::Pending {
            self.publish(DomainEvent::TicketPending {
                ticket: Box::new(ticket.clone()),
                contact: Some(Box::new(contact)),
            });
        }
        Ok(ticket)
    }

    async fn open_protocol(&self, cx: &TenantCtx, ticket: &Ticket) -> Result<()> {
        let number =
            crate::protocol::protocol_number(ticket.attendance_count.unwrap_or(0), ticket.id);
        self.write_protocol(cx, ticket.id, &number, ProtocolStatus::Aber)
            .await
    }

    async fn write_protocol(
        &self,
        cx: &TenantCtx,
        ticket: TicketId,
        number: &str,
        status: ProtocolStatus,
    ) -> Result<()> {
        let user_name = match cx.user_id() {
            Some(u) => Some(self.stores.users.get(cx, u).await?.name),
            None => None,
        };
        self.stores
            .protocols
            .append(
                cx,
                NewProtocol {
                    protocol_number: number.to_owned(),
                    status,
                    ticket_id: ticket,
                    user_id: cx.user_id(),
                    user_name,
                },
            )
            .await?;
        self.stores
            .messages
            .stamp_protocol(cx, ticket, number)
            .await?;
        Ok(())
    }

    async fn log(
        &self,
        cx: &TenantCtx,
        ticket: TicketId,
        kind: TicketLogType,
        queue: Option<QueueId>,
    ) -> Result<()> {
        self.log_for(cx, ticket, kind, cx.user_id(), queue).await
    }

    async fn log_for(
        &self,
        cx: &TenantCtx,
        ticket: TicketId,
        kind: TicketLogType,
        user: Option<UserId>,
        queue: Option<QueueId>,
    ) -> Result<()> {
        self.stores
            .ticket_logs
            .append(
                cx,
                NewTicketLog {
                    ticket_id: ticket,
                    r#type: kind,
                    user_id: user,
                    queue_id: queue,
                },
            )
            .await?;
        Ok(())
    }

    /// Applies an agent's change to a ticket: marks it read, runs the status state machine
    /// (protocols, logs, times), assigns the caller when a ticket without owner is opened,
    /// records transfers, publishes `ticket:update` (and `notification:new` when it enters
    /// `pending`), and queues the channel's farewell when an agent closes it.
    pub async fn update_ticket(
        &self,
        cx: &TenantCtx,
        id: TicketId,
        change: TicketChange,
    ) -> Result<TicketUpdated> {
        let ticket = self.stores.tickets.get(cx, id).await?;
        self.check_may_change(cx, &ticket, &change)?;

        self.stores.messages.mark_ticket_read(cx, id).await?;
        let mut patch = TicketPatch {
            unread_messages: Some(0),
            ..TicketPatch::default()
        };
        let mut farewell = false;
        let mut notify_pending = false;

        if let Some(to) = change.status {
            let plan = self.apply_transition(cx, &ticket, to, &mut patch).await?;
            farewell = plan.send_farewell;
            notify_pending = plan.notify_new_ticket;
            // A ticket opened without an owner goes to whoever opens it.
            if plan.from != TicketStatus::Open
                && plan.to == TicketStatus::Open
                && change.user_id.is_none()
                && ticket.user_id.is_none()
            {
                patch.user_id = Some(cx.user_id());
            }
        }
        if let Some(user) = change.user_id {
            patch.user_id = Some(user);
        }
        if let Some(queue) = change.queue_id {
            patch.queue_id = Some(queue);
        }
        let updated = self.stores.tickets.update(cx, id, patch).await?;
        if change.is_transference {
            self.log(cx, id, TicketLogType::Transfered, updated.queue_id)
                .await?;
            if let Some(receiver) = updated.user_id
                && Some(receiver) != ticket.user_id
            {
                self.log_for(
                    cx,
                    id,
                    TicketLogType::ReceivedTransfer,
                    Some(receiver),
                    updated.queue_id,
                )
                .await?;
            }
        }
        let updated = if farewell {
            self.queue_farewell(cx, &updated).await?
        } else {
            updated
        };
        self.publish_ticket_change(cx, &updated, notify_pending)
            .await;
        Ok(TicketUpdated {
            ticket: updated,
            is_transference: change.is_transference,
        })
    }

    /// The status change of `ticket` to `to`, by `cx`'s actor, shared by the agent's update
    /// and the system's closes (auto-close): plans it with [`plan_transition`], writes its
    /// protocol row (rule P-2/P-3) and ticket log, and puts into `patch` the ticket fields it
    /// changes (status, `startedAttendanceAt`, `closedAt`, `attendanceCount`, auto-reply ids).
    /// The caller writes `patch` and acts on the returned plan (farewell, notification).
    pub(crate) async fn apply_transition(
        &self,
        cx: &TenantCtx,
        ticket: &Ticket,
        to: TicketStatus,
        patch: &mut TicketPatch,
    ) -> Result<TransitionPlan> {
        let id = ticket.id;
        let latest = self.stores.protocols.latest_for_ticket(cx, id).await?;
        let other_active = match ticket.contact_id {
            Some(contact) => self
                .stores
                .tickets
                .find_active(cx, contact, ticket.whatsapp_id)
                .await?
                .is_some_and(|t| t.id != id),
            None => false,
        };
        let plan = plan_transition(
            ticket.status,
            to,
            TransitionContext {
                ticket: id,
                requested_by: cx.actor(),
                contact_has_other_active_ticket: other_active,
                latest_protocol: latest
                    .as_ref()
                    .map(|p| (p.status, p.protocol_number.as_str())),
                attendance_count: ticket.attendance_count.unwrap_or(0),
            },
        )?;
        let now = self.clock.now_ms();
        if plan.changes_status() {
            patch.status = Some(plan.to);
        }
        if plan.set_started_attendance_at {
            patch.started_attendance_at = Some(Some(now));
        }
        if plan.set_closed_at {
            patch.closed_at = Some(Some(now));
        }
        if plan.increment_attendance {
            patch.attendance_count =
                Some(next_attendance_count(ticket.attendance_count.unwrap_or(0)));
        }
        patch.clear_auto_reply = plan.clear_auto_reply;
        if let (Some(number), Some(status)) = (plan.protocol.number(), plan.protocol.status()) {
            self.write_protocol(cx, id, number, status).await?;
        }
        if let Some(kind) = plan.log {
            self.log(cx, id, kind, ticket.queue_id).await?;
        }
        Ok(plan)
    }

    /// Publishes `ticket:update` for a changed ticket (with its contact), and
    /// `notification:new` when it entered `pending`.
    pub(crate) async fn publish_ticket_change(
        &self,
        cx: &TenantCtx,
        ticket: &Ticket,
        notify_pending: bool,
    ) {
        let contact = match ticket.contact_id {
            Some(c) => self.stores.contacts.get(cx, c).await.ok().map(Box::new),
            None => None,
        };
        self.publish(DomainEvent::TicketUpdated {
            ticket: Box::new(ticket.clone()),
            contact: contact.clone(),
        });
        if notify_pending {
            self.publish(DomainEvent::TicketPending {
                ticket: Box::new(ticket.clone()),
                contact,
            });
        }
    }

    /// Agents may change unassigned tickets and their own; assigning someone else needs a
    /// transfer. Admins may change anything in their tenant.
    fn check_may_change(
        &self,
        cx: &TenantCtx,
        ticket: &Ticket,
        change: &TicketChange,
    ) -> Result<()> {
        if cx.is_admin() {
            return Ok(());
        }
        let me = cx.user_id();
        if ticket.user_id.is_some() && ticket.user_id != me {
            return Err(no_permission(
                "this ticket is assigned to another agent; ask an admin or the agent to transfer it",
            ));
        }
        if let Some(Some(target)) = change.user_id
            && Some(target) != me
            && !change.is_transference
        {
            return Err(no_permission(
                "assigning a ticket to another agent is a transfer (isTransference)",
            ));
        }
        Ok(())
    }
}
