//! SeaORM persistence for TikTickets: the schema's entities (private), the stores that
//! implement the domain's ports, database setup, and the idempotent seeds.
//!
//! Invariant: no public item lets a caller read or write tenant data without a `TenantCtx`;
//! every tenant filter is applied in `scope.rs`, and the tenant of every new row comes from the
//! context.

pub mod bench_seed;
mod db;
mod db_leases;
#[allow(
    dead_code,
    reason = "the legacy and API tables have no store yet; the schema drift test still uses them"
)]
pub(crate) mod entities;
mod error;
mod scope;
mod seed;
mod stores;

pub use db::{Backend, Db, MigrationState};
pub use db_leases::DbLeases;
pub use error::PersistenceError;
pub use seed::{
    DEFAULT_SEED, ProvisionedTenant, SeedConfig, SeedOutcome, SeededUser, provision_tenant, seed,
};
pub use stores::build_stores;
