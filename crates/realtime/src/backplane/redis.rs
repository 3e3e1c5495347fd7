//! The shared backplane: Redis pub/sub.
//!
//! Every instance PUBLISHes each [`Envelope`] as JSON on one channel, `<prefix>:events`
//! (`tiktickets:realtime:events` by default, see [`DEFAULT_PREFIX`]), and every instance
//! SUBSCRIBEs to it on a dedicated connection and hands what arrives to its local sockets.
//! [`RedisBackplane::publish`] never delivers locally: Redis sends the envelope back to the
//! publishing instance too, which is how its own sockets get it, exactly once.
//!
//! Pub/sub is fire-and-forget: envelopes published while an instance is reconnecting are lost
//! for that instance (its clients re-query on reconnect, as after any socket drop).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_redis::redis::{self, aio::PubSub};
use deadpool_redis::{Pool, PoolConfig, Runtime, Timeouts};
use futures_util::StreamExt;
use tokio::time::{Instant, sleep, timeout};

use super::{Backplane, BackplaneError, Envelope, EnvelopeSink};

/// Namespace of the backplane's Redis channel in production: the channel is
/// `tiktickets:realtime:events`. Tests use their own prefix so parallel runs stay apart.
pub const DEFAULT_PREFIX: &str = "tiktickets:realtime";

/// Suffix of the one channel every envelope travels on.
const EVENTS_SUFFIX: &str = "events";
/// Longest wait for a pooled connection, a new connection, or a PUBLISH round trip.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest wait for the subscriber to connect and subscribe.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often an idle subscription checks that the server still answers (half-open TCP).
const HEALTH_EVERY: Duration = Duration::from_secs(15);
/// A subscription that lasted this long resets the reconnection backoff.
const STABLE_AFTER: Duration = Duration::from_secs(30);
/// First reconnection delay.
const BACKOFF_MIN: Duration = Duration::from_millis(100);
/// Longest reconnection delay.
const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// Redis pub/sub between instances.
pub struct RedisBackplane {
    pool: Pool,
    client: redis::Client,
    channel: String,
}

impl RedisBackplane {
    /// A backplane on the Redis server at `url`, on the production channel. Nothing connects
    /// yet; a malformed URL is an error.
    pub fn new(url: &str) -> Result<Self, BackplaneError> {
        Self::with_prefix(url, DEFAULT_PREFIX)
    }

    /// A backplane whose channel is `<prefix>:events`.
    pub fn with_prefix(url: &str, prefix: &str) -> Result<Self, BackplaneError> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        Ok(Self {
            pool: pool(url).map_err(BackplaneError::Unavailable)?,
            client,
            channel: channel_name(prefix),
        })
    }

    /// The Redis channel envelopes travel on.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// One subscription, from connecting until it fails. Returns why it ended and whether it
    /// got as far as subscribing.
    async fn session(&self, sink: &dyn EnvelopeSink) -> SessionEnd {
        let pubsub = match timeout(CONNECT_TIMEOUT, self.subscribe()).await {
            Ok(Ok(pubsub)) => pubsub,
            Ok(Err(e)) => return SessionEnd::NotSubscribed(e.to_string()),
            Err(_) => return SessionEnd::NotSubscribed("timed out".into()),
        };
        tracing::info!(channel = %self.channel, "realtime backplane subscribed to Redis");
        let (mut control, mut messages) = pubsub.split();
        let mut health = tokio::time::interval_at(Instant::now() + HEALTH_EVERY, HEALTH_EVERY);
        loop {
            tokio::select! {
                msg = messages.next() => match msg {
                    Some(msg) => deliver(msg.get_payload_bytes(), sink),
                    None => return SessionEnd::Lost("connection closed".into()),
                },
                _ = health.tick() => {
                    match timeout(COMMAND_TIMEOUT, control.ping::<redis::Value>()).await {
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => return SessionEnd::Lost(e.to_string()),
                        Err(_) => return SessionEnd::Lost("no answer to PING".into()),
                    }
                }
            }
        }
    }

    async fn subscribe(&self) -> redis::RedisResult<PubSub> {
        let mut pubsub = self.client.get_async_pubsub().await?;
        pubsub.subscribe(&self.channel).await?;
        Ok(pubsub)
    }
}

#[async_trait]
impl Backplane for RedisBackplane {
    async fn publish(&self, envelope: &Envelope) -> Result<(), BackplaneError> {
        let text = serde_json::to_string(envelope)
            .map_err(|e| BackplaneError::Unavailable(format!("envelope not serialisable: {e}")))?;
        let send = async {
            let mut conn = self.pool.get().await.map_err(unavailable)?;
            redis::cmd("PUBLISH")
                .arg(&self.channel)
                .arg(text)
                .query_async::<i64>(&mut conn)
                .await
                .map_err(unavailable)
        };
        match timeout(COMMAND_TIMEOUT, send).await {
            Ok(result) => result.map(|_receivers| ()),
            Err(_) => Err(BackplaneError::Unavailable("PUBLISH timed out".into())),
        }
    }

