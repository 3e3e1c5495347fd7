//! The in-process queue's data and its transitions, all under one mutex.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use chrono::{DateTime, Utc};
use tiktickets_domain::jobs::Job;

use crate::clock::from_ms;
use crate::envelope::Envelope;
use crate::source::DeadLetter;

/// A job waiting or running, with its bookkeeping.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub job: Job,
    /// Runs that failed with a retry so far.
    pub attempt: u32,
    pub enqueued_at: DateTime<Utc>,
    /// Deliveries of the current attempt (redeliveries after a dropped worker).
    pub deliveries: u32,
}

impl Entry {
    pub fn new(job: Job) -> Self {
        Entry {
            job,
            attempt: 0,
            enqueued_at: Utc::now(),
            deliveries: 0,
        }
    }

    fn envelope(&self) -> Envelope {
        Envelope {
            attempt: self.attempt,
            ..Envelope::new(&self.job, self.enqueued_at)
        }
    }
}

/// What became of a delivery whose receipt was dropped unsettled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    /// It had been settled: nothing to do.
    NotInFlight,
    /// Back at the head of its kind's queue.
    Requeued(&'static str),
    /// Delivered too often: dead-lettered.
    Buried(&'static str),
}

#[derive(Debug, Default)]
pub(crate) struct State {
    /// Ready jobs per kind, oldest first.
    ready: HashMap<&'static str, VecDeque<Entry>>,
    /// Scheduled jobs and retries by (run-at ms, sequence).
    delayed: BTreeMap<(i64, u64), Entry>,
    /// Delivered, not yet settled jobs by delivery id.
    in_flight: HashMap<u64, Entry>,
    /// Dedupe keys of every job above.
    held: HashSet<String>,
    /// Jobs given up on, oldest first (at most `dead_cap`).
    dead: VecDeque<DeadLetter>,
    dead_cap: usize,
    next_id: u64,
}

impl State {
    /// An empty queue keeping at most `dead_cap` dead letters.
    pub fn new(dead_cap: usize) -> Self {
        State {
            dead_cap: dead_cap.max(1),
            ..State::default()
        }
    }

    /// Accepts a job unless one with its dedupe key is held. True when accepted.
    pub fn accept(&mut self, job: Job, run_at_ms: Option<i64>) -> bool {
        if !self.held.insert(job.dedupe_key()) {
            return false;
        }
        let entry = Entry::new(job);
        match run_at_ms {
            Some(at) => self.schedule(at, entry),
            None => self.push_ready(entry),
        }
        true
    }

    pub fn holds(&self, job: &Job) -> bool {
        self.held.contains(&job.dedupe_key())
    }

    pub fn schedule(&mut self, run_at_ms: i64, entry: Entry) {
        let id = self.next_id();
        self.delayed.insert((run_at_ms, id), entry);
    }

    fn push_ready(&mut self, entry: Entry) {
        self.ready
            .entry(entry.job.kind())
            .or_default()
            .push_back(entry);
    }

    /// Moves every delayed job due at `now_ms` to its ready queue.
    pub fn promote(&mut self, now_ms: i64) {
        while let Some(entry) = self.delayed.first_entry() {
            if entry.key().0 > now_ms {
                break;
            }
            let entry = entry.remove();
            self.push_ready(entry);
        }
    }

    /// Run-at time of the earliest delayed job.
    pub fn next_due_ms(&self) -> Option<i64> {
        self.delayed.keys().next().map(|(at, _)| *at)
    }

    /// Takes the oldest ready job of `kind` into flight: its delivery id and a copy.
    pub fn take(&mut self, kind: &str) -> Option<(u64, Entry)> {
        let mut entry = self.ready.get_mut(kind)?.pop_front()?;
        entry.deliveries = entry.deliveries.saturating_add(1);
        let id = self.next_id();
        self.in_flight.insert(id, entry.clone());
        Some((id, entry))
    }

    /// Removes a delivery from flight (settling it); `None` when it was not in flight.
    pub fn finish(&mut self, id: u64) -> Option<Entry> {
        self.in_flight.remove(&id)
    }

    /// Forgets a job for good (acknowledged).
    pub fn release(&mut self, job: &Job) {
        self.held.remove(&job.dedupe_key());
    }

    /// Puts a delivery whose worker vanished back at the head of its queue, or dead-letters it
    /// once it was delivered `max_deliveries` times.
    pub fn requeue(&mut self, id: u64, max_deliveries: u32) -> Fate {
        let Some(entry) = self.in_flight.remove(&id) else {
            return Fate::NotInFlight;
        };
        if entry.deliveries >= max_deliveries.max(1) {
            let error = format!(
                "delivered {} times without being acknowledged",
                entry.deliveries
            );
            let attempts = entry.attempt.saturating_add(1);
            let kind = entry.job.kind();
            self.bury(entry, error, attempts);
            return Fate::Buried(kind);
        }
        let kind = entry.job.kind();
        self.ready.entry(kind).or_default().push_front(entry);
        Fate::Requeued(kind)
    }

    /// Dead-letters a job with its last error and number of runs.
    pub fn bury(&mut self, entry: Entry, error: String, attempts: u32) {
        self.release(&entry.job);
        let envelope = entry
            .envelope()
            .to_json()
            .unwrap_or_else(|e| format!("(unencodable: {e})"));
        if self.dead.len() >= self.dead_cap {
            self.dead.pop_front();
        }
        self.dead.push_back(DeadLetter {
            kind: entry.job.kind().to_owned(),
            job: Some(entry.job),
            envelope,
            error,
            attempts,
            failed_at: from_ms(crate::clock::now_ms()),
        });
    }

    /// The newest dead letters of `kind` (at most `limit`), oldest first.
    pub fn dead_letters(&self, kind: &str, limit: usize) -> Vec<DeadLetter> {
        let of_kind: Vec<&DeadLetter> = self.dead.iter().filter(|d| d.kind == kind).collect();
        let skip = of_kind.len().saturating_sub(limit);
        of_kind.into_iter().skip(skip).cloned().collect()
    }

    fn next_id(&mut self) -> u64 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }
}
