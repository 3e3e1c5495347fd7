//! The gateway: configuration, the shared parts (hub, backplane, presence, token checks),
//! and the start of its background loops.

use std::sync::Arc;
use std::time::Duration;

use tiktickets_domain::access::{MediaLinks, TokenVerifier};
use tiktickets_domain::events::EventPublisher;
use tokio::sync::{Mutex, mpsc};

use crate::backplane::{Backplane, Envelope, EnvelopeSink};
use crate::hub::Hub;
use crate::presence::Presence;
use crate::publisher::RealtimePublisher;

/// Settings of the gateway.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Time between server pings.
    pub ping_interval: Duration,
    /// Time a client has to answer a ping before it is dropped.
    pub ping_timeout: Duration,
    /// Largest packet accepted from a client, in bytes.
    pub max_payload: usize,
    /// Time a transport may stay open without a successful Socket.IO CONNECT (a refused
    /// token included) before it is closed; checked at each server ping.
    pub connect_timeout: Duration,
    /// Frames queued per socket before events to it are dropped.
    pub socket_buffer: usize,
    /// Public base URL of media links; empty: each socket's handshake host.
    pub public_url: String,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            ping_interval: Duration::from_secs(25),
            ping_timeout: Duration::from_secs(20),
            max_payload: 1_000_000,
            connect_timeout: Duration::from_secs(45),
            socket_buffer: 1_024,
            public_url: String::new(),
        }
    }
}

pub(crate) struct Inner {
    pub(crate) config: GatewayConfig,
    pub(crate) hub: Arc<Hub>,
    pub(crate) verifier: Arc<dyn TokenVerifier>,
    pub(crate) backplane: Arc<dyn Backplane>,
    pub(crate) presence: Arc<dyn Presence>,
    links: Arc<dyn MediaLinks>,
    outgoing_tx: mpsc::UnboundedSender<Envelope>,
    outgoing_rx: Mutex<Option<mpsc::UnboundedReceiver<Envelope>>>,
}

/// The realtime gateway, cheap to clone (one per process).
#[derive(Clone)]
pub struct Gateway {
    pub(crate) inner: Arc<Inner>,
}

impl Gateway {
    /// Builds a gateway; call [`Gateway::start`] once inside the runtime.
    pub fn new(
        config: GatewayConfig,
        verifier: Arc<dyn TokenVerifier>,
        links: Arc<dyn MediaLinks>,
        backplane: Arc<dyn Backplane>,
        presence: Arc<dyn Presence>,
    ) -> Self {
        let (outgoing_tx, outgoing_rx) = mpsc::unbounded_channel();
        let absolute = !config.public_url.trim().is_empty();
        Self {
            inner: Arc::new(Inner {
                config,
                hub: Arc::new(Hub::new(absolute)),
                verifier,
                backplane,
                presence,
                links,
                outgoing_tx,
                outgoing_rx: Mutex::new(Some(outgoing_rx)),
            }),
        }
    }

    /// The domain's event publisher that feeds this gateway.
    pub fn publisher(&self) -> Arc<dyn EventPublisher> {
        Arc::new(RealtimePublisher::new(
            self.inner.outgoing_tx.clone(),
            self.inner.links.clone(),
            self.inner
                .config
                .public_url
                .trim_end_matches('/')
                .to_owned(),
        ))
    }

    /// Starts the loops: published events → backplane (in order), backplane → local sockets.
    /// A second call does nothing.
    pub async fn start(&self) {
        let Some(mut rx) = self.inner.outgoing_rx.lock().await.take() else {
            return;
        };
        let backplane = self.inner.backplane.clone();
        tokio::spawn(async move {
            while let Some(envelope) = rx.recv().await {
                if let Err(e) = backplane.publish(&envelope).await {
                    tracing::warn!(error = %e, event = %envelope.event, "realtime event not published");
                }
            }
        });
        let backplane = self.inner.backplane.clone();
        let sink: Arc<dyn EnvelopeSink> = self.inner.hub.clone();
        tokio::spawn(async move { backplane.run(sink).await });
    }

    /// Sends an envelope to every instance (presence broadcasts).
    pub(crate) fn broadcast(&self, envelope: Envelope) {
        let _ = self.inner.outgoing_tx.send(envelope);
    }

    /// Sockets connected to this instance.
    pub fn local_sockets(&self) -> usize {
        self.inner.hub.len()
    }

    /// The settings.
    pub fn config(&self) -> &GatewayConfig {
        &self.inner.config
    }
}
