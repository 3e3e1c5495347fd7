//! Dashboard figures (client-contract.md §14, behaviour.md §3.16), computed from ticket rows.
//!
//! Pure functions: the HTTP layer reads the tickets created in a date range (one query), the
//! users and the queues, and everything else is counted here. Durations come from the
//! tickets' epoch-millisecond columns: TMA ("tempo médio de atendimento") is
//! `closedAt − startedAttendanceAt` over closed tickets, TME ("tempo médio de espera") is
//! `startedAttendanceAt − createdAt`. Unlike the reference, every figure is a JSON number and
//! durations are real averages (behaviour.md §13 items 26 and 30).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use crate::enums::TicketStatus;
use crate::error::{DomainError, Result};
use crate::ids::{QueueId, UserId};
use crate::store::tickets::Ticket;

/// Days of the default range (today and the six days before).
pub const DEFAULT_DAYS: u64 = 7;
/// Longest accepted range, in days.
pub const MAX_DAYS: i64 = 366;
/// Label of tickets without a queue (or without a channel kind).
pub const NOT_INFORMED: &str = "Não informado";

/// A half-open UTC interval `[from, to)` covering whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First instant (00:00 UTC of the first day).
    pub from: DateTime<Utc>,
    /// First instant after the range (00:00 UTC of the day after the last day).
    pub to: DateTime<Utc>,
}

/// The range of `start..=end` (both optional): `end` defaults to `today`, `start` to six days
/// before `end`. Refuses an end before the start and ranges over [`MAX_DAYS`] days.
pub fn date_range(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<DateRange> {
    let end = end.unwrap_or(today);
    let start = match start {
        Some(s) => s,
        None => end
            .checked_sub_days(Days::new(DEFAULT_DAYS - 1))
            .unwrap_or(end),
    };
    if end < start {
        return Err(DomainError::invalid(
            "ERR_INVALID_DATE_RANGE",
            format!("the end date {end} is before the start date {start}"),
        ));
    }
    if (end - start).num_days() + 1 > MAX_DAYS {
        return Err(DomainError::invalid(
            "ERR_INVALID_DATE_RANGE",
            format!("a report covers at most {MAX_DAYS} days"),
        ));
    }
    let after = end.checked_add_days(Days::new(1)).ok_or_else(|| {
        DomainError::invalid("ERR_INVALID_DATE_RANGE", "the end date is out of range")
    })?;
    Ok(DateRange {
        from: start.and_time(NaiveTime::MIN).and_utc(),
        to: after.and_time(NaiveTime::MIN).and_utc(),
    })
}

/// Which of the range's tickets a figure counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    /// Only these queues (empty: all).
    pub queue_ids: Vec<QueueId>,
    /// Only group (`Some(true)`) or individual (`Some(false)`) tickets.
    pub is_group: Option<bool>,
    /// Only tickets assigned to this user (agents see only their own work).
    pub assigned_to: Option<UserId>,
}

impl TicketFilter {
    /// Whether a ticket passes the filter.
    pub fn matches(&self, t: &Ticket) -> bool {
        let queue_ok =
            self.queue_ids.is_empty() || t.queue_id.is_some_and(|q| self.queue_ids.contains(&q));
        let group_ok = self.is_group.is_none_or(|g| g == t.is_group);
        let user_ok = self.assigned_to.is_none_or(|u| t.user_id == Some(u));
        queue_ok && group_ok && user_ok
    }

    /// The tickets that pass.
    pub fn apply(&self, tickets: Vec<Ticket>) -> Vec<Ticket> {
        tickets.into_iter().filter(|t| self.matches(t)).collect()
    }
}

/// A duration as the dashboard reads it (whole numbers; hours may exceed 23).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DurationParts {
    /// Whole hours.
    pub hours: i64,
    /// Minutes after the hours.
    pub minutes: i64,
    /// Seconds after the minutes.
    pub seconds: i64,
}