    async fn run(&self, sink: Arc<dyn EnvelopeSink>) {
        let mut backoff = Backoff::default();
        loop {
            let started = Instant::now();
            match self.session(sink.as_ref()).await {
                SessionEnd::NotSubscribed(reason) => {
                    tracing::warn!(channel = %self.channel, %reason, "realtime backplane cannot subscribe to Redis");
                }
                SessionEnd::Lost(reason) => {
                    tracing::warn!(channel = %self.channel, %reason, "realtime backplane lost its Redis subscription");
                    if started.elapsed() >= STABLE_AFTER {
                        backoff.reset();
                    }
                }
            }
            let delay = backoff.next_delay();
            tracing::info!(?delay, "realtime backplane reconnecting to Redis");
            sleep(delay).await;
        }
    }
}

/// Why a subscription ended.
enum SessionEnd {
    /// Connecting or subscribing failed.
    NotSubscribed(String),
    /// The subscription was up, then broke.
    Lost(String),
}

/// The channel of a prefix.
fn channel_name(prefix: &str) -> String {
    format!("{}:{EVENTS_SUFFIX}", prefix.trim_end_matches(':'))
}

/// Decodes one message and hands it to the sink; a malformed one is logged and skipped.
fn deliver(payload: &[u8], sink: &dyn EnvelopeSink) {
    match serde_json::from_slice::<Envelope>(payload) {
        Ok(envelope) => sink.deliver(envelope),
        Err(e) => tracing::warn!(
            error = %e,
            bytes = payload.len(),
            "malformed realtime envelope from Redis skipped"
        ),
    }
}

fn unavailable(e: impl std::fmt::Display) -> BackplaneError {
    BackplaneError::Unavailable(e.to_string())
}

/// A deadpool-redis pool on `url` whose waits are bounded, so that an unreachable server
/// fails a command after [`COMMAND_TIMEOUT`] instead of holding it. Nothing connects yet.
pub(crate) fn pool(url: &str) -> Result<Pool, String> {
    let mut config = deadpool_redis::Config::from_url(url);
    config.pool = Some(PoolConfig {
        timeouts: Timeouts {
            wait: Some(COMMAND_TIMEOUT),
            create: Some(COMMAND_TIMEOUT),
            recycle: Some(COMMAND_TIMEOUT),
        },
        ..PoolConfig::default()
    });
    config
        .create_pool(Some(Runtime::Tokio1))
        .map_err(|e| format!("invalid Redis configuration: {e}"))
}

/// Capped exponential backoff: 100 ms, 200 ms, 400 ms … 5 s.
#[derive(Debug)]
struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { next: BACKOFF_MIN }
    }
}

impl Backoff {
    /// The delay before the next attempt; doubles the one after.
    fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (delay * 2).min(BACKOFF_MAX);
        delay
    }

    /// Starts again from the shortest delay.
    fn reset(&mut self) {
        self.next = BACKOFF_MIN;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use serde_json::json;

    use super::*;

    #[derive(Default)]
    struct Collect(Mutex<Vec<Envelope>>);

    impl EnvelopeSink for Collect {
        fn deliver(&self, envelope: Envelope) {
            self.0.lock().unwrap().push(envelope);
        }
    }

    #[test]
    fn backoff_doubles_up_to_five_seconds_and_resets() {
        let mut b = Backoff::default();
        let delays: Vec<u128> = (0..9).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
        b.reset();
        assert_eq!(b.next_delay(), BACKOFF_MIN);
    }

    #[test]
    fn channel_is_namespaced() {
        assert_eq!(channel_name(DEFAULT_PREFIX), "tiktickets:realtime:events");
        assert_eq!(channel_name("t:1:"), "t:1:events");
    }

    #[test]
    fn malformed_messages_are_skipped_and_good_ones_delivered() {
        let sink = Collect::default();
        let envelope = Envelope {
            tenant: 1,
            room: "tenant:1".into(),
            event: "1:ticketList".into(),
            payload: json!({"type": "chat:create"}),
        };
        deliver(b"not json", &sink);
        deliver(br#"{"tenant":"x"}"#, &sink);
        deliver(b"", &sink);
        deliver(&serde_json::to_vec(&envelope).unwrap(), &sink);
        assert_eq!(*sink.0.lock().unwrap(), vec![envelope]);
    }

    #[test]
    fn a_malformed_url_is_refused() {
        assert!(RedisBackplane::new("not a url").is_err());
        assert!(RedisBackplane::new("redis://127.0.0.1:6379").is_ok());
    }
}
