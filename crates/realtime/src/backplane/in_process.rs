//! The embedded backplane: one process, a broadcast channel.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::broadcast;

use super::{Backplane, BackplaneError, Envelope, EnvelopeSink};

/// Envelopes in flight before a slow subscriber starts losing them.
const CAPACITY: usize = 16_384;

/// Delivers envelopes within this process.
pub struct InProcessBackplane {
    tx: broadcast::Sender<Envelope>,
}

impl Default for InProcessBackplane {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(CAPACITY);
        Self { tx }
    }
}

#[async_trait]
impl Backplane for InProcessBackplane {
    async fn publish(&self, envelope: &Envelope) -> Result<(), BackplaneError> {
        // No receiver yet means no socket can be waiting: nothing is lost.
        let _ = self.tx.send(envelope.clone());
        Ok(())
    }

    async fn run(&self, sink: Arc<dyn EnvelopeSink>) {
        let mut rx = self.tx.subscribe();
        loop {
            match rx.recv().await {
                Ok(envelope) => sink.deliver(envelope),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(
                        lost = n,
                        "realtime fan-out fell behind; events were dropped"
                    );
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}
