//! [`InMemoryLeases`]: leases within one process (tests, single-instance tools).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use tiktickets_domain::Result;
use tiktickets_domain::leases::Leases;
use tokio::time::Instant;

/// Leases kept in memory: they coordinate schedulers of one process only (several instances
/// need [`RedisLeases`](crate::RedisLeases) or the database's leases).
#[derive(Debug, Default)]
pub struct InMemoryLeases {
    held: Mutex<HashMap<String, (String, Instant)>>,
}

impl InMemoryLeases {
    /// No lease taken.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl Leases for InMemoryLeases {
    async fn acquire(&self, name: &str, holder: &str, ttl: Duration) -> Result<bool> {
        let now = Instant::now();
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let free = match held.get(name) {
            None => true,
            Some((current, until)) => current == holder || *until <= now,
        };
        if free {
            held.insert(name.to_owned(), (holder.to_owned(), now + ttl));
        }
        Ok(free)
    }

    async fn release(&self, name: &str, holder: &str) -> Result<()> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.get(name).is_some_and(|(current, _)| current == holder) {
            held.remove(name);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_at_a_time_until_expiry() {
        let leases = InMemoryLeases::new();
        let ttl = Duration::from_millis(50);
        assert!(leases.acquire("t", "a", ttl).await.unwrap());
        assert!(!leases.acquire("t", "b", ttl).await.unwrap());
        assert!(leases.acquire("t", "a", ttl).await.unwrap(), "extends");
        leases.release("t", "b").await.unwrap();
        assert!(
            !leases.acquire("t", "b", ttl).await.unwrap(),
            "b cannot release a's"
        );
        tokio::time::sleep(ttl * 2).await;
        assert!(leases.acquire("t", "b", ttl).await.unwrap(), "expired");
        leases.release("t", "b").await.unwrap();
        assert!(leases.acquire("t", "a", ttl).await.unwrap(), "released");
    }
}