impl DurationParts {
    /// Splits milliseconds (rounded to the second; negatives count as zero).
    pub fn from_millis(ms: f64) -> Self {
        let total = if ms.is_finite() && ms > 0.0 {
            (ms / 1000.0).round() as i64
        } else {
            0
        };
        Self {
            hours: total / 3600,
            minutes: total % 3600 / 60,
            seconds: total % 60,
        }
    }
}

/// Attendance time in ms (`closedAt − startedAttendanceAt`) of a closed ticket with both.
pub fn attendance_ms(t: &Ticket) -> Option<i64> {
    if t.status != TicketStatus::Closed {
        return None;
    }
    let (start, end) = (t.started_attendance_at?, t.closed_at?);
    (end >= start).then_some(end - start)
}

/// Waiting time in ms (`startedAttendanceAt − createdAt`) of a ticket an agent started.
pub fn waiting_ms(t: &Ticket) -> Option<i64> {
    let started = t.started_attendance_at?;
    let created = t.created_at.timestamp_millis();
    (started >= created).then_some(started - created)
}

fn average(values: impl Iterator<Item = i64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0_f64, 0_u32), |(s, n), v| (s + v as f64, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// Average attendance time (TMA) of the tickets.
pub fn tma(tickets: &[Ticket]) -> DurationParts {
    DurationParts::from_millis(average(tickets.iter().filter_map(attendance_ms)).unwrap_or(0.0))
}

/// Average waiting time (TME) of the tickets.
pub fn tme(tickets: &[Ticket]) -> DurationParts {
    DurationParts::from_millis(average(tickets.iter().filter_map(waiting_ms)).unwrap_or(0.0))
}

/// `GET /statistics-tickets-times`: the one row of totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimesSummary {
    /// Tickets.
    pub qtd_total_atendimentos: u64,
    /// Tickets opened by an agent (outbound).
    pub qtd_demanda_ativa: u64,
    /// Tickets opened by the customer.
    pub qtd_demanda_receptiva: u64,
    /// Contacts created in the range.
    pub new_contacts: u64,
    /// Average attendance time.
    pub tma: DurationParts,
    /// Average waiting time.
    pub tme: DurationParts,
}

/// Totals of the tickets; `new_contacts` is counted by the caller.
pub fn times_summary(tickets: &[Ticket], new_contacts: u64) -> TimesSummary {
    let total = tickets.len() as u64;
    let active = tickets.iter().filter(|t| t.is_active_demand).count() as u64;
    TimesSummary {
        qtd_total_atendimentos: total,
        qtd_demanda_ativa: active,
        qtd_demanda_receptiva: total - active,
        new_contacts,
        tma: tma(tickets),
        tme: tme(tickets),
    }
}

/// One slice of a pie chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// What is counted (queue name, channel kind).
    pub label: String,
    /// Tickets.
    pub qtd: u64,
    /// Share of all tickets, in percent with two decimals (the reference's spelling).
    pub pertentual: f64,
}

/// `part` of `total` in percent, two decimals (0 when the total is 0).
pub fn percent(part: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (part as f64 * 10_000.0 / total as f64).round() / 100.0
}

fn shares(counts: HashMap<String, u64>, total: u64) -> Vec<Share> {
    let mut rows: Vec<Share> = counts
        .into_iter()
        .map(|(label, qtd)| Share {
            pertentual: percent(qtd, total),
            label,
            qtd,
        })
        .collect();
    rows.sort_by(|a, b| b.qtd.cmp(&a.qtd).then_with(|| a.label.cmp(&b.label)));
    rows
}

fn channel_label(t: &Ticket) -> String {
    t.channel
        .map_or_else(|| NOT_INFORMED.to_owned(), |c| c.as_str().to_owned())
}

/// `GET /statistics-tickets-queue`: tickets per queue name (tickets without a known queue
/// are "Não informado"), largest first.
pub fn by_queue(tickets: &[Ticket], queue_names: &HashMap<QueueId, String>) -> Vec<Share> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for t in tickets {
        let label = t
            .queue_id
            .and_then(|q| queue_names.get(&q).cloned())
            .unwrap_or_else(|| NOT_INFORMED.to_owned());
        *counts.entry(label).or_default() += 1;
    }
    shares(counts, tickets.len() as u64)
}

