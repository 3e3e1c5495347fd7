//! Login throttling: after N failed logins for one (IP, e-mail) pair within a window, further
//! attempts are refused with 429 until the oldest failure leaves the window. A success clears
//! the pair.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The pair a failure is counted for: client address and lower-cased e-mail.
type AttemptKey = (Option<IpAddr>, String);

/// Failed-login bookkeeping, in memory (per API instance).
pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<AttemptKey, VecDeque<Instant>>>,
}

/// Bound on tracked pairs, so a flood of random e-mails cannot grow memory without limit.
const MAX_TRACKED: usize = 100_000;

impl LoginThrottle {
    /// `max_failures` failures per `window`.
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn key(ip: Option<IpAddr>, email: &str) -> AttemptKey {
        (ip, email.trim().to_lowercase())
    }

    /// `Some(seconds to wait)` when this pair is blocked now.
    pub fn blocked_for(&self, ip: Option<IpAddr>, email: &str) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().ok()?;
        let entry = map.get_mut(&Self::key(ip, email))?;
        while entry
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            entry.pop_front();
        }
        let limit = usize::try_from(self.max_failures).unwrap_or(usize::MAX);
        if entry.len() >= limit {
            let oldest = entry.front().copied()?;
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            Some(wait.as_secs().max(1))
        } else {
            None
        }
    }

    /// Records a failed attempt.
    pub fn record_failure(&self, ip: Option<IpAddr>, email: &str) {
        let now = Instant::now();
        if let Ok(mut map) = self.failures.lock() {
            if map.len() >= MAX_TRACKED {
                let window = self.window;
                map.retain(|_, v| v.back().is_some_and(|t| now.duration_since(*t) < window));
            }
            map.entry(Self::key(ip, email)).or_default().push_back(now);
        }
    }

    /// Forgets the failures of a pair after a successful login.
    pub fn record_success(&self, ip: Option<IpAddr>, email: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&Self::key(ip, email));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_clears_on_success() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..2 {
            t.record_failure(ip, "A@x.com");
        }
        assert_eq!(t.blocked_for(ip, "a@x.com"), None);
        t.record_failure(ip, "a@x.com");
        assert!(t.blocked_for(ip, "a@x.com").is_some());
        assert_eq!(
            t.blocked_for(Some(IpAddr::from([10, 0, 0, 1])), "a@x.com"),
            None
        );
        assert_eq!(t.blocked_for(ip, "b@x.com"), None);
        t.record_success(ip, "a@x.com");
        assert_eq!(t.blocked_for(ip, "a@x.com"), None);
    }

    #[test]
    fn failures_leave_the_window() {
        let t = LoginThrottle::new(1, Duration::from_millis(1));
        t.record_failure(None, "a@x.com");
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(t.blocked_for(None, "a@x.com"), None);
    }
}
