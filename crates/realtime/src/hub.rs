//! The sockets of this instance and the rooms they joined: the local half of every delivery.
//! A frame is serialised once per event (and once more per distinct public base URL when
//! media links must be made absolute per request host), then queued to each socket.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use bytestring::ByteString;

use tiktickets_domain::ids::{TenantId, UserId};
use tokio::sync::mpsc;

use crate::backplane::{Envelope, EnvelopeSink};
use crate::protocol::socketio::event_frame;
use crate::rooms;

/// The text of one Engine.IO packet, shared by every socket it goes to: a reference-counted
/// string the WebSocket writer takes as is, so a fan-out copies no text per socket.
pub type Frame = ByteString;

/// A socket connected to this instance.
#[derive(Debug, Clone)]
pub struct LocalSocket {
    /// Its tenant.
    pub tenant: TenantId,
    /// Its user.
    pub user: UserId,
    /// The user's name (presence lists).
    pub name: String,
    /// `scheme://host` of the handshake request, for media links.
    pub base: String,
    /// Its outgoing queue.
    pub tx: mpsc::Sender<Frame>,
}

#[derive(Default)]
struct State {
    sockets: HashMap<String, LocalSocket>,
    rooms: HashMap<String, HashSet<String>>,
    joined: HashMap<String, HashSet<String>>,
}

/// Local sockets by id and by room.
#[derive(Default)]
pub struct Hub {
    state: RwLock<State>,
    /// When set, media paths in payloads are already absolute.
    absolute_links: bool,
}

/// The marker of a media path that still needs the socket's base URL.
const RELATIVE_MEDIA: &str = "\"mediaUrl\":\"/public/media/";

impl Hub {
    /// A hub; `absolute_links` when a public URL is configured.
    pub fn new(absolute_links: bool) -> Self {
        Self {
            state: RwLock::default(),
            absolute_links,
        }
    }

    /// Registers a socket and puts it in its tenant's room.
    pub fn add(&self, sid: &str, socket: LocalSocket) {
        let room = rooms::tenant(socket.tenant);
        if let Ok(mut s) = self.state.write() {
            s.sockets.insert(sid.to_owned(), socket);
        }
        self.join(sid, &room);
    }

    /// Removes a socket from every room; returns it.
    pub fn remove(&self, sid: &str) -> Option<LocalSocket> {
        let mut s = self.state.write().ok()?;
        if let Some(joined) = s.joined.remove(sid) {
            for room in joined {
                if let Some(members) = s.rooms.get_mut(&room) {
                    members.remove(sid);
                    if members.is_empty() {
                        s.rooms.remove(&room);
                    }
                }
            }
        }
        s.sockets.remove(sid)
    }

    /// Puts a socket in a room of its own tenant (idempotent); other tenants' rooms are
    /// refused.
    pub fn join(&self, sid: &str, room: &str) -> bool {
        let Ok(mut s) = self.state.write() else {
            return false;
        };
        let Some(socket) = s.sockets.get(sid) else {
            return false;
        };
        if !rooms::belongs_to(room, socket.tenant.get()) {
            return false;
        }
        s.rooms
            .entry(room.to_owned())
            .or_default()
            .insert(sid.to_owned());
        s.joined
            .entry(sid.to_owned())
            .or_default()
            .insert(room.to_owned());
        true
    }

    /// Takes a socket out of a room.
    pub fn leave(&self, sid: &str, room: &str) {
        if let Ok(mut s) = self.state.write() {
            if let Some(members) = s.rooms.get_mut(room) {
                members.remove(sid);
            }
            if let Some(joined) = s.joined.get_mut(sid) {
                joined.remove(room);
            }
        }
    }

    /// How many sockets this instance holds.
    pub fn len(&self) -> usize {
        self.state.read().map(|s| s.sockets.len()).unwrap_or(0)
    }

    /// True when no socket is connected here.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The users connected here for a tenant, with their names.
    pub fn users_of(&self, tenant: TenantId) -> Vec<(UserId, String)> {
        let Ok(s) = self.state.read() else {
            return Vec::new();
        };
        let mut users: Vec<(UserId, String)> = s
            .sockets
            .values()
            .filter(|k| k.tenant == tenant)
            .map(|k| (k.user, k.name.clone()))
            .collect();
        users.sort_by_key(|(u, _)| *u);
        users.dedup_by_key(|(u, _)| *u);
        users
    }

