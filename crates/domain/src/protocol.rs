//! Attendance protocols and counting: rules P-1 to P-4 of data-model.md §7.8.
//!
//! A ticket is a long-lived conversation; each *attendance* on it gets a protocol number
//! `(<n>)-<ticketId>` where `n` is the attendance's ordinal. `Protocols` rows are events: an
//! `ABER` row when an attendance opens, a `FECH` row with the same number when it closes.

use chrono::{DateTime, Utc};

use crate::enums::{ProtocolStatus, TicketStatus};
use crate::ids::{ProtocolId, TicketId};

/// Rule P-1: the number of the attendance that opens now, `(<attendanceCount + 1>)-<ticketId>`,
/// e.g. `(3)-57` when the ticket's count is 2. It is computed from the count *before* the
/// increment, so `n` equals the count after it ([`next_attendance_count`]).
///
/// A negative count (corrupt data) is read as 0, giving `(1)-<id>`; the addition saturates, so
/// `i32::MAX` gives `(2147483647)-<id>` instead of overflowing. A NULL `attendanceCount` should
/// be passed as 0 (the column's default).
pub fn protocol_number(attendance_count: i32, ticket: TicketId) -> String {
    format!("({})-{}", next_attendance_count(attendance_count), ticket)
}

/// The number of `POST /protocols` (the reference's legacy manual protocol): `PROT<epoch ms>`.
/// The time is a parameter; no clock is read.
pub fn legacy_protocol_number(epoch_ms: i64) -> String {
    format!("PROT{epoch_ms}")
}

/// The ticket's `attendanceCount` after an attendance opens: `max(count, 0) + 1`, saturating at
/// `i32::MAX`. Matches the `n` of [`protocol_number`] for the same input.
pub fn next_attendance_count(attendance_count: i32) -> i32 {
    attendance_count.max(0).saturating_add(1)
}

/// What to write to `Protocols` for a status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolAction {
    /// Insert an `ABER` row with this new number.
    Open {
        /// The new protocol number ([`protocol_number`]).
        number: String,
    },
    /// Insert a `FECH` row with this (the latest row's) number.
    Close {
        /// The number of the latest protocol row.
        number: String,
    },
    /// Write nothing.
    None,
}

impl ProtocolAction {
    /// The number written, if any. Rule P-3: the messages of the ticket whose `protocolNumber`
    /// is NULL or empty are stamped with it (the new number on open, the latest on close).
    pub fn number(&self) -> Option<&str> {
        match self {
            ProtocolAction::Open { number } | ProtocolAction::Close { number } => Some(number),
            ProtocolAction::None => None,
        }
    }

    /// The status of the row written, if any.
    pub fn status(&self) -> Option<ProtocolStatus> {
        match self {
            ProtocolAction::Open { .. } => Some(ProtocolStatus::Aber),
            ProtocolAction::Close { .. } => Some(ProtocolStatus::Fech),
            ProtocolAction::None => None,
        }
    }

    /// Rule P-4: the number `{protocol}` renders as once this action is written — the number of
    /// the row written, else the latest existing one.
    pub fn current_number<'a>(&'a self, latest: Option<&'a str>) -> Option<&'a str> {
        self.number().or(latest)
    }
}

/// The protocol effects of one ticket status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolPlan {
    /// The row to insert, if any.
    pub action: ProtocolAction,
    /// Whether `attendanceCount` becomes [`next_attendance_count`] of its current value.
    /// True exactly when an `ABER` row is written.
    pub increment_attendance: bool,
}

