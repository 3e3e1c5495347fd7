//! The server's ping schedule of a long-polling session (Engine.IO v4: the server sends `2`,
//! the client answers `3`), as plain state over instants so that it reads and tests without
//! a clock: a ping every `interval`, and the session is dead when a ping stays unanswered
//! for `timeout`.

use std::time::Duration;

use tokio::time::Instant;

/// What is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beat {
    /// Send a ping now.
    Ping,
    /// The last ping was not answered in time: close the session.
    Timeout,
}

/// Ping deadlines of one session.
#[derive(Debug, Clone)]
pub struct Heartbeat {
    interval: Duration,
    timeout: Duration,
    next_ping: Instant,
    pong_deadline: Option<Instant>,
}

impl Heartbeat {
    /// A schedule whose first ping is due `interval` after `now`.
    pub fn new(now: Instant, interval: Duration, timeout: Duration) -> Self {
        Self {
            interval,
            timeout,
            next_ping: now + interval,
            pong_deadline: None,
        }
    }

    /// When something may next be due: the pong deadline while a ping is unanswered, else
    /// the next ping.
    pub fn deadline(&self) -> Instant {
        self.pong_deadline.unwrap_or(self.next_ping)
    }

    /// What is due at `now`; a returned ping is counted as sent.
    pub fn poll(&mut self, now: Instant) -> Option<Beat> {
        if let Some(deadline) = self.pong_deadline {
            return (now >= deadline).then_some(Beat::Timeout);
        }
        if now < self.next_ping {
            return None;
        }
        self.pong_deadline = Some(now + self.timeout);
        self.next_ping = now + self.interval;
        Some(Beat::Ping)
    }

    /// The client answered: no deadline until the next ping.
    pub fn pong(&mut self) {
        self.pong_deadline = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const I: Duration = Duration::from_millis(100);
    const T: Duration = Duration::from_millis(50);

    #[test]
    fn pings_every_interval_while_answered() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(t0, I, T);
        assert_eq!(hb.deadline(), t0 + I);
        assert_eq!(hb.poll(t0 + I / 2), None);
        assert_eq!(hb.poll(t0 + I), Some(Beat::Ping));
        assert_eq!(hb.deadline(), t0 + I + T);
        assert_eq!(hb.poll(t0 + I + T / 2), None);
        hb.pong();
        assert_eq!(hb.deadline(), t0 + I + I);
        assert_eq!(hb.poll(t0 + I + T), None);
        assert_eq!(hb.poll(t0 + I + I), Some(Beat::Ping));
    }

    #[test]
    fn an_unanswered_ping_times_out_after_interval_plus_timeout() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(t0, I, T);
        assert_eq!(hb.poll(t0 + I), Some(Beat::Ping));
        assert_eq!(hb.poll(t0 + I + T - Duration::from_millis(1)), None);
        assert_eq!(hb.poll(t0 + I + T), Some(Beat::Timeout));
    }

    #[test]
    fn no_second_ping_while_one_is_unanswered() {
        let t0 = Instant::now();
        // A timeout longer than the interval: the deadline, not the next ping, comes first.
        let mut hb = Heartbeat::new(t0, T, I);
        assert_eq!(hb.poll(t0 + T), Some(Beat::Ping));
        assert_eq!(hb.poll(t0 + T + T), None);
        assert_eq!(hb.poll(t0 + T + I), Some(Beat::Timeout));
    }
}
