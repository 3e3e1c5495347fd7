//! The wire protocols, as pure functions: Engine.IO v4 packets (the transport frame) and
//! Socket.IO v5 packets (namespaces, events, acks) inside Engine.IO `message` packets.
//! Nothing here knows about rooms, tenants or sockets.

pub mod engine;
pub mod socketio;
