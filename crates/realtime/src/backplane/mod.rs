//! The backplane carries every event to every API instance, so that each delivers it to its
//! own sockets: Redis pub/sub when Redis is configured, a broadcast channel in process
//! otherwise. Envelopes name their tenant and room; the room always belongs to that tenant.

pub mod in_process;
pub mod redis;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use in_process::InProcessBackplane;
pub use redis::RedisBackplane;

/// One event for one room, as it travels between instances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The only tenant whose sockets may receive it.
    pub tenant: i32,
    /// Room name (see [`crate::rooms`]); always inside `tenant`.
    pub room: String,
    /// Socket.IO event name, e.g. `1:ticketList`.
    pub event: String,
    /// Event argument.
    pub payload: Value,
}

/// Failure to hand an envelope to the backplane.
#[derive(Debug, thiserror::Error)]
pub enum BackplaneError {
    /// Redis refused or is unreachable.
    #[error("backplane unavailable: {0}")]
    Unavailable(String),
}

/// Receives the envelopes the backplane delivers (the gateway's local fan-out).
pub trait EnvelopeSink: Send + Sync {
    /// Delivers one envelope to the local sockets of its room.
    fn deliver(&self, envelope: Envelope);
}

/// Moves envelopes between instances.
#[async_trait]
pub trait Backplane: Send + Sync {
    /// Sends an envelope to every instance (this one included).
    async fn publish(&self, envelope: &Envelope) -> Result<(), BackplaneError>;
    /// Delivers every envelope any instance publishes to `sink`, until the process ends;
    /// reconnects by itself after failures.
    async fn run(&self, sink: Arc<dyn EnvelopeSink>);
}