    /// True when `user` still has a socket here.
    pub fn user_connected(&self, tenant: TenantId, user: UserId) -> bool {
        self.state.read().is_ok_and(|s| {
            s.sockets
                .values()
                .any(|k| k.tenant == tenant && k.user == user)
        })
    }

    /// Queues a frame to one socket.
    pub fn send_to(&self, sid: &str, frame: Frame) {
        let tx = self
            .state
            .read()
            .ok()
            .and_then(|s| s.sockets.get(sid).map(|k| k.tx.clone()));
        if let Some(tx) = tx {
            let _ = tx.try_send(frame);
        }
    }

    /// Queues an envelope's frame to every local socket of its room (and of its tenant only).
    pub fn deliver_envelope(&self, envelope: &Envelope) {
        if !rooms::belongs_to(&envelope.room, envelope.tenant) {
            tracing::error!(room = %envelope.room, tenant = envelope.tenant, "envelope room outside its tenant; dropped");
            return;
        }
        let frame = event_frame(&envelope.event, &envelope.payload);
        let needs_base = !self.absolute_links && frame.contains(RELATIVE_MEDIA);
        // Only the senders are collected (and the base URLs only when links need them), so the
        // lock is held briefly and nothing is allocated per socket.
        let mut targets: Vec<(mpsc::Sender<Frame>, Option<String>)> = Vec::new();
        match self.state.read() {
            Ok(s) => {
                if let Some(members) = s.rooms.get(&envelope.room) {
                    targets.reserve(members.len());
                    targets.extend(
                        members
                            .iter()
                            .filter_map(|sid| s.sockets.get(sid))
                            .filter(|k| k.tenant.get() == envelope.tenant)
                            .map(|k| (k.tx.clone(), needs_base.then(|| k.base.clone()))),
                    );
                }
            }
            Err(_) => return,
        }
        let mut per_base: HashMap<String, Frame> = HashMap::new();
        let shared = Frame::from(frame.clone());
        for (tx, base) in targets {
            let frame = match base {
                Some(base) => per_base
                    .entry(base)
                    .or_insert_with_key(|base| {
                        Frame::from(frame.replace(
                            RELATIVE_MEDIA,
                            &format!("\"mediaUrl\":\"{base}/public/media/"),
                        ))
                    })
                    .clone(),
                None => shared.clone(),
            };
            if tx.try_send(frame).is_err() {
                tracing::warn!(room = %envelope.room, "a socket's queue is full; event dropped for it");
            }
        }
    }
}

impl EnvelopeSink for Hub {
    fn deliver(&self, envelope: Envelope) {
        self.deliver_envelope(&envelope);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn socket(tenant: i32, user: i32) -> (LocalSocket, mpsc::Receiver<Frame>) {
        let (tx, rx) = mpsc::channel(8);
        (
            LocalSocket {
                tenant: TenantId::from_verified(tenant),
                user: UserId::new(user),
                name: format!("u{user}"),
                base: "http://h".into(),
                tx,
            },
            rx,
        )
    }

    #[test]
    fn delivers_to_the_room_and_never_to_another_tenant() {
        let hub = Hub::new(false);
        let (a, mut ra) = socket(1, 1);
        let (b, mut rb) = socket(2, 2);
        hub.add("a", a);
        hub.add("b", b);
        assert!(
            !hub.join("a", "tenant:2"),
            "a socket cannot join another tenant's room"
        );
        hub.deliver_envelope(&Envelope {
            tenant: 1,
            room: "tenant:1".into(),
            event: "1:ticketList".into(),
            payload: json!({"type": "chat:create", "payload": {"mediaUrl": "/public/media/1/x.png"}}),
        });
        let got = ra.try_recv().map(|f| f.to_string()).unwrap_or_default();
        assert!(got.starts_with("42[\"1:ticketList\""), "{got}");
        assert!(got.contains("http://h/public/media/1/x.png"), "{got}");
        assert!(rb.try_recv().is_err());
        // An envelope whose room is outside its tenant is dropped.
        hub.deliver_envelope(&Envelope {
            tenant: 2,
            room: "tenant:1".into(),
            event: "x".into(),
            payload: json!(null),
        });
        assert!(ra.try_recv().is_err());
        hub.remove("a");
        assert_eq!(hub.len(), 1);
    }
}
