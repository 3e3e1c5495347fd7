//! The ticket status state machine (data-model.md §7.4, behaviour.md §3.8) with the reference's
//! defects fixed.
//!
//! [`plan_transition`] decides, without touching anything, every effect of moving a ticket from
//! one status to another; the use-case service applies the plan in one transaction, stamping
//! times with its clock. The rules:
//!
//! | from → to | effects |
//! |---|---|
//! | pending → open | `startedAttendanceAt`, clear `autoReplyId`/`stepAutoReplyId`, protocol P-2 (`ABER` unless an attendance is open), log `open` |
//! | closed → open | refused with `ERR_OTHER_OPEN_TICKET` (409) if the contact has another open/pending ticket on the channel; else new `ABER` protocol, `attendanceCount + 1`, log `open` |
//! | pending/open → closed | `closedAt`, `FECH` protocol (if any protocol exists), log `closed` (`autoClose` when the system closes), farewell when an agent closes |
//! | open → pending | log `pending`, new-ticket notification |
//! | closed → pending | same conflict check as closed → open; log `pending`, new-ticket notification (the inbound reopen of rule T-4) |
//! | closed → closed | only the farewell again, when an agent asks (the reference re-sends it on every close request) |
//! | pending → pending, open → open | nothing |

use crate::ctx::Actor;
use crate::enums::{ProtocolStatus, TicketLogType, TicketStatus};
use crate::error::DomainError;
use crate::ids::{TicketId, UserId};
use crate::protocol::{ProtocolAction, plan_protocol};

/// Code of the refusal to reactivate a ticket while the contact has another active one.
pub const ERR_OTHER_OPEN_TICKET: &str = "ERR_OTHER_OPEN_TICKET";

/// What [`plan_transition`] needs to know besides the two statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionContext<'a> {
    /// The ticket being changed (its id goes into a new protocol number).
    pub ticket: TicketId,
    /// Who asks: an agent through the API, or the platform (inbound messages, the bot's close
    /// keyword, the auto-close job, user deletion).
    pub requested_by: Actor,
    /// Whether the ticket's contact has *another* ticket that is open or pending on the same
    /// channel. Only consulted when leaving `closed`.
    pub contact_has_other_active_ticket: bool,
    /// The ticket's latest protocol row (by `createdAt`) as `(status, number)`, if any.
    pub latest_protocol: Option<(ProtocolStatus, &'a str)>,
    /// The ticket's `attendanceCount` (NULL as 0).
    pub attendance_count: i32,
}

/// Every effect of one status change. Times are not in the plan: the caller stamps "now" (epoch
/// milliseconds) where a `set_*` flag is true.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionPlan {
    /// The status before.
    pub from: TicketStatus,
    /// The status after.
    pub to: TicketStatus,
    /// Set `startedAttendanceAt` to now (pending → open only; a reopen keeps the old value, as
    /// in the reference).
    pub set_started_attendance_at: bool,
    /// Set `closedAt` to now (every change into `closed`, including system closes, which the
    /// reference left without a `closedAt`).
    pub set_closed_at: bool,
    /// The `LogTickets` row to write, if any (`open`, `pending`, `closed` or `autoClose`).
    pub log: Option<TicketLogType>,
    /// The `Protocols` row to write (rule P-2); its number also stamps the ticket's unstamped
    /// messages (rule P-3).
    pub protocol: ProtocolAction,
    /// Increment `attendanceCount` (with [`crate::protocol::next_attendance_count`]).
    pub increment_attendance: bool,
    /// Emit the new-ticket notification (every change *into* `pending`).
    pub notify_new_ticket: bool,
    /// Send the channel's farewell message, if it has one (every agent request that leaves the
    /// ticket `closed`).
    pub send_farewell: bool,
    /// Clear the legacy `autoReplyId` and `stepAutoReplyId` (pending → open).
    pub clear_auto_reply: bool,
}

impl TransitionPlan {
    /// True when the plan does nothing at all (pending → pending, open → open, and a system
    /// closed → closed).
    pub fn is_noop(&self) -> bool {
        let TransitionPlan {
            from,
            to,
            set_started_attendance_at,
            set_closed_at,
            log,
            protocol,
            increment_attendance,
            notify_new_ticket,
            send_farewell,
            clear_auto_reply,
        } = self;
        from == to
            && !set_started_attendance_at
            && !set_closed_at
            && log.is_none()
            && *protocol == ProtocolAction::None
            && !increment_attendance
            && !notify_new_ticket
            && !send_farewell
            && !clear_auto_reply
    }

    /// True when the status column changes.
    pub fn changes_status(&self) -> bool {
        self.from != self.to
    }
}

