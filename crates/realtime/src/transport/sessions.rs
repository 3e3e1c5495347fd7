//! The long-polling sessions of this process, by Engine.IO session id.
//!
//! The registry is process-wide because the HTTP server runs one app per worker thread while a
//! client's requests may land on any worker; the session ids are random UUIDs, and a lookup
//! only answers sessions opened through the same [`Gateway`], so two gateways in one process
//! (tests) never see each other's sessions. Entries leave on close, on ping timeout (each
//! session's heartbeat) and when an upgraded WebSocket ends.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use crate::gateway::Gateway;
use crate::transport::session::PollingSession;

/// Sessions by id.
#[derive(Default)]
pub struct Registry {
    sessions: Mutex<HashMap<String, Arc<PollingSession>>>,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::default);

/// The registry of this process.
pub fn registry() -> &'static Registry {
    &REGISTRY
}

impl Registry {
    fn map(&self) -> MutexGuard<'_, HashMap<String, Arc<PollingSession>>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a session under its id.
    pub fn insert(&self, session: Arc<PollingSession>) {
        self.map().insert(session.sid().to_owned(), session);
    }

    /// The session `sid` opened through `gateway`.
    pub fn get(&self, gateway: &Gateway, sid: &str) -> Option<Arc<PollingSession>> {
        self.map()
            .get(sid)
            .filter(|s| s.belongs_to(gateway))
            .cloned()
    }

    /// True when `sid` is registered (whatever its gateway).
    pub fn contains(&self, sid: &str) -> bool {
        self.map().contains_key(sid)
    }

    /// Forgets `sid`.
    pub fn remove(&self, sid: &str) -> Option<Arc<PollingSession>> {
        self.map().remove(sid)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use async_trait::async_trait;
    use tiktickets_domain::access::{MediaLinks, TokenVerifier, VerifiedSession};
    use tiktickets_domain::error::{DomainError, Result};
    use tiktickets_domain::ids::TenantId;

    use super::*;
    use crate::backplane::InProcessBackplane;
    use crate::gateway::GatewayConfig;
    use crate::presence::InMemoryPresence;
    use crate::transport::session::{PollAnswer, PostAnswer};
    use crate::transport::status::Status;

    struct NoTokens;

    #[async_trait]
    impl TokenVerifier for NoTokens {
        async fn verify(&self, _token: &str) -> Result<VerifiedSession> {
            Err(DomainError::forbidden("ERR_INVALID_TOKEN", "no"))
        }
    }

    impl MediaLinks for NoTokens {
        fn media_path(&self, _tenant: TenantId, _file_name: &str) -> Option<String> {
            None
        }
    }

    fn gateway() -> Gateway {
        Gateway::new(
            GatewayConfig::default(),
            Arc::new(NoTokens),
            Arc::new(NoTokens),
            Arc::new(InProcessBackplane::default()),
            Arc::new(InMemoryPresence::default()),
        )
    }

    #[tokio::test]
    async fn a_session_is_found_only_through_its_gateway_until_closed() {
        let (mine, other) = (gateway(), gateway());
        let session = PollingSession::open(mine.clone(), "http://h".into());
        let sid = session.sid().to_owned();
        assert!(registry().get(&mine, &sid).is_some());
        assert!(registry().get(&other, &sid).is_none());
        assert!(session.handshake().contains(r#""upgrades":["websocket"]"#));
        session.close().await;
        assert_eq!(session.status(), Status::Closed);
        assert!(!registry().contains(&sid));
        // A GET after the close is refused; one that was waiting would get `1`.
        assert_eq!(session.poll().await, PollAnswer::NotPolling(Status::Closed));
        assert_eq!(
            session.post("3").await,
            PostAnswer::NotPolling(Status::Closed)
        );
    }

    #[tokio::test]
    async fn a_pending_get_is_ended_by_the_close() {
        let session = PollingSession::open(gateway(), "http://h".into());
        let waiting = {
            let session = Arc::clone(&session);
            tokio::spawn(async move { session.poll().await })
        };
        tokio::task::yield_now().await;
        session.post("1").await;
        assert_eq!(waiting.await.ok(), Some(PollAnswer::Payload("1".into())));
    }

    #[tokio::test]
    async fn the_upgrade_hands_over_connection_and_queue() {
        let session = PollingSession::open(gateway(), "http://h".into());
        let sid = session.sid().to_owned();
        assert!(session.begin_upgrade());
        assert!(!session.begin_upgrade());
        // A connect attempt with a bad token queues its refusal.
        assert_eq!(session.post(r#"40{"token":"x"}"#).await, PostAnswer::Ok);
        assert!(session.probed());
        // During the probe a GET answers at once with what is queued.
        let PollAnswer::Payload(answer) = session.poll().await else {
            panic!("a payload");
        };
        assert!(answer.starts_with("44"), "{answer}");
        assert_eq!(session.poll().await, PollAnswer::Payload("6".into()));
        let taken = session.finish_upgrade().await;
        assert!(taken.is_some());
        assert_eq!(
            session.poll().await,
            PollAnswer::NotPolling(Status::Upgraded)
        );
        assert!(registry().contains(&sid));
        session.forget();
        assert!(!registry().contains(&sid));
    }
}
