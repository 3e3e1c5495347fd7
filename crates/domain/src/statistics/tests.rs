//! Unit tests of the parent module.

use super::*;
use crate::enums::TicketChannel;
use crate::ids::{TenantId, TicketId};
use chrono::TimeZone;

const MIN: i64 = 60_000;

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap_or_default()
}

fn ticket(id: i32, status: TicketStatus, created: DateTime<Utc>) -> Ticket {
    Ticket {
        id: TicketId::new(id),
        status,
        last_message: None,
        contact_id: None,
        user_id: None,
        whatsapp_id: None,
        is_group: false,
        queue_id: None,
        tenant_id: TenantId::from_verified(1),
        unread_messages: None,
        answered: None,
        channel: Some(TicketChannel::Whatsapp),
        chat_flow_id: None,
        step_chat_flow: None,
        last_message_at: None,
        started_attendance_at: None,
        closed_at: None,
        is_active_demand: false,
        last_interaction_bot: None,
        bot_retries: 0,
        api_config: None,
        is_farewell_message: false,
        attendance_count: None,
        auto_reply_id: None,
        step_auto_reply_id: None,
        created_at: created,
        updated_at: created,
    }
}

/// A closed ticket that waited `wait` ms and was attended for `attend` ms.
fn closed(id: i32, created: DateTime<Utc>, wait: i64, attend: i64) -> Ticket {
    let start = created.timestamp_millis() + wait;
    Ticket {
        started_attendance_at: Some(start),
        closed_at: Some(start + attend),
        ..ticket(id, TicketStatus::Closed, created)
    }
}

