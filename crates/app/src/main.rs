//! The `tiktickets` binary: reads the configuration, then runs one subcommand.

use clap::Parser;
use tiktickets_app::cli::{Cli, Command};
use tiktickets_app::settings::Settings;
use tiktickets_app::{bench, commands, serve};
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load()?;
    let filter =
        EnvFilter::try_from_default_env().or_else(|_| EnvFilter::try_new(&settings.log.filter))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    actix_web::rt::System::new().block_on(run(cli, settings))
}

async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { host, port } => serve::serve(settings, host, port).await,
        Command::Migrate { action } => commands::migrate(&settings, action).await,
        Command::Seed => commands::seed_command(&settings).await,
        Command::CreateTenant {
            name,
            admin_email,
            admin_password,
        } => {
            commands::create_tenant(&settings, &name, &admin_email, admin_password.as_deref()).await
        }
        Command::Bench { what } => bench::run(&settings, what).await,
    }
}