/// Rule P-2: what a status change writes to `Protocols`.
///
/// - pending → open: opens (`ABER`, new number, count + 1) only if the ticket has no protocol
///   yet or its latest row is `FECH`; if the latest row is `ABER` the attendance is still open
///   and nothing is written.
/// - closed → open (reopen): always opens.
/// - pending → closed, open → closed: appends a `FECH` row carrying the latest row's number —
///   even if that row is already `FECH`, as the reference does. **If the ticket has no protocol
///   at all, nothing is written**: there is no attendance number to close, and inventing one
///   would count an attendance that never opened.
/// - closed → closed: nothing (a repeated close request is not a new event).
/// - everything else (→ pending, open → open, pending → pending): nothing.
///
/// `latest` is the ticket's latest protocol row (by `createdAt`, see [`latest_protocol`]) as
/// `(status, number)`; `attendance_count` its `attendanceCount` (NULL as 0).
pub fn plan_protocol(
    from: TicketStatus,
    to: TicketStatus,
    latest: Option<(ProtocolStatus, &str)>,
    attendance_count: i32,
    ticket: TicketId,
) -> ProtocolPlan {
    use TicketStatus::{Closed, Open, Pending};

    let open = || ProtocolPlan {
        action: ProtocolAction::Open {
            number: protocol_number(attendance_count, ticket),
        },
        increment_attendance: true,
    };
    let nothing = ProtocolPlan {
        action: ProtocolAction::None,
        increment_attendance: false,
    };

    match (from, to) {
        (Pending, Open) => match latest {
            None | Some((ProtocolStatus::Fech, _)) => open(),
            Some((ProtocolStatus::Aber, _)) => nothing,
        },
        (Closed, Open) => open(),
        (Pending | Open, Closed) => match latest {
            Some((_, number)) => ProtocolPlan {
                action: ProtocolAction::Close {
                    number: number.to_owned(),
                },
                increment_attendance: false,
            },
            None => nothing,
        },
        (Closed, Closed) | (_, Pending) | (Open, Open) => nothing,
    }
}