/// `GET /statistics-tickets-channels`: tickets per channel kind, largest first.
pub fn by_channel(tickets: &[Ticket]) -> Vec<Share> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for t in tickets {
        *counts.entry(channel_label(t)).or_default() += 1;
    }
    shares(counts, tickets.len() as u64)
}

fn day_of(t: &Ticket) -> NaiveDate {
    t.created_at.date_naive()
}

fn br_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// One day and channel of the evolution chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayChannelCount {
    /// `dd/MM/yyyy`.
    pub dt_referencia: String,
    /// `yyyy-MM-dd`.
    pub dt_ref: String,
    /// Channel kind.
    pub label: String,
    /// Tickets.
    pub qtd: u64,
    /// Share of all tickets of the range, in percent.
    pub pertentual: f64,
}

/// `GET /statistics-tickets-evolution-channels`: tickets per creation day (UTC) and channel
/// kind, by day then label; days without tickets are absent.
pub fn evolution_by_channel(tickets: &[Ticket]) -> Vec<DayChannelCount> {
    let mut counts: BTreeMap<(NaiveDate, String), u64> = BTreeMap::new();
    for t in tickets {
        *counts.entry((day_of(t), channel_label(t))).or_default() += 1;
    }
    let total = tickets.len() as u64;
    counts
        .into_iter()
        .map(|((day, label), qtd)| DayChannelCount {
            dt_referencia: br_date(day),
            dt_ref: day.to_string(),
            label,
            qtd,
            pertentual: percent(qtd, total),
        })
        .collect()
}

/// One day of the period chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayCount {
    /// `yyyy-MM-dd`.
    pub dt_ref: String,
    /// `dd/MM/yyyy`.
    pub label: String,
    /// Tickets.
    pub qtd: u64,
}

/// `GET /statistics-tickets-evolution-by-period`: tickets per creation day (UTC), oldest
/// first; days without tickets are absent.
pub fn evolution_by_period(tickets: &[Ticket]) -> Vec<DayCount> {
    let mut counts: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    for t in tickets {
        *counts.entry(day_of(t)).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(day, qtd)| DayCount {
            dt_ref: day.to_string(),
            label: br_date(day),
            qtd,
        })
        .collect()
}

/// The user fields the per-user reports show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRef {
    /// Id.
    pub id: UserId,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
}

/// Tickets counted per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct StatusCounts {
    pending: u64,
    open: u64,
    closed: u64,
}

fn status_counts(tickets: &[&Ticket]) -> StatusCounts {
    let mut c = StatusCounts::default();
    for t in tickets {
        match t.status {
            TicketStatus::Pending => c.pending += 1,
            TicketStatus::Open => c.open += 1,
            TicketStatus::Closed => c.closed += 1,
        }
    }
    c
}

fn group_by_user<'a>(tickets: &'a [Ticket], users: &[UserRef]) -> Vec<(UserRef, Vec<&'a Ticket>)> {
    let mut groups: HashMap<UserId, Vec<&Ticket>> = HashMap::new();
    for t in tickets {
        if let Some(u) = t.user_id {
            groups.entry(u).or_default().push(t);
        }
    }
    let mut rows: Vec<(UserRef, Vec<&Ticket>)> = users
        .iter()
        .map(|u| (u.clone(), groups.remove(&u.id).unwrap_or_default()))
        .collect();
    rows.sort_by(|a, b| a.0.name.cmp(&b.0.name).then_with(|| a.0.id.cmp(&b.0.id)));
    rows
}

