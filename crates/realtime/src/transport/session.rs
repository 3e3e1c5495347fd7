//! One long-polling session: its [`Connection`] (the Socket.IO state, transport-agnostic), the
//! queue of frames waiting for the next GET, the server's ping schedule, and the hand-over of
//! all of it to a WebSocket on upgrade.
//!
//! Lifecycle: opened by a GET without `sid` (registered, heartbeat task started) → polled
//! (GET) and fed (POST) → either closed (close packet, Socket.IO disconnect, ping timeout,
//! protocol error, overlapping requests: unregistered, rooms left) or upgraded (the WebSocket
//! takes the connection and the queue; the id stays registered, refusing polling requests,
//! until that WebSocket ends).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::{Mutex as AsyncMutex, Notify, mpsc, watch};
use tokio::time::{Instant, sleep_until};

use crate::connection::{Connection, Flow};
use crate::gateway::Gateway;
use crate::hub::Frame;
use crate::protocol::engine::{EnginePacket, Handshake, RECORD_SEPARATOR, encode_payload};
use crate::transport::heartbeat::{Beat, Heartbeat};
use crate::transport::sessions::registry;
use crate::transport::status::Status;
use crate::transport::{millis, new_sid};

/// The answer to a GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollAnswer {
    /// A payload for the client: queued packets, `6` during an upgrade, ending with `1` when
    /// the session closed while the GET waited.
    Payload(String),
    /// Another GET was pending: the session is closed.
    Overlap,
    /// The session no longer serves polling.
    NotPolling(Status),
}

/// The answer to a POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostAnswer {
    /// The packets were handled (answer `ok`).
    Ok,
    /// Another POST was in progress: the session is closed.
    Overlap,
    /// The session no longer serves polling.
    NotPolling(Status),
}

/// One long-polling session.
pub struct PollingSession {
    sid: String,
    gateway: Gateway,
    status: watch::Sender<Status>,
    conn: AsyncMutex<Option<Connection>>,
    outgoing: AsyncMutex<Option<mpsc::Receiver<Frame>>>,
    tx: mpsc::Sender<Frame>,
    heartbeat: Mutex<Heartbeat>,
    /// Wakes the heartbeat task when a pong moves its deadline.
    ponged: Notify,
    get_pending: AtomicBool,
    post_pending: AtomicBool,
}

/// Holds one of the "request in progress" flags; released on drop, also when the request's
/// future is dropped.
struct Slot<'a>(&'a AtomicBool);

