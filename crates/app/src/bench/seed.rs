//! `tiktickets bench seed`: bulk-generates realistic bench tenants (contacts, tickets,
//! messages) into the configured database; see `tiktickets_persistence::bench_seed`.
//!
//! Progress goes to stderr; stdout gets the figures and, last, the summary line
//! `seed: tenants=<n> contacts=<n> tickets=<n> messages=<n> seconds=<s.ss> rows_per_s=<n>`.

use std::time::Instant;

use anyhow::Context;
use tiktickets_persistence::bench_seed::{
    AGENTS_PER_TENANT, BENCH_PASSWORD, BenchPlan, bench_admin_email, bench_agent_email,
    bench_analyze, bench_seed_with_progress, bench_tenant_name,
};

use crate::commands::{open_db, run_seed};
use crate::settings::Settings;

/// Runs `bench seed`.
pub async fn run(
    settings: &Settings,
    tenants: u32,
    contacts: u64,
    tickets: u64,
    messages: u64,
) -> anyhow::Result<()> {
    let plan = BenchPlan {
        tenants,
        contacts,
        tickets,
        messages,
    };
    // Refuse bad arguments before touching the database.
    plan.validate().context("bench seed: invalid arguments")?;
    let db = open_db(settings).await?;
    db.migrate_up().await.context("bench seed: migrating")?;
    run_seed(settings, &db).await?;
    eprintln!(
        "bench seed: {tenants} tenants, {contacts} contacts, {tickets} tickets, {messages} \
         messages into {} ({})",
        settings.redacted_database_url(),
        db.backend().as_str()
    );
    let report = bench_seed_with_progress(&db, &plan, &|line: &str| eprintln!("{line}"))
        .await
        .context("bench seed failed")?;
    let analyzed = Instant::now();
    bench_analyze(&db)
        .await
        .context("bench seed: refreshing statistics")?;
    let analyze_secs = analyzed.elapsed().as_secs_f64();
    db.close().await?;

    println!("database: {}", settings.redacted_database_url());
    println!(
        "tenants: {} ('{}' .. '{}'), each with 1 connected WhatsApp channel, 3 queues, \
         1 admin and {AGENTS_PER_TENANT} agents",
        report.tenants,
        bench_tenant_name(1),
        bench_tenant_name(report.tenants)
    );
    println!(
        "logins: {} / {} ... (password '{BENCH_PASSWORD}')",
        bench_admin_email(1),
        bench_agent_email(1, 1)
    );
    println!("users: {}  queues: {}", report.users, report.queues);
    println!(
        "tickets: {} open, {} pending, {} closed",
        report.open, report.pending, report.closed
    );
    println!(
        "tenant 1: {} contacts, {} tickets, {} messages",
        plan.share(1).contacts,
        plan.share(1).tickets,
        plan.share(1).messages
    );
    println!("statistics refresh (not in seconds): {analyze_secs:.2} s");
    println!(
        "seed: tenants={} contacts={} tickets={} messages={} seconds={:.2} rows_per_s={:.0}",
        report.tenants,
        report.contacts,
        report.tickets,
        report.messages,
        report.elapsed.as_secs_f64(),
        report.rows_per_second()
    );
    Ok(())
}
