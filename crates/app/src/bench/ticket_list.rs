//! `tiktickets bench ticket-list --requests N --concurrency C`: starts the real HTTP server in
//! this process (127.0.0.1, a free port, 2 workers, sessions off), logs in as the agents of the
//! first bench tenant and sends `GET /tickets` with the web client's usual queries
//! (client-contract.md §4.3: the `open` and `pending` tabs, 200 rows each, and the four
//! counter calls with `limit=1`), rotating over agents and queries, `C` requests in flight.
//!
//! The client runs on the binary's actix System thread; the server answers on its own two
//! worker threads. Before the requests it prints the process's resident memory after startup
//! (`idle-rss`), which includes the (still idle) bench client: `tiktickets serve` alone is what
//! the memory target is about.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{TicketStatus, UserProfile};
use tiktickets_domain::services::Services;
use tiktickets_domain::store::page::PageRequest;
use tiktickets_domain::store::tickets::TicketQuery;

use super::ingest::{BENCH_PASSWORD, BenchTenant, bench_tenants};
use super::stats::{Latencies, rate};
use crate::serve::{http_server, prepare};
use crate::settings::Settings;

/// The client's base filters of the inbox (client-contract.md §4.3).
const FILTERS: &str = "searchParam=&pageNumber=1&showAll=false&withUnreadMessages=false\
                       &isNotAssignedUser=false&includeNotQueueDefined=true";

/// The queries the inbox sends, rotated: a name and the status/group/limit part.
const QUERIES: [(&str, &str); 6] = [
    ("open tab", "status[]=open&isGroup=false"),
    ("pending tab", "status[]=pending&isGroup=false"),
    ("counter open", "status[]=open&isGroup=false&limit=1"),
    ("counter pending", "status[]=pending&isGroup=false&limit=1"),
    ("counter closed", "status[]=closed&isGroup=false&limit=1"),
    (
        "counter groups",
        "status[]=open&status[]=pending&isGroup=true&limit=1",
    ),
];

/// Server workers (the machine has two cores).
const SERVER_WORKERS: usize = 2;
/// Tenants with at most this many tickets get their messages counted (one query per ticket:
/// no port counts a tenant's messages).
const MESSAGE_COUNT_MAX_TICKETS: u64 = 2_000;
/// Failed requests whose cause is printed.
const FAILURES_SHOWN: usize = 5;
/// Largest response body read.
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Runs the benchmark (see the module documentation).
pub async fn run(settings: &Settings, requests: u64, concurrency: usize) -> anyhow::Result<()> {
    if requests == 0 {
        anyhow::bail!("--requests must be at least 1");
    }
    if concurrency == 0 {
        anyhow::bail!("--concurrency must be at least 1");
    }
    let mut settings = settings.clone();
    settings.sessions.enabled = false;
    let prepared = prepare(&settings).await?;
    let (server, addrs) = http_server(&prepared, "127.0.0.1", 0, Some(SERVER_WORKERS))?;
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let result = match addrs.first() {
        Some(addr) => {
            let base = format!("http://{addr}");
            measure(
                &prepared.state.services,
                &prepared.db,
                &base,
                requests,
                concurrency,
            )
            .await
        }
        None => Err(anyhow::anyhow!("the HTTP server bound no address")),
    };
    handle.stop(true).await;
    if let Err(e) = running.await {
        tracing::warn!(error = %e, "the HTTP server task ended abnormally");
    }
    let db = prepared.shutdown().await;
    db.close().await?;
    result
}

