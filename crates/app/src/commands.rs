//! The non-serving subcommands: migrate, seed, create-tenant.

use anyhow::Context;
use tiktickets_persistence::{Db, SeedConfig, SeedOutcome, SeededUser, provision_tenant, seed};

use crate::cli::MigrateAction;
use crate::settings::Settings;

/// Opens the configured database.
pub async fn open_db(settings: &Settings) -> anyhow::Result<Db> {
    Db::connect(&settings.database.url)
        .await
        .with_context(|| format!("opening {}", settings.redacted_database_url()))
}

/// `tiktickets migrate up|down|status`.
pub async fn migrate(settings: &Settings, action: MigrateAction) -> anyhow::Result<()> {
    let db = open_db(settings).await?;
    match action {
        MigrateAction::Up => {
            db.migrate_up().await?;
            println!("migrations applied");
        }
        MigrateAction::Down { steps } => {
            db.migrate_down(steps).await?;
            println!("migrations reverted");
        }
        MigrateAction::Status => {
            for m in db.migration_status().await? {
                println!(
                    "{} {}",
                    if m.applied { "applied" } else { "pending" },
                    m.name
                );
            }
        }
    }
    db.close().await?;
    Ok(())
}

/// The seed's users from configuration (empty passwords mean "generate").
pub fn seed_config(settings: &Settings) -> SeedConfig {
    let non_empty = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    SeedConfig {
        admin_email: settings.seed.admin_email.clone(),
        admin_password: non_empty(&settings.seed.admin_password),
        super_email: settings.seed.super_email.clone(),
        super_password: non_empty(&settings.seed.super_password),
    }
}

/// Applies the seed and prints how to log in.
pub async fn run_seed(settings: &Settings, db: &Db) -> anyhow::Result<()> {
    match seed(db, &seed_config(settings)).await? {
        SeedOutcome::Applied { tenant, users } => {
            println!("Seeded the default tenant (id {tenant}). Log in with:");
            for user in &users {
                print_login(user, "TIKTICKETS__SEED__*_PASSWORD");
            }
        }
        SeedOutcome::AlreadyApplied => {
            println!(
                "Log in as {} (tenant admin) or {} (super-admin) with the password printed on the \
                 first start or set in TIKTICKETS__SEED__*_PASSWORD.",
                settings.seed.admin_email, settings.seed.super_email
            );
        }
    }
    Ok(())
}

fn print_login(user: &SeededUser, source: &str) {
    match &user.generated_password {
        Some(password) => println!(
            "  {}  password: {password}   (generated now and shown only once: write it down)",
            user.email
        ),
        None => println!("  {}  password: as configured in {source}", user.email),
    }
}

/// `tiktickets seed`.
pub async fn seed_command(settings: &Settings) -> anyhow::Result<()> {
    let db = open_db(settings).await?;
    db.migrate_up().await?;
    run_seed(settings, &db).await?;
    db.close().await?;
    Ok(())
}

/// `tiktickets create-tenant`.
pub async fn create_tenant(
    settings: &Settings,
    name: &str,
    admin_email: &str,
    admin_password: Option<&str>,
) -> anyhow::Result<()> {
    let db = open_db(settings).await?;
    db.migrate_up().await?;
    let created = provision_tenant(&db, name, admin_email, admin_password).await?;
    println!("Created tenant {} ({name}); its admin:", created.tenant);
    print_login(&created.admin_login, "--admin-password");
    db.close().await?;
    Ok(())
}
