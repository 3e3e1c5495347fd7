//! `tiktickets bench ...`: commands that measure the product on the configured database and
//! print figures (progress on stderr, figures on stdout, the summary line last). Tests only
//! check that they run and print their summary; they never assert a time.

mod fanout;
mod ingest;
mod seed;
mod stats;
mod ticket_list;

pub use stats::Latencies;

use crate::cli::BenchCommand;
use crate::settings::Settings;

/// Runs one benchmark.
pub async fn run(settings: &Settings, what: BenchCommand) -> anyhow::Result<()> {
    match what {
        BenchCommand::Seed {
            tenants,
            contacts,
            tickets,
            messages,
        } => seed::run(settings, tenants, contacts, tickets, messages).await,
        BenchCommand::Ingest {
            messages,
            concurrency,
        } => ingest::run(settings, messages, concurrency).await,
        BenchCommand::TicketList {
            requests,
            concurrency,
        } => ticket_list::run(settings, requests, concurrency).await,
        BenchCommand::Fanout { clients, messages } => {
            fanout::run(settings, clients, messages).await
        }
    }
}
