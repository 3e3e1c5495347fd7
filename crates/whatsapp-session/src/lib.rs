//! WhatsApp Web sessions driven over CDP (chromiumoxide), the injected page bridge, and the
//! session manager. The page-side JavaScript lives in `assets/`; the protocol between the two is
//! described in `docs/whatsapp-bridge-protocol.md`.
//!
//! - [`browser`] launches Chromium on a channel's persistent profile; [`bridge`] talks to the
//!   injected JavaScript (events in through one binding, commands out through one dispatcher).
//! - [`manager::SessionManager`] runs one session task per channel, implements the
//!   domain's `SessionControl` and `WhatsAppGateway` ports, and hands what the page reports to
//!   the domain's use cases ([`normalise`]).

pub mod assets;
pub mod bridge;
pub mod browser;
pub mod config;
pub mod error;
mod inbound;
pub mod live;
pub mod manager;
pub mod media_store;
pub mod normalise;
mod outbound;
pub mod page_event;
mod session;
pub mod wa_message;

pub use config::SessionsConfig;
pub use error::{Result, SessionError};
pub use live::{Phase, SessionStatus};
pub use manager::SessionManager;