/// Plans the change of a ticket from `from` to `to` (see the module table).
///
/// Every pair of statuses is allowed except one case: leaving `closed` (to `open` or `pending`)
/// while the contact has another open or pending ticket on the same channel, which would give
/// the contact two active tickets there. That is refused with
/// `DomainError::Conflict { code: "ERR_OTHER_OPEN_TICKET" }` (HTTP 409; the reference turned it
/// into a 500 `ERR_PROTOCOL_UPDATE_FAILED`).
///
/// Decisions where the reference is silent or defective:
/// - closed → open writes an `open` log (the reference wrote none, leaving reopenings out of
///   the audit trail);
/// - every change into `pending` writes a `pending` log, including the inbound reopen;
/// - a close requested by the system (bot close keyword, auto-close job) sets `closedAt`, writes
///   `FECH` like any close, logs `autoClose` instead of `closed`, and sends no farewell (the
///   reference sends it only from the agent's update route);
/// - closed → closed changes nothing but re-sends the farewell when an agent asks, as the
///   reference does; no second `closedAt`, log or `FECH`.
pub fn plan_transition(
    from: TicketStatus,
    to: TicketStatus,
    ctx: TransitionContext<'_>,
) -> Result<TransitionPlan, DomainError> {
    use TicketStatus::{Closed, Open, Pending};

    if from == Closed && to != Closed && ctx.contact_has_other_active_ticket {
        return Err(DomainError::conflict(
            ERR_OTHER_OPEN_TICKET,
            format!(
                "ticket {} cannot be set to {to}: its contact has another open or pending \
                 ticket on this channel",
                ctx.ticket
            ),
        ));
    }

    let by_agent = matches!(ctx.requested_by, Actor::User { .. });
    let protocol = plan_protocol(
        from,
        to,
        ctx.latest_protocol,
        ctx.attendance_count,
        ctx.ticket,
    );
    let changed = from != to;

    let log = match (from, to) {
        (Pending | Closed, Open) => Some(TicketLogType::Open),
        (Open | Closed, Pending) => Some(TicketLogType::Pending),
        (Pending | Open, Closed) if by_agent => Some(TicketLogType::Closed),
        (Pending | Open, Closed) => Some(TicketLogType::AutoClose),
        (Pending, Pending) | (Open, Open) | (Closed, Closed) => None,
    };

    Ok(TransitionPlan {
        from,
        to,
        set_started_attendance_at: from == Pending && to == Open,
        set_closed_at: changed && to == Closed,
        log,
        increment_attendance: protocol.increment_attendance,
        protocol: protocol.action,
        notify_new_ticket: changed && to == Pending,
        send_farewell: to == Closed && by_agent,
        clear_auto_reply: from == Pending && to == Open,
    })
}

