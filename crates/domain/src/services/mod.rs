//! Use cases written against the ports: what the HTTP API, the workers and the sessions call.
//! Each use case checks permissions and rules, writes through the stores, and publishes what
//! changed through the [`EventPublisher`].

use std::sync::Arc;

use crate::clock::Clock;
use crate::events::{DomainEvent, EventPublisher};
use crate::gateway::{NoSessions, WhatsAppGateway};
use crate::jobs::JobQueue;
use crate::sessions::{NoSessionControl, SessionControl};
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
    /// Delivery of outbound messages through the channels' sessions.
    pub gateway: Arc<dyn WhatsAppGateway>,
    /// Starting and stopping the channels' sessions.
    pub sessions: Arc<dyn SessionControl>,
}

impl Services {
    /// Bundles the ports. The gateway is [`NoSessions`] (every send stays pending) until
    /// [`Services::with_gateway`] sets a real one.
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
            gateway: Arc::new(NoSessions),
            sessions: Arc::new(NoSessionControl),
        }
    }

    /// The same services, delivering outbound messages through `gateway`.
    pub fn with_gateway(self, gateway: Arc<dyn WhatsAppGateway>) -> Self {
        Self { gateway, ..self }
    }

    /// The same services, starting and stopping sessions through `sessions`.
    pub fn with_sessions(self, sessions: Arc<dyn SessionControl>) -> Self {
        Self { sessions, ..self }
    }

    pub(crate) fn publish(&self, event: DomainEvent) {
        self.events.publish(event);
    }
}

pub mod auto_close;
mod catalog;
pub mod delivery;
pub mod ingest;
mod message_changes;
pub mod messages;
mod reactions;
mod sessions;
pub mod tickets;
mod users;

pub use auto_close::{DAYS_TO_CLOSE_DEFAULT, DAYS_TO_CLOSE_KEY, days_to_close};
pub use catalog::{ERR_CONNECTIONS_LIMIT, ERR_INVALID_CONTACT};
pub use delivery::{Delivery, DeliveryError};
pub use reactions::InboundReaction;
pub use sessions::ERR_CHANNEL_TYPE_NOT_SUPPORTED;
