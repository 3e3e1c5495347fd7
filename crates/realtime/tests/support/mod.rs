//! Shared helpers of the Redis test suites.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::sync::Mutex;
use std::time::Duration;

use tiktickets_realtime::backplane::{Envelope, EnvelopeSink};

/// The test server from `TEST_REDIS_URL`, or `None` after reporting the missing service.
pub fn redis_url() -> Option<String> {
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            tiktickets_test_support::missing_service("TEST_REDIS_URL is not set (no Redis)");
            None
        }
    }
}

/// A namespace of its own for one test, so parallel tests never see each other's keys.
pub fn unique_prefix(what: &str) -> String {
    format!("tiktickets-test:{what}:{}", uuid::Uuid::new_v4().simple())
}

/// A plain connection to the test server, for raw commands.
pub async fn raw(url: &str) -> deadpool_redis::redis::aio::MultiplexedConnection {
    deadpool_redis::redis::Client::open(url)
        .expect("redis url")
        .get_multiplexed_async_connection()
        .await
        .expect("redis connection")
}

/// Records every envelope delivered to it.
#[derive(Default)]
pub struct Collect(Mutex<Vec<Envelope>>);

impl Collect {
    /// The envelopes received so far for `event`.
    pub fn of(&self, event: &str) -> Vec<Envelope> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.event == event)
            .cloned()
            .collect()
    }

    /// Everything received so far.
    pub fn all(&self) -> Vec<Envelope> {
        self.0.lock().unwrap().clone()
    }

    /// Waits up to 10 s until `event` has arrived at least once.
    pub async fn wait_for(&self, event: &str) {
        for _ in 0..1_000 {
            if !self.of(event).is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{event} never arrived");
    }
}

impl EnvelopeSink for Collect {
    fn deliver(&self, envelope: Envelope) {
        self.0.lock().unwrap().push(envelope);
    }
}
