//! The shared backplane: Redis pub/sub (to be written).

use std::sync::Arc;

use async_trait::async_trait;

use super::{Backplane, BackplaneError, Envelope, EnvelopeSink};

/// Redis pub/sub between instances.
pub struct RedisBackplane {
    _url: String,
}

impl RedisBackplane {
    /// A backplane on the Redis server at `url`.
    pub fn new(url: &str) -> Result<Self, BackplaneError> {
        Ok(Self {
            _url: url.to_owned(),
        })
    }
}

#[async_trait]
impl Backplane for RedisBackplane {
    async fn publish(&self, _envelope: &Envelope) -> Result<(), BackplaneError> {
        Err(BackplaneError::Unavailable("not written yet".into()))
    }

    async fn run(&self, _sink: Arc<dyn EnvelopeSink>) {}
}
