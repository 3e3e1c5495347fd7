//! WhatsApp Web sessions driven over CDP, the injected page bridge, the session manager.
//!
//! Not built yet: this crate is filled by a later issue.