impl<'a> Slot<'a> {
    fn claim(flag: &'a AtomicBool) -> Option<Slot<'a>> {
        flag.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| Slot(flag))
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

fn packet(p: EnginePacket) -> Frame {
    Frame::from(p.encode())
}

/// Applies `rule` to the status; true when it allowed the change.
fn transition(status: &watch::Sender<Status>, rule: fn(Status) -> Option<Status>) -> bool {
    status.send_if_modified(|s| match rule(*s) {
        Some(next) => {
            *s = next;
            true
        }
        None => false,
    })
}

impl PollingSession {
    /// A new session with a fresh id, registered; `base` is the handshake's `scheme://host`.
    /// Call [`PollingSession::start`] to run its heartbeat.
    pub fn open(gateway: Gateway, base: String) -> Arc<PollingSession> {
        let config = gateway.config();
        let sid = new_sid();
        let (tx, rx) = mpsc::channel(config.socket_buffer.max(1));
        let heartbeat = Heartbeat::new(Instant::now(), config.ping_interval, config.ping_timeout);
        let conn = Connection::new(gateway.clone(), sid.clone(), base, tx.clone());
        let session = Arc::new(PollingSession {
            sid,
            gateway,
            status: watch::Sender::new(Status::Polling),
            conn: AsyncMutex::new(Some(conn)),
            outgoing: AsyncMutex::new(Some(rx)),
            tx,
            heartbeat: Mutex::new(heartbeat),
            ponged: Notify::new(),
            get_pending: AtomicBool::new(false),
            post_pending: AtomicBool::new(false),
        });
        registry().insert(Arc::clone(&session));
        session
    }

    /// The Engine.IO session id.
    pub fn sid(&self) -> &str {
        &self.sid
    }

    /// True when the session was opened through `gateway`.
    pub fn belongs_to(&self, gateway: &Gateway) -> bool {
        Arc::ptr_eq(&self.gateway.inner, &gateway.inner)
    }

    /// The current status.
    pub fn status(&self) -> Status {
        *self.status.borrow()
    }

    /// The `open` packet: polling sessions may upgrade to a WebSocket.
    pub fn handshake(&self) -> String {
        let config = self.gateway.config();
        Handshake {
            sid: self.sid.clone(),
            upgrades: vec!["websocket"],
            ping_interval: millis(config.ping_interval),
            ping_timeout: millis(config.ping_timeout),
            max_payload: config.max_payload,
        }
        .packet()
    }

    fn heartbeat(&self) -> MutexGuard<'_, Heartbeat> {
        self.heartbeat
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs the heartbeat on the current runtime until the session closes or upgrades: a ping
    /// every ping interval, closing when one stays unanswered for the ping timeout.
    pub fn start(self: &Arc<Self>) {
        let session = Arc::clone(self);
        actix_web::rt::spawn(async move { session.beat().await });
    }

    async fn beat(&self) {
        let mut status = self.status.subscribe();
        loop {
            if !status.borrow_and_update().serves_polling() {
                return;
            }
            let deadline = self.heartbeat().deadline();
            tokio::select! {
                () = sleep_until(deadline) => {
                    let due = self.heartbeat().poll(Instant::now());
                    match due {
                        Some(Beat::Ping) => {
                            let overdue = self
                                .conn
                                .lock()
                                .await
                                .as_ref()
                                .is_some_and(Connection::connect_overdue);
                            if overdue {
                                tracing::debug!(sid = %self.sid, "polling session: no CONNECT in time");
                                self.close().await;
                                return;
                            }
                            let _ = self.tx.try_send(packet(EnginePacket::Ping(String::new())));
                        }
                        Some(Beat::Timeout) => {
                            tracing::debug!(sid = %self.sid, "polling session: ping timeout");
                            self.close().await;
                            return;
                        }
                        None => {}
                    }
                }
                () = self.ponged.notified() => {}
                changed = status.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// A GET: waits until packets are queued (a ping comes every ping interval), then answers
    /// all of them in one payload.
    pub async fn poll(&self) -> PollAnswer {
        let Some(_slot) = Slot::claim(&self.get_pending) else {
            tracing::debug!(sid = %self.sid, "polling session: overlapping GET");
            self.close().await;
            return PollAnswer::Overlap;
        };
        let mut status = self.status.subscribe();
        if !status.borrow_and_update().serves_polling() {
            return PollAnswer::NotPolling(self.status());
        }
        let mut outgoing = self.outgoing.lock().await;
        let Some(rx) = outgoing.as_mut() else {
            return PollAnswer::NotPolling(self.status());
        };
        let mut packets: Vec<Frame> = Vec::new();
        loop {
            let now = *status.borrow_and_update();
            if now == Status::Upgraded {
                // What is still queued now goes out on the WebSocket.
                if packets.is_empty() {
                    packets.push(packet(EnginePacket::Noop));
                }
                break;
            }
            while let Ok(frame) = rx.try_recv() {
                packets.push(frame);
            }
            match now {
                Status::Closed => {
                    packets.push(packet(EnginePacket::Close));
                    break;
                }
                Status::Probed | Status::Upgraded => {
                    if packets.is_empty() {
                        packets.push(packet(EnginePacket::Noop));
                    }
                    break;
                }
                Status::Polling | Status::Upgrading if !packets.is_empty() => break,
                Status::Polling | Status::Upgrading => {}
            }
            tokio::select! {
                frame = rx.recv() => match frame {
                    Some(frame) => packets.push(frame),
                    None => {
                        packets.push(packet(EnginePacket::Close));
                        break;
                    }
                },
                changed = status.changed() => {
                    if changed.is_err() {
                        packets.push(packet(EnginePacket::Close));
                        break;
                    }
                }
            }
        }
        PollAnswer::Payload(encode_payload(packets.iter().map(|p| &**p)))
    }

    /// A POST: feeds each packet of the payload to the connection, in order.
    pub async fn post(&self, body: &str) -> PostAnswer {
        let Some(_slot) = Slot::claim(&self.post_pending) else {
            tracing::debug!(sid = %self.sid, "polling session: overlapping POST");
            self.close().await;
            return PostAnswer::Overlap;
        };
        if !self.status().serves_polling() {
            return PostAnswer::NotPolling(self.status());
        }
        let mut close = false;
        {
            let mut conn = self.conn.lock().await;
            let Some(conn) = conn.as_mut() else {
                return PostAnswer::NotPolling(self.status());
            };
            for text in body.split(RECORD_SEPARATOR).filter(|p| !p.is_empty()) {
                match conn.on_text(text).await {
                    Flow::Continue => {}
                    Flow::Pong => {
                        self.heartbeat().pong();
                        self.ponged.notify_one();
                    }
                    Flow::Close => {
                        close = true;
                        break;
                    }
                }
            }
        }
        if close {
            self.close().await;
        }
        PostAnswer::Ok
    }

    /// Closes the session (once): forgets its id, ends a pending GET with `1`, and closes the
    /// connection (rooms, presence). Does nothing once upgraded: the WebSocket owns it then.
    pub async fn close(&self) {
        if !transition(&self.status, Status::close) {
            return;
        }
        registry().remove(&self.sid);
        let conn = self.conn.lock().await.take();
        if let Some(mut conn) = conn {
            conn.close().await;
        }
    }

    /// A WebSocket with this id opened; false when the session is not plain polling.
    pub fn begin_upgrade(&self) -> bool {
        transition(&self.status, Status::begin_upgrade)
    }

    /// The WebSocket answered the probe: the pending GET is ended so the client can pause.
    pub fn probed(&self) -> bool {
        transition(&self.status, Status::probed)
    }

    /// The WebSocket failed before the upgrade: back to polling.
    pub fn cancel_upgrade(&self) {
        transition(&self.status, Status::cancel_upgrade);
    }

    /// The client sent `5`: hands the connection and its queue (frames not yet polled
    /// included) to the WebSocket. `None` when the session closed meanwhile.
    pub async fn finish_upgrade(&self) -> Option<(Connection, mpsc::Receiver<Frame>)> {
        if !transition(&self.status, Status::finish_upgrade) {
            return None;
        }
        let conn = self.conn.lock().await.take();
        let rx = self.outgoing.lock().await.take();
        match (conn, rx) {
            (Some(conn), Some(rx)) => Some((conn, rx)),
            (conn, _) => {
                if let Some(mut conn) = conn {
                    conn.close().await;
                }
                self.forget();
                None
            }
        }
    }

    /// Forgets the id (the upgraded WebSocket ended).
    pub fn forget(&self) {
        registry().remove(&self.sid);
    }
}