async fn measure(
    services: &Services,
    db: &tiktickets_persistence::Db,
    base: &str,
    requests: u64,
    concurrency: usize,
) -> anyhow::Result<()> {
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(60))
        .connector(awc::Connector::new().limit(concurrency.max(1)))
        .finish();
    wait_for_health(&client, base).await?;
    // Let the startup work (first periodic tasks, pools) settle before reading the memory.
    actix_web::rt::time::sleep(Duration::from_secs(1)).await;
    match idle_rss_mib() {
        Some(mib) => println!("idle-rss: {mib:.1} MiB"),
        None => println!("idle-rss: unknown (no /proc/self/status VmRSS)"),
    }
    println!(
        "  (this process = API server + the idle bench client and its runtime; the target, \
         under 40 MB, is for `tiktickets serve` alone)"
    );

    let (tenants, origin) = bench_tenants(services, db).await?;
    let tenant = tenants.first().context("no bench tenant")?;
    println!("backend: {}", db.backend().as_str());
    println!(
        "tenant: {} (id {}; {})",
        tenant.name,
        tenant.id,
        origin.describe()
    );
    print_counts(services, tenant).await?;

    let agents = agents(services, tenant).await?;
    let mut tokens = Vec::with_capacity(agents.len());
    for email in &agents {
        tokens.push(login(&client, base, email).await?);
    }
    println!("agents: {} logged in ({})", tokens.len(), agents.join(", "));

    let warmup = (requests / 50).max(1);
    let warm = phase(&client, base, &tokens, warmup, concurrency).await;
    let started = Instant::now();
    let measured = phase(&client, base, &tokens, requests, concurrency).await;
    let elapsed = started.elapsed();
    println!(
        "requests: {} answered 200 in {:.2} s (concurrency {concurrency}, {SERVER_WORKERS} \
         server workers, warm-up {warmup} not counted)",
        measured.all.len(),
        elapsed.as_secs_f64()
    );
    for ((name, _), latencies) in QUERIES.iter().zip(&measured.by_query) {
        println!(
            "  {name:<16} {} ({} requests)",
            latencies.p50_p99(),
            latencies.len()
        );
    }
    let failures = measured.failures + warm.failures;
    println!("failures: {failures} (warm-up: {})", warm.failures);
    for f in warm.shown.iter().chain(&measured.shown) {
        eprintln!("request failed: {f}");
    }
    println!(
        "ticket-list: {:.1} req/s {}",
        rate(measured.all.len() as u64, elapsed),
        measured.all.p50_p99()
    );
    if failures > 0 {
        anyhow::bail!(
            "{failures} of {} requests failed (warm-up included)",
            requests + warmup
        );
    }
    Ok(())
}

