//! The command line of `tiktickets`.

use clap::{Parser, Subcommand};

/// TikTickets: multi-tenant customer service for WhatsApp.
#[derive(Debug, Parser)]
#[command(name = "tiktickets", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run migrations and seeds, then serve the API.
    Serve {
        /// Listen address (overrides server.host).
        #[arg(long)]
        host: Option<String>,
        /// Listen port (overrides server.port; 0 picks a free port).
        #[arg(long)]
        port: Option<u16>,
    },
    /// Apply, revert or list the schema migrations.
    Migrate {
        /// The migration action.
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Apply the default seed (tenant, admin, super-admin, settings, channels) if not yet applied.
    Seed,
    /// Create a tenant with its default settings and an admin user.
    CreateTenant {
        /// Company name.
        #[arg(long)]
        name: String,
        /// The admin's login e-mail.
        #[arg(long)]
        admin_email: String,
        /// The admin's password; generated and printed when omitted.
        #[arg(long)]
        admin_password: Option<String>,
    },
    /// Measure: generate data, drive ingest, the ticket list and realtime fan-out, and print
    /// figures (docs/benchmarks.md).
    Bench {
        /// The benchmark.
        #[command(subcommand)]
        what: BenchCommand,
    },
}

/// `tiktickets bench ...`. Each prints progress on stderr and its figures on stdout, the
/// summary last.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Bulk-generate realistic data into the configured database (migrated first).
    Seed {
        /// Tenants to create (each with an admin, agents, queues and a channel).
        #[arg(long, default_value_t = 10)]
        tenants: u32,
        /// Contacts, spread over the tenants.
        #[arg(long, default_value_t = 100_000)]
        contacts: u64,
        /// Tickets, spread over the tenants' contacts.
        #[arg(long, default_value_t = 100_000)]
        tickets: u64,
        /// Messages, spread over the tickets.
        #[arg(long, default_value_t = 1_000_000)]
        messages: u64,
    },
    /// Drive the domain's ingest (what a WhatsApp session calls) with inbound messages.
    Ingest {
        /// Messages to ingest.
        #[arg(long, default_value_t = 20_000)]
        messages: u64,
        /// Concurrent ingests.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// GET /tickets over HTTP as agents of a seeded tenant, with the client's usual filters.
    TicketList {
        /// Requests to make.
        #[arg(long, default_value_t = 5_000)]
        requests: u64,
        /// Concurrent requests.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// Socket.IO clients of one tenant receiving the events of messages sent through the API.
    Fanout {
        /// Connected clients.
        #[arg(long, default_value_t = 1_000)]
        clients: usize,
        /// Messages sent (each one event to every client).
        #[arg(long, default_value_t = 20)]
        messages: usize,
    },
}

/// `tiktickets migrate ...`.
#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert migrations (all of them unless --steps is given).
    Down {
        /// How many of the latest migrations to revert.
        #[arg(long)]
        steps: Option<u32>,
    },
    /// List migrations and whether each is applied.
    Status,
}