/// Rule P-4: the latest of a ticket's protocol rows, ordered by `createdAt` and, for equal
/// times, by id (the row inserted last). `key` gives each row's `(createdAt, id)`. The
/// reference took an unordered row; this is deterministic.
pub fn latest_protocol<T>(
    rows: &[T],
    key: impl Fn(&T) -> (DateTime<Utc>, ProtocolId),
) -> Option<&T> {
    rows.iter().max_by_key(|row| key(row))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use TicketStatus::{Closed, Open, Pending};

    const T57: TicketId = TicketId::new(57);

    fn plan(
        from: TicketStatus,
        to: TicketStatus,
        latest: Option<(ProtocolStatus, &str)>,
        count: i32,
    ) -> ProtocolPlan {
        plan_protocol(from, to, latest, count, T57)
    }

    fn opens(number: &str) -> ProtocolPlan {
        ProtocolPlan {
            action: ProtocolAction::Open {
                number: number.to_owned(),
            },
            increment_attendance: true,
        }
    }

    fn closes(number: &str) -> ProtocolPlan {
        ProtocolPlan {
            action: ProtocolAction::Close {
                number: number.to_owned(),
            },
            increment_attendance: false,
        }
    }

    const NOTHING: ProtocolPlan = ProtocolPlan {
        action: ProtocolAction::None,
        increment_attendance: false,
    };

    #[test]
    fn number_uses_the_count_before_the_increment() {
        assert_eq!(protocol_number(2, T57), "(3)-57");
        assert_eq!(protocol_number(0, TicketId::new(1)), "(1)-1");
        assert_eq!(next_attendance_count(2), 3);
        assert_eq!(next_attendance_count(0), 1);
    }

    #[test]
    fn negative_and_huge_counts_do_not_overflow() {
        assert_eq!(protocol_number(-1, T57), "(1)-57");
        assert_eq!(protocol_number(i32::MIN, T57), "(1)-57");
        assert_eq!(protocol_number(i32::MAX - 1, T57), "(2147483647)-57");
        assert_eq!(protocol_number(i32::MAX, T57), "(2147483647)-57");
        assert_eq!(next_attendance_count(i32::MIN), 1);
        assert_eq!(next_attendance_count(i32::MAX), i32::MAX);
        assert_eq!(
            protocol_number(5, TicketId::new(i32::MAX)),
            "(6)-2147483647"
        );
    }

    #[test]
    fn number_and_new_count_always_agree() {
        for count in [i32::MIN, -100, -1, 0, 1, 2, 41, i32::MAX - 1, i32::MAX] {
            let n = next_attendance_count(count);
            assert_eq!(protocol_number(count, T57), format!("({n})-57"), "{count}");
            assert!(n >= 1);
        }
    }

    #[test]
    fn legacy_numbers() {
        assert_eq!(
            legacy_protocol_number(1_718_000_000_123),
            "PROT1718000000123"
        );
        assert_eq!(legacy_protocol_number(0), "PROT0");
        assert_eq!(legacy_protocol_number(-5), "PROT-5");
        assert_eq!(
            legacy_protocol_number(i64::MAX),
            format!("PROT{}", i64::MAX)
        );
    }

    #[test]
    fn pending_to_open_opens_when_no_protocol_or_latest_closed() {
        assert_eq!(plan(Pending, Open, None, 0), opens("(1)-57"));
        assert_eq!(
            plan(Pending, Open, Some((ProtocolStatus::Fech, "(2)-57")), 2),
            opens("(3)-57")
        );
    }

    #[test]
    fn pending_to_open_with_an_open_attendance_writes_nothing() {
        assert_eq!(
            plan(Pending, Open, Some((ProtocolStatus::Aber, "(2)-57")), 2),
            NOTHING
        );
    }

    #[test]
    fn reopen_always_opens() {
        assert_eq!(plan(Closed, Open, None, 0), opens("(1)-57"));
        assert_eq!(
            plan(Closed, Open, Some((ProtocolStatus::Fech, "(4)-57")), 4),
            opens("(5)-57")
        );
        assert_eq!(
            plan(Closed, Open, Some((ProtocolStatus::Aber, "(4)-57")), 4),
            opens("(5)-57")
        );
        assert_eq!(plan(Closed, Open, None, i32::MAX), opens("(2147483647)-57"));
    }

    #[test]
    fn closing_appends_fech_with_the_latest_number() {
        for from in [Open, Pending] {
            let latest = Some((ProtocolStatus::Aber, "(3)-57"));
            assert_eq!(plan(from, Closed, latest, 3), closes("(3)-57"));
            let latest_closed = Some((ProtocolStatus::Fech, "(3)-57"));
            assert_eq!(
                plan(from, Closed, latest_closed, 3),
                closes("(3)-57"),
                "even after FECH"
            );
            // a legacy manual number is carried as is
            let legacy = Some((ProtocolStatus::Aber, "PROT1718000000123"));
            assert_eq!(plan(from, Closed, legacy, 0), closes("PROT1718000000123"));
        }
    }

    #[test]
    fn closing_without_any_protocol_writes_nothing() {
        assert_eq!(plan(Open, Closed, None, 0), NOTHING);
        assert_eq!(plan(Pending, Closed, None, 7), NOTHING);
    }

    #[test]
    fn other_changes_write_nothing() {
        let latests = [
            None,
            Some((ProtocolStatus::Aber, "(1)-57")),
            Some((ProtocolStatus::Fech, "(1)-57")),
        ];
        for latest in latests {
            for (from, to) in [
                (Open, Pending),
                (Closed, Pending),
                (Pending, Pending),
                (Open, Open),
                (Closed, Closed),
            ] {
                assert_eq!(
                    plan(from, to, latest, 1),
                    NOTHING,
                    "{from}->{to} {latest:?}"
                );
            }
        }
    }

    #[test]
    fn increments_exactly_when_opening() {
        let latests = [
            None,
            Some((ProtocolStatus::Aber, "(1)-57")),
            Some((ProtocolStatus::Fech, "(1)-57")),
        ];
        for latest in latests {
            for &from in TicketStatus::ALL {
                for &to in TicketStatus::ALL {
                    let p = plan(from, to, latest, 1);
                    assert_eq!(
                        p.increment_attendance,
                        p.action.status() == Some(ProtocolStatus::Aber)
                    );
                }
            }
        }
    }

    #[test]
    fn action_accessors() {
        let open = ProtocolAction::Open {
            number: "(1)-57".into(),
        };
        let close = ProtocolAction::Close {
            number: "(1)-57".into(),
        };
        assert_eq!(open.number(), Some("(1)-57"));
        assert_eq!(close.number(), Some("(1)-57"));
        assert_eq!(ProtocolAction::None.number(), None);
        assert_eq!(open.status(), Some(ProtocolStatus::Aber));
        assert_eq!(close.status(), Some(ProtocolStatus::Fech));
        assert_eq!(ProtocolAction::None.status(), None);
        assert_eq!(open.current_number(Some("(0)-57")), Some("(1)-57"));
        assert_eq!(
            ProtocolAction::None.current_number(Some("(0)-57")),
            Some("(0)-57")
        );
        assert_eq!(ProtocolAction::None.current_number(None), None);
    }

    #[test]
    fn latest_is_ordered_by_created_at_then_id() {
        let t = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or_default();
        let rows = [
            (t(100), ProtocolId::new(3), "b"),
            (t(300), ProtocolId::new(1), "c"),
            (t(300), ProtocolId::new(2), "d"),
            (t(200), ProtocolId::new(9), "a"),
        ];
        let latest = latest_protocol(&rows, |r| (r.0, r.1));
        assert_eq!(latest.map(|r| r.2), Some("d"));
        let empty: [(DateTime<Utc>, ProtocolId, &str); 0] = [];
        assert!(latest_protocol(&empty, |r| (r.0, r.1)).is_none());
    }
}
