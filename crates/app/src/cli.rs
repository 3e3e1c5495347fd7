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