/// Waits (up to 10 s) until `GET /health` answers 200.
async fn wait_for_health(client: &awc::Client, base: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let last = match client.get(format!("{base}/health")).send().await {
            Ok(resp) if resp.status().is_success() => return Ok(()),
            Ok(resp) => format!("status {}", resp.status()),
            Err(e) => e.to_string(),
        };
        if Instant::now() > deadline {
            anyhow::bail!("the in-process server did not get healthy: {last}");
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

/// VmRSS of this process, in MiB.
fn idle_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Prints the tenant's tickets by status and, when cheap enough, its messages.
async fn print_counts(services: &Services, tenant: &BenchTenant) -> anyhow::Result<()> {
    let cx = tenant.cx();
    let count = |statuses: Vec<TicketStatus>| async move {
        services
            .stores
            .tickets
            .list(&cx, &query(statuses, PageRequest::first(1)))
            .await
            .map(|p| p.count)
    };
    let total = count(Vec::new()).await?;
    let open = count(vec![TicketStatus::Open]).await?;
    let pending = count(vec![TicketStatus::Pending]).await?;
    let closed = count(vec![TicketStatus::Closed]).await?;
    let messages = if total <= MESSAGE_COUNT_MAX_TICKETS {
        format!("{} messages", count_messages(services, &cx).await?)
    } else {
        format!(
            "messages not counted here (more than {MESSAGE_COUNT_MAX_TICKETS} tickets, and no \
             port counts a tenant's messages; `bench seed` prints what it generated)"
        )
    };
    println!("data: {total} tickets (open {open}, pending {pending}, closed {closed}), {messages}");
    Ok(())
}

/// A ticket query of the whole tenant (no visibility restriction).
fn query(statuses: Vec<TicketStatus>, page: PageRequest) -> TicketQuery {
    TicketQuery {
        statuses,
        ..TicketQuery::all(page)
    }
}

/// The tenant's messages, ticket by ticket.
async fn count_messages(services: &Services, cx: &TenantCtx) -> anyhow::Result<u64> {
    let stores = &services.stores;
    let mut total = 0;
    for page in 1.. {
        let tickets = stores
            .tickets
            .list(cx, &query(Vec::new(), PageRequest::new(page, 1_000)?))
            .await?;
        for ticket in &tickets.items {
            total += stores
                .messages
                .list_for_ticket(cx, ticket.id, PageRequest::first(1))
                .await?
                .count;
        }
        if !tickets.has_more {
            break;
        }
    }
    Ok(total)
}

/// The e-mails of the tenant's agents (`agent<k>@...`, profile user), in order of `k`.
async fn agents(services: &Services, tenant: &BenchTenant) -> anyhow::Result<Vec<String>> {
    let users = services
        .stores
        .users
        .list(&tenant.cx(), Some("agent"), PageRequest::first(1_000))
        .await?;
    let mut agents: Vec<(u32, String)> = users
        .items
        .into_iter()
        .filter(|u| u.profile == UserProfile::User)
        .filter_map(|u| {
            let (local, _) = u.email.split_once('@')?;
            let k = local.strip_prefix("agent")?.parse::<u32>().ok()?;
            Some((k, u.email))
        })
        .collect();
    agents.sort();
    if agents.is_empty() {
        anyhow::bail!("{} has no agents (agent<k>@...)", tenant.name);
    }
    Ok(agents.into_iter().map(|(_, e)| e).collect())
}

/// `POST /auth/login`; the access token.
async fn login(client: &awc::Client, base: &str, email: &str) -> anyhow::Result<String> {
    let mut resp = client
        .post(format!("{base}/auth/login"))
        .send_json(&json!({"email": email, "password": BENCH_PASSWORD}))
        .await
        .map_err(|e| anyhow::anyhow!("login of {email}: {e}"))?;
    let status = resp.status();
    let body: Value = resp
        .json()
        .limit(BODY_LIMIT)
        .await
        .map_err(|e| anyhow::anyhow!("login of {email}: status {status}, {e}"))?;
    if !status.is_success() {
        anyhow::bail!("login of {email}: status {status}, {body}");
    }
    body["token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("login of {email}: no token in {body}"))
}

/// What one phase measured.
struct Outcome {
    all: Latencies,
    by_query: Vec<Latencies>,
    failures: u64,
    shown: Vec<String>,
}

/// Sends `count` requests with `concurrency` in flight, rotating over queries and agents.
async fn phase(
    client: &awc::Client,
    base: &str,
    tokens: &[String],
    count: u64,
    concurrency: usize,
) -> Outcome {
    let next = Cell::new(0u64);
    let outcome = RefCell::new(Outcome {
        all: Latencies::with_capacity(usize::try_from(count).unwrap_or(0)),
        by_query: vec![Latencies::default(); QUERIES.len()],
        failures: 0,
        shown: Vec::new(),
    });
    let workers = (0..concurrency).map(|_| async {
        loop {
            let i = next.get();
            if i >= count {
                break;
            }
            next.set(i + 1);
            let q = (i % QUERIES.len() as u64) as usize;
            let agent = ((i / QUERIES.len() as u64) % tokens.len().max(1) as u64) as usize;
            let Some(token) = tokens.get(agent) else {
                break;
            };
            let result = request(client, base, token, QUERIES[q].1).await;
            let mut o = outcome.borrow_mut();
            match result {
                Ok(took) => {
                    o.all.push(took);
                    o.by_query[q].push(took);
                }
                Err(e) => {
                    o.failures += 1;
                    if o.shown.len() < FAILURES_SHOWN {
                        o.shown
                            .push(format!("{} as agent {}: {e:#}", QUERIES[q].0, agent + 1));
                    }
                }
            }
        }
    });
    futures_util::future::join_all(workers).await;
    outcome.into_inner()
}

/// One `GET /tickets` as the client sends it; its latency (whole body read) when it is 200.
async fn request(
    client: &awc::Client,
    base: &str,
    token: &str,
    query: &str,
) -> anyhow::Result<Duration> {
    let cache_buster = chrono::Utc::now().timestamp_millis();
    let url = format!("{base}/tickets?{FILTERS}&{query}&_t={cache_buster}");
    let started = Instant::now();
    let mut resp = client
        .get(url)
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("Pragma", "no-cache"))
        .insert_header(("Expires", "0"))
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let body = resp
        .body()
        .limit(BODY_LIMIT)
        .await
        .map_err(|e| anyhow::anyhow!("reading the body: {e}"))?;
    let took = started.elapsed();
    if resp.status() != awc::http::StatusCode::OK {
        anyhow::bail!(
            "status {}: {}",
            resp.status(),
            String::from_utf8_lossy(&body[..body.len().min(300)])
        );
    }
    Ok(took)
}