/// One agent of `GET /statistics-tickets-per-users-detail`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserDetail {
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Tickets assigned to the agent.
    pub qtd_total_atendimentos: u64,
    /// Of which pending.
    pub qtd_pendentes: u64,
    /// Of which open.
    pub qtd_em_atendimento: u64,
    /// Of which closed.
    pub qtd_resolvidos: u64,
    /// Average attendance time.
    pub tma: DurationParts,
    /// Average waiting time.
    pub tme: DurationParts,
}

/// Per-agent totals and times, one row per user in `users` (by name; zero rows included).
pub fn per_user_detail(tickets: &[Ticket], users: &[UserRef]) -> Vec<UserDetail> {
    group_by_user(tickets, users)
        .into_iter()
        .map(|(user, own)| {
            let c = status_counts(&own);
            let attend = average(own.iter().filter_map(|t| attendance_ms(t)));
            let wait = average(own.iter().filter_map(|t| waiting_ms(t)));
            UserDetail {
                name: user.name,
                email: user.email,
                qtd_total_atendimentos: own.len() as u64,
                qtd_pendentes: c.pending,
                qtd_em_atendimento: c.open,
                qtd_resolvidos: c.closed,
                tma: DurationParts::from_millis(attend.unwrap_or(0.0)),
                tme: DurationParts::from_millis(wait.unwrap_or(0.0)),
            }
        })
        .collect()
}

/// One agent of `GET /statistics-per-users` (times in minutes, two decimals).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserTimes {
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Pending tickets.
    pub qtd_pendentes: u64,
    /// Open tickets.
    pub qtd_em_atendimento: u64,
    /// Closed tickets.
    pub qtd_resolvidos: u64,
    /// All tickets of the agent.
    pub qtd_por_usuario: u64,
    /// Shortest attendance, minutes (0 without closed tickets).
    pub menor_tempo_por_usuario: f64,
    /// Longest attendance, minutes.
    pub maior_tempo_por_usuario: f64,
    /// Average attendance, minutes.
    pub tempo_medio_por_usuario: f64,
}

fn minutes(ms: f64) -> f64 {
    (ms / 600.0).round() / 100.0
}

/// Per-agent counts and attendance times, one row per user in `users` (by name).
pub fn per_user_times(tickets: &[Ticket], users: &[UserRef]) -> Vec<UserTimes> {
    group_by_user(tickets, users)
        .into_iter()
        .map(|(user, own)| {
            let c = status_counts(&own);
            let times: Vec<i64> = own.iter().filter_map(|t| attendance_ms(t)).collect();
            let min = times.iter().min().copied().unwrap_or(0);
            let max = times.iter().max().copied().unwrap_or(0);
            UserTimes {
                name: user.name,
                email: user.email,
                qtd_pendentes: c.pending,
                qtd_em_atendimento: c.open,
                qtd_resolvidos: c.closed,
                qtd_por_usuario: own.len() as u64,
                menor_tempo_por_usuario: minutes(min as f64),
                maior_tempo_por_usuario: minutes(max as f64),
                tempo_medio_por_usuario: minutes(average(times.into_iter()).unwrap_or(0.0)),
            }
        })
        .collect()
}

/// A Brazilian area code (DDD) of the contacts report: exactly two digits, 11 to 99.
pub fn parse_ddd(raw: &str) -> Result<String> {
    let v = raw.trim();
    let ok = v.len() == 2 && v.bytes().all(|b| b.is_ascii_digit()) && !v.starts_with('0');
    if ok && v != "10" {
        Ok(v.to_owned())
    } else {
        Err(DomainError::invalid(
            "ERR_INVALID_DDD",
            format!(
                "ddds must be two-digit Brazilian area codes such as 11 or 21, not {:?}",
                v.chars().take(16).collect::<String>()
            ),
        ))
    }
}

/// Whether a stored number (`55` + area code + subscriber) has one of the area codes.
pub fn number_has_ddd(number: &str, ddds: &[String]) -> bool {
    number
        .strip_prefix("55")
        .is_some_and(|rest| rest.len() >= 10 && ddds.iter().any(|d| rest.starts_with(d.as_str())))
}

#[cfg(test)]
mod tests;
