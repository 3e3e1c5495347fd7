//! Socket.IO-compatible realtime gateway over actix-ws, tenant rooms, backplane.
//!
//! Not built yet: this crate is filled by a later issue.