fn user(id: i32, name: &str) -> UserRef {
    UserRef {
        id: UserId::new(id),
        name: name.to_owned(),
        email: format!("{}@x.test", name.to_lowercase()),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

#[test]
fn empty_input_gives_zeros_and_empty_lists() {
    let s = times_summary(&[], 0);
    assert_eq!(s.qtd_total_atendimentos, 0);
    assert_eq!(s.qtd_demanda_receptiva, 0);
    assert_eq!(s.tma, DurationParts::default());
    assert_eq!(s.tme, DurationParts::default());
    assert!(by_queue(&[], &HashMap::new()).is_empty());
    assert!(by_channel(&[]).is_empty());
    assert!(evolution_by_channel(&[]).is_empty());
    assert!(evolution_by_period(&[]).is_empty());
    let rows = per_user_times(&[], &[user(1, "Ana")]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].qtd_por_usuario, 0);
    assert_eq!(rows[0].tempo_medio_por_usuario, 0.0);
    assert_eq!(percent(3, 0), 0.0);
}

#[test]
fn one_ticket_of_each_status_is_counted_per_user() {
    let day = at(2026, 3, 10, 9);
    let mut tickets = vec![
        ticket(1, TicketStatus::Pending, day),
        ticket(2, TicketStatus::Open, day),
        closed(3, day, 5 * MIN, 30 * MIN),
    ];
    for t in &mut tickets {
        t.user_id = Some(UserId::new(7));
    }
    tickets[1].is_active_demand = true;
    let users = [user(7, "Bia"), user(8, "Caio")];
    let detail = per_user_detail(&tickets, &users);
    assert_eq!(detail.len(), 2);
    let bia = &detail[0];
    assert_eq!(bia.name, "Bia");
    assert_eq!(
        (
            bia.qtd_total_atendimentos,
            bia.qtd_pendentes,
            bia.qtd_em_atendimento,
            bia.qtd_resolvidos
        ),
        (3, 1, 1, 1)
    );
    assert_eq!(
        bia.tma,
        DurationParts {
            hours: 0,
            minutes: 30,
            seconds: 0
        }
    );
    assert_eq!(
        bia.tme,
        DurationParts {
            hours: 0,
            minutes: 5,
            seconds: 0
        }
    );
    assert_eq!(detail[1].qtd_total_atendimentos, 0, "Caio has no tickets");
    let summary = times_summary(&tickets, 4);
    assert_eq!(
        (
            summary.qtd_total_atendimentos,
            summary.qtd_demanda_ativa,
            summary.qtd_demanda_receptiva,
            summary.new_contacts
        ),
        (3, 1, 2, 4)
    );
}

#[test]
fn durations_are_averaged_and_split() {
    let day = at(2026, 3, 10, 9);
    let tickets = [
        closed(1, day, 60 * MIN, 90 * MIN),
        closed(2, day, 0, 30 * MIN + 30_000),
        // Open tickets have a waiting time but no attendance time.
        Ticket {
            started_attendance_at: Some(day.timestamp_millis() + 2 * 60 * MIN),
            ..ticket(3, TicketStatus::Open, day)
        },
    ];
    // TMA: (90 min + 30.5 min) / 2 = 60 min 15 s.
    assert_eq!(
        tma(&tickets),
        DurationParts {
            hours: 1,
            minutes: 0,
            seconds: 15
        }
    );
    // TME: (60 + 0 + 120) / 3 = 60 min.
    assert_eq!(
        tme(&tickets),
        DurationParts {
            hours: 1,
            minutes: 0,
            seconds: 0
        }
    );
    assert_eq!(
        DurationParts::from_millis(90_061_000.0),
        DurationParts {
            hours: 25,
            minutes: 1,
            seconds: 1
        }
    );
    assert_eq!(DurationParts::from_millis(-5.0), DurationParts::default());
    let times = per_user_times(
        &tickets
            .iter()
            .cloned()
            .map(|mut t| {
                t.user_id = Some(UserId::new(1));
                t
            })
            .collect::<Vec<_>>(),
        &[user(1, "Ana")],
    );
    assert_eq!(times[0].menor_tempo_por_usuario, 30.5);
    assert_eq!(times[0].maior_tempo_por_usuario, 90.0);
    assert_eq!(times[0].tempo_medio_por_usuario, 60.25);
    assert_eq!(times[0].qtd_resolvidos, 2);
}

#[test]
fn inconsistent_times_are_ignored() {
    let day = at(2026, 3, 10, 9);
    let mut t = closed(1, day, 10 * MIN, 10 * MIN);
    t.closed_at = t.started_attendance_at.map(|s| s - 1);
    assert_eq!(attendance_ms(&t), None);
    t.started_attendance_at = Some(day.timestamp_millis() - 1);
    assert_eq!(waiting_ms(&t), None);
    let reopened = Ticket {
        status: TicketStatus::Pending,
        ..closed(2, day, MIN, MIN)
    };
    assert_eq!(
        attendance_ms(&reopened),
        None,
        "only closed tickets have a TMA"
    );
}

#[test]
fn shares_are_percentages_with_two_decimals() {
    let day = at(2026, 3, 10, 9);
    let mut tickets: Vec<Ticket> = (1..=3)
        .map(|i| ticket(i, TicketStatus::Open, day))
        .collect();
    tickets[0].queue_id = Some(QueueId::new(5));
    tickets[1].queue_id = Some(QueueId::new(5));
    tickets[2].channel = Some(TicketChannel::Telegram);
    let names = HashMap::from([(QueueId::new(5), "Vendas".to_owned())]);
    let q = by_queue(&tickets, &names);
    assert_eq!(
        q[0],
        Share {
            label: "Vendas".into(),
            qtd: 2,
            pertentual: 66.67
        }
    );
    assert_eq!(
        q[1],
        Share {
            label: NOT_INFORMED.into(),
            qtd: 1,
            pertentual: 33.33
        }
    );
    let c = by_channel(&tickets);
    assert_eq!((c[0].label.as_str(), c[0].qtd), ("whatsapp", 2));
    assert_eq!((c[1].label.as_str(), c[1].pertentual), ("telegram", 33.33));
}

#[test]
fn evolution_is_per_day_and_channel() {
    let tickets = [
        ticket(1, TicketStatus::Open, at(2026, 3, 11, 23)),
        ticket(2, TicketStatus::Open, at(2026, 3, 10, 1)),
        Ticket {
            channel: None,
            ..ticket(3, TicketStatus::Open, at(2026, 3, 10, 2))
        },
        ticket(4, TicketStatus::Open, at(2026, 3, 10, 3)),
    ];
    let period = evolution_by_period(&tickets);
    assert_eq!(
        period,
        vec![
            DayCount {
                dt_ref: "2026-03-10".into(),
                label: "10/03/2026".into(),
                qtd: 3
            },
            DayCount {
                dt_ref: "2026-03-11".into(),
                label: "11/03/2026".into(),
                qtd: 1
            },
        ]
    );
    let ch = evolution_by_channel(&tickets);
    assert_eq!(ch.len(), 3);
    assert_eq!((ch[0].label.as_str(), ch[0].qtd), (NOT_INFORMED, 1));
    assert_eq!(
        (
            ch[1].dt_referencia.as_str(),
            ch[1].label.as_str(),
            ch[1].qtd,
            ch[1].pertentual
        ),
        ("10/03/2026", "whatsapp", 2, 50.0)
    );
    assert_eq!(ch[2].dt_ref, "2026-03-11");
}

#[test]
fn filters_by_queue_group_and_assignee() {
    let day = at(2026, 3, 10, 9);
    let mut a = ticket(1, TicketStatus::Open, day);
    a.queue_id = Some(QueueId::new(1));
    a.user_id = Some(UserId::new(9));
    let mut b = ticket(2, TicketStatus::Open, day);
    b.is_group = true;
    let all = vec![a, b];
    let by_queue = TicketFilter {
        queue_ids: vec![QueueId::new(1)],
        ..TicketFilter::default()
    };
    assert_eq!(by_queue.apply(all.clone()).len(), 1);
    let no_groups = TicketFilter {
        is_group: Some(false),
        ..TicketFilter::default()
    };
    assert_eq!(no_groups.apply(all.clone())[0].id, TicketId::new(1));
    let mine = TicketFilter {
        assigned_to: Some(UserId::new(8)),
        ..TicketFilter::default()
    };
    assert!(mine.apply(all.clone()).is_empty());
    assert_eq!(TicketFilter::default().apply(all).len(), 2);
}

#[test]
fn date_ranges_are_whole_utc_days() {
    let today = date(2026, 3, 10);
    let r = date_range(None, None, today).map_err(|e| e.code());
    assert_eq!(
        r,
        Ok(DateRange {
            from: at(2026, 3, 4, 0),
            to: at(2026, 3, 11, 0)
        }),
        "default: the last 7 days, today included"
    );
    let one = date_range(Some(today), Some(today), today).map_err(|e| e.code());
    assert_eq!(
        one,
        Ok(DateRange {
            from: at(2026, 3, 10, 0),
            to: at(2026, 3, 11, 0)
        })
    );
    let back = date_range(Some(date(2026, 3, 9)), Some(date(2026, 3, 8)), today);
    assert_eq!(back.map_err(|e| e.code()), Err("ERR_INVALID_DATE_RANGE"));
    assert!(date_range(Some(date(2025, 1, 1)), Some(date(2025, 12, 31)), today).is_ok());
    assert!(
        date_range(Some(date(2024, 1, 1)), Some(date(2024, 12, 31)), today).is_ok(),
        "366 days"
    );
    let long = date_range(Some(date(2024, 1, 1)), Some(date(2025, 1, 1)), today);
    assert_eq!(long.map_err(|e| e.code()), Err("ERR_INVALID_DATE_RANGE"));
    assert!(date_range(None, Some(NaiveDate::MAX), today).is_err());
}

#[test]
fn ddds_are_two_digit_area_codes() {
    assert_eq!(parse_ddd(" 11 ").ok().as_deref(), Some("11"));
    for bad in ["1", "111", "SP", "0a", "01", "10", ""] {
        assert_eq!(
            parse_ddd(bad).map_err(|e| e.code()),
            Err("ERR_INVALID_DDD"),
            "{bad}"
        );
    }
    let ddds = vec!["11".to_owned(), "21".to_owned()];
    assert!(number_has_ddd("5511987654321", &ddds));
    assert!(number_has_ddd("552133334444", &ddds));
    assert!(!number_has_ddd("5531987654321", &ddds));
    assert!(
        !number_has_ddd("11987654321", &ddds),
        "numbers start with the country code"
    );
    assert!(!number_has_ddd("5511", &ddds));
}