/// Who a pending ticket is assigned to when it is set to `open` (data-model.md §9 item 11): the
/// user named in the request, else the caller — an agent who accepts a ticket with only
/// `{status: "open"}` takes it (the reference left it unassigned). `None` only when neither is
/// known (a system request without a user). Call it for pending → open only; the caller's id
/// replaces any previous assignee, since whoever accepts the ticket is the one attending.
pub fn assignee_on_open(requested_user: Option<UserId>, caller: Option<UserId>) -> Option<UserId> {
    requested_user.or(caller)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::UserProfile;
    use TicketStatus::{Closed, Open, Pending};

    const T57: TicketId = TicketId::new(57);

    fn agent() -> Actor {
        Actor::User {
            id: UserId::new(7),
            profile: UserProfile::User,
        }
    }

    fn ctx(requested_by: Actor) -> TransitionContext<'static> {
        TransitionContext {
            ticket: T57,
            requested_by,
            contact_has_other_active_ticket: false,
            latest_protocol: None,
            attendance_count: 0,
        }
    }

    fn with_latest(
        mut c: TransitionContext<'static>,
        status: ProtocolStatus,
        number: &'static str,
        count: i32,
    ) -> TransitionContext<'static> {
        c.latest_protocol = Some((status, number));
        c.attendance_count = count;
        c
    }

    fn busy(mut c: TransitionContext<'static>) -> TransitionContext<'static> {
        c.contact_has_other_active_ticket = true;
        c
    }

    fn ok(from: TicketStatus, to: TicketStatus, c: TransitionContext<'_>) -> TransitionPlan {
        match plan_transition(from, to, c) {
            Ok(p) => p,
            Err(e) => panic!("{from} -> {to} refused: {e:?}"),
        }
    }

    fn base(from: TicketStatus, to: TicketStatus) -> TransitionPlan {
        TransitionPlan {
            from,
            to,
            set_started_attendance_at: false,
            set_closed_at: false,
            log: None,
            protocol: ProtocolAction::None,
            increment_attendance: false,
            notify_new_ticket: false,
            send_farewell: false,
            clear_auto_reply: false,
        }
    }

    #[test]
    fn pending_to_open_first_attendance() {
        let p = ok(Pending, Open, ctx(agent()));
        assert_eq!(
            p,
            TransitionPlan {
                set_started_attendance_at: true,
                log: Some(TicketLogType::Open),
                protocol: ProtocolAction::Open {
                    number: "(1)-57".into()
                },
                increment_attendance: true,
                clear_auto_reply: true,
                ..base(Pending, Open)
            }
        );
        assert!(p.changes_status() && !p.is_noop());
    }

    #[test]
    fn pending_to_open_after_a_closed_attendance_opens_the_next() {
        let c = with_latest(ctx(agent()), ProtocolStatus::Fech, "(2)-57", 2);
        let p = ok(Pending, Open, c);
        assert_eq!(
            p.protocol,
            ProtocolAction::Open {
                number: "(3)-57".into()
            }
        );
        assert!(p.increment_attendance);
    }

    #[test]
    fn pending_to_open_with_an_open_attendance_keeps_it() {
        let c = with_latest(ctx(agent()), ProtocolStatus::Aber, "(2)-57", 2);
        let p = ok(Pending, Open, c);
        assert_eq!(p.protocol, ProtocolAction::None);
        assert!(!p.increment_attendance);
        assert!(p.set_started_attendance_at && p.clear_auto_reply);
        assert_eq!(p.log, Some(TicketLogType::Open));
    }

    #[test]
    fn pending_to_open_ignores_other_tickets_of_the_contact() {
        assert!(plan_transition(Pending, Open, busy(ctx(agent()))).is_ok());
    }

    #[test]
    fn agent_closes_an_open_ticket() {
        let c = with_latest(ctx(agent()), ProtocolStatus::Aber, "(3)-57", 3);
        assert_eq!(
            ok(Open, Closed, c),
            TransitionPlan {
                set_closed_at: true,
                log: Some(TicketLogType::Closed),
                protocol: ProtocolAction::Close {
                    number: "(3)-57".into()
                },
                send_farewell: true,
                ..base(Open, Closed)
            }
        );
    }

    #[test]
    fn agent_closes_a_pending_ticket() {
        let c = with_latest(ctx(agent()), ProtocolStatus::Fech, "(1)-57", 1);
        let p = ok(Pending, Closed, c);
        assert_eq!(
            p.protocol,
            ProtocolAction::Close {
                number: "(1)-57".into()
            }
        );
        assert!(p.set_closed_at && p.send_farewell);
        assert!(!p.set_started_attendance_at && !p.notify_new_ticket && !p.clear_auto_reply);
        assert_eq!(p.log, Some(TicketLogType::Closed));
    }

    #[test]
    fn closing_without_protocol_writes_no_protocol() {
        for from in [Pending, Open] {
            let p = ok(from, Closed, ctx(agent()));
            assert_eq!(p.protocol, ProtocolAction::None);
            assert!(p.set_closed_at && p.send_farewell);
        }
    }

    #[test]
    fn system_close_logs_auto_close_without_farewell() {
        for from in [Pending, Open] {
            let c = with_latest(ctx(Actor::System), ProtocolStatus::Aber, "(2)-57", 2);
            assert_eq!(
                ok(from, Closed, c),
                TransitionPlan {
                    set_closed_at: true,
                    log: Some(TicketLogType::AutoClose),
                    protocol: ProtocolAction::Close {
                        number: "(2)-57".into()
                    },
                    ..base(from, Closed)
                }
            );
        }
    }

    #[test]
    fn open_to_pending_notifies() {
        for who in [agent(), Actor::System] {
            let c = with_latest(ctx(who), ProtocolStatus::Aber, "(1)-57", 1);
            assert_eq!(
                ok(Open, Pending, c),
                TransitionPlan {
                    log: Some(TicketLogType::Pending),
                    notify_new_ticket: true,
                    ..base(Open, Pending)
                }
            );
        }
    }

    #[test]
    fn reopen_starts_a_new_attendance() {
        let c = with_latest(ctx(agent()), ProtocolStatus::Fech, "(2)-57", 2);
        assert_eq!(
            ok(Closed, Open, c),
            TransitionPlan {
                log: Some(TicketLogType::Open),
                protocol: ProtocolAction::Open {
                    number: "(3)-57".into()
                },
                increment_attendance: true,
                ..base(Closed, Open)
            }
        );
    }

    #[test]
    fn reopen_without_history_opens_the_first_protocol() {
        let p = ok(Closed, Open, ctx(agent()));
        assert_eq!(
            p.protocol,
            ProtocolAction::Open {
                number: "(1)-57".into()
            }
        );
    }

    #[test]
    fn reopen_with_another_active_ticket_is_a_conflict() {
        for who in [agent(), Actor::System] {
            let err = plan_transition(Closed, Open, busy(ctx(who)));
            assert!(
                matches!(
                    &err,
                    Err(DomainError::Conflict {
                        code: ERR_OTHER_OPEN_TICKET,
                        ..
                    })
                ),
                "{err:?}"
            );
            assert!(err.is_err_and(|e| e.to_string().contains("another open or pending")));
        }
    }

    #[test]
    fn inbound_reopen_to_pending() {
        let c = with_latest(ctx(Actor::System), ProtocolStatus::Fech, "(2)-57", 2);
        assert_eq!(
            ok(Closed, Pending, c),
            TransitionPlan {
                log: Some(TicketLogType::Pending),
                notify_new_ticket: true,
                ..base(Closed, Pending)
            }
        );
    }

    #[test]
    fn closed_to_pending_with_another_active_ticket_is_a_conflict() {
        for who in [agent(), Actor::System] {
            let err = plan_transition(Closed, Pending, busy(ctx(who)));
            assert_eq!(err.map_err(|e| e.code()), Err(ERR_OTHER_OPEN_TICKET));
        }
    }

    #[test]
    fn closed_to_closed_only_repeats_the_farewell_for_agents() {
        let c = with_latest(ctx(agent()), ProtocolStatus::Fech, "(2)-57", 2);
        let p = ok(Closed, Closed, c);
        assert_eq!(
            p,
            TransitionPlan {
                send_farewell: true,
                ..base(Closed, Closed)
            }
        );
        assert!(!p.is_noop() && !p.changes_status());

        let system = ok(
            Closed,
            Closed,
            with_latest(ctx(Actor::System), ProtocolStatus::Fech, "(2)-57", 2),
        );
        assert!(system.is_noop());
        // staying closed is never a conflict
        assert!(plan_transition(Closed, Closed, busy(ctx(agent()))).is_ok());
    }

    #[test]
    fn same_status_is_a_noop() {
        for s in [Pending, Open] {
            for who in [agent(), Actor::System] {
                for c in [
                    ctx(who),
                    busy(ctx(who)),
                    with_latest(ctx(who), ProtocolStatus::Aber, "(1)-57", 1),
                ] {
                    let p = ok(s, s, c);
                    assert_eq!(p, base(s, s));
                    assert!(p.is_noop());
                }
            }
        }
    }

    #[test]
    fn only_leaving_closed_consults_other_tickets() {
        for &from in TicketStatus::ALL {
            for &to in TicketStatus::ALL {
                let refused = plan_transition(from, to, busy(ctx(agent()))).is_err();
                assert_eq!(refused, from == Closed && to != Closed, "{from} -> {to}");
                assert!(
                    plan_transition(from, to, ctx(agent())).is_ok(),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn invariants_hold_for_every_pair() {
        let latests = [
            None,
            Some((ProtocolStatus::Aber, "(1)-57")),
            Some((ProtocolStatus::Fech, "(1)-57")),
        ];
        for &from in TicketStatus::ALL {
            for &to in TicketStatus::ALL {
                for who in [agent(), Actor::System] {
                    for latest in latests {
                        for count in [i32::MIN, -1, 0, 1, i32::MAX] {
                            let c = TransitionContext {
                                latest_protocol: latest,
                                attendance_count: count,
                                ..ctx(who)
                            };
                            let p = ok(from, to, c);
                            assert_eq!((p.from, p.to), (from, to));
                            assert_eq!(p.notify_new_ticket, from != to && to == Pending);
                            assert_eq!(p.set_closed_at, from != to && to == Closed);
                            assert_eq!(p.send_farewell, to == Closed && who != Actor::System);
                            assert_eq!(p.set_started_attendance_at, (from, to) == (Pending, Open));
                            assert_eq!(p.clear_auto_reply, (from, to) == (Pending, Open));
                            assert_eq!(
                                p.increment_attendance,
                                matches!(p.protocol, ProtocolAction::Open { .. })
                            );
                            assert_eq!(p.log.is_none(), from == to);
                            if to != Open {
                                assert!(!p.increment_attendance);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn alias_close_is_closed() {
        let to: Result<TicketStatus, _> = "close".parse();
        assert_eq!(to, Ok(Closed));
        let p = to.and_then(|to| plan_transition(Open, to, ctx(agent())));
        assert!(p.is_ok_and(|p| p.set_closed_at));
    }

    #[test]
    fn assignee_is_the_requested_user_else_the_caller() {
        let (u1, u2) = (Some(UserId::new(1)), Some(UserId::new(2)));
        assert_eq!(assignee_on_open(u1, u2), u1);
        assert_eq!(assignee_on_open(u1, None), u1);
        assert_eq!(assignee_on_open(None, u2), u2);
        assert_eq!(assignee_on_open(None, None), None);
    }
}
