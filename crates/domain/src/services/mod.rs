//! Use cases written against the ports: what the HTTP API, the workers and the sessions call.
//! Each use case checks permissions and rules, writes through the stores, and publishes what
//! changed through the [`EventPublisher`].

use std::sync::Arc;

use crate::clock::Clock;
use crate::events::{DomainEvent, EventPublisher};
use crate::jobs::JobQueue;
use crate::store::Stores;

/// The ports every use case needs, cheap to clone.
#[derive(Clone)]
pub struct Services {
    /// Data.
    pub stores: Stores,
    /// Realtime events.
    pub events: Arc<dyn EventPublisher>,
    /// Background work.
    pub jobs: Arc<dyn JobQueue>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

impl Services {
    /// Bundles the ports.
    pub fn new(
        stores: Stores,
        events: Arc<dyn EventPublisher>,
        jobs: Arc<dyn JobQueue>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            stores,
            events,
            jobs,
            clock,
        }
    }

    pub(crate) fn publish(&self, event: DomainEvent) {
        self.events.publish(event);
    }
}

mod catalog;
pub mod messages;
pub mod tickets;
mod users;

pub use catalog::ERR_CONNECTIONS_LIMIT;
