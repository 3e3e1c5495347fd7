//! Job queue (Redis Streams or in-process), workers, periodic tasks under leases.
//!
//! Not built yet: this crate is filled by a later issue.
