//! The language of TikTickets: typed ids, the reference's enumerations, the rules of the
//! business (ticket states, phone numbers, business hours, protocols) and the ports that the
//! adapters implement (stores, gateways, queues). It performs no I/O and depends on no
//! database, web, Redis or browser crate; CI checks that.

pub mod access;
pub mod clock;
pub mod ctx;
pub mod enums;
pub mod error;
pub mod events;
pub mod gateway;
pub mod ids;
pub mod jobs;
pub mod leases;
pub mod media_files;
pub mod password;
pub mod sessions;
pub mod store;
pub mod validate;

pub mod business_hours;
pub mod phone;
pub mod protocol;
pub mod services;
pub mod setting_rules;
pub mod statistics;
pub mod template;
pub mod ticket_transition;

pub use ctx::{Actor, PlatformCtx, TenantCtx};
pub use error::{DomainError, Result};
