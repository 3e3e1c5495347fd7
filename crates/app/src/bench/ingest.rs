//! `tiktickets bench ingest --messages N --concurrency C`: drives the domain's ingest use case
//! (`Services::ingest`, what a WhatsApp session calls for every message it sees, minus
//! Chromium) with realistic inbound messages spread over the bench tenants: about 70 % from
//! known contacts that have an open or pending ticket, 30 % from new numbers.
//!
//! The services are wired like `serve` wires them (persistence stores, the realtime gateway's
//! publisher with the in-process backplane, the in-process job queue, no sessions), without the
//! HTTP server and without the background workers, whose periodic tasks would add work of
//! their own to the figures.
//!
//! The binary's `main` runs a single-threaded actix System. Ingest runs on its own
//! multi-threaded tokio runtime instead (one worker per core): the client-side work of each
//! ingest (building and binding about twenty statements, decoding rows, serialising the
//! realtime events) is about as much CPU as PostgreSQL spends on it, and on one thread it
//! queues behind the other in-flight ingests. Measured on the 2-core machine (PostgreSQL,
//! release build, concurrency 8): one worker thread gave 417–452 msg/s, two gave 447–544.
//!
//! Without bench data (`tiktickets bench seed`) the command creates a few small tenants of its
//! own ([`bench_tenants`], shared with `bench ticket-list`) and says so.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Context;
use tiktickets_domain::clock::SystemClock;
use tiktickets_domain::enums::{ChannelStatus, ChannelType, MediaType, TicketStatus, UserProfile};
use tiktickets_domain::ids::{TenantId, WhatsappId};
use tiktickets_domain::password::hash_password;
use tiktickets_domain::phone::normalize;
use tiktickets_domain::services::Services;
use tiktickets_domain::services::ingest::{InboundMessage, Ingested};
use tiktickets_domain::store::channels::{ChannelInput, SessionState};
use tiktickets_domain::store::contacts::InboundContact;
use tiktickets_domain::store::page::PageRequest;
use tiktickets_domain::store::queues::QueueInput;
use tiktickets_domain::store::tickets::{InboundResolution, TicketPatch, TicketQuery};
use tiktickets_domain::store::users::NewUser;
use tiktickets_domain::{PlatformCtx, TenantCtx};
use tiktickets_http_api::ApiConfig;
use tiktickets_http_api::ApiState;
use tiktickets_http_api::auth::ApiAccess;
use tiktickets_jobs::{InProcessConfig, InProcessJobQueue};
use tiktickets_persistence::{Db, build_stores, provision_tenant};
use tiktickets_realtime::backplane::InProcessBackplane;
use tiktickets_realtime::presence::InMemoryPresence;
use tiktickets_realtime::{Gateway, GatewayConfig};

use super::stats::{Latencies, rate};
use crate::commands::open_db;
use crate::settings::Settings;

/// Password of every user of the bench data (`bench seed`) and of the fixtures made here.
pub(super) const BENCH_PASSWORD: &str = "bench-password";
/// Name prefix of the tenants `bench seed` creates (`Bench Tenant 1`, ...).
const SEEDED_PREFIX: &str = "Bench Tenant ";
/// Name prefix of the small tenants made here when there is no bench data.
const FIXTURE_PREFIX: &str = "Bench Fixture ";
/// Fixture tenants to create.
const FIXTURE_TENANTS: u32 = 3;
/// Agents per fixture tenant (`agent<k>@bench-fixture-<n>.test`).
const FIXTURE_AGENTS: u32 = 3;
/// Conversations (contact + ticket) per fixture tenant; every second one is open and assigned.
const FIXTURE_CONVERSATIONS: u32 = 24;
/// Known contacts read per tenant (tickets open or pending, most recent first).
const KNOWN_PER_TENANT: u64 = 2_000;
/// Share of messages that come from known contacts, in percent.
const KNOWN_PERCENT: u64 = 70;
/// Failed ingests whose error is printed.
const ERRORS_SHOWN: usize = 5;

/// Where the tenants of a run come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// `tiktickets bench seed` made them.
    Seeded,
    /// An earlier bench run made its small fixtures.
    Fixture,
    /// Made by this run (there was no bench data).
    Created,
}

impl Origin {
    /// How the output names it.
    pub(super) fn describe(self) -> &'static str {
        match self {
            Origin::Seeded => "bench data from `tiktickets bench seed`",
            Origin::Fixture => "small fixtures made by an earlier bench run (no bench seed data)",
            Origin::Created => "no bench data: created small fixtures now",
        }
    }
}

/// A tenant the benchmarks run on.
#[derive(Debug, Clone)]
pub(super) struct BenchTenant {
    /// Its id.
    pub id: TenantId,
    /// Its name.
    pub name: String,
    /// Its (default, connected when possible) WhatsApp channel.
    pub channel: WhatsappId,
}

impl BenchTenant {
    /// The system context of the tenant.
    pub(super) fn cx(&self) -> TenantCtx {
        TenantCtx::system(self.id)
    }
}

/// The bench tenants, by their number: `Bench Tenant <n>` when `bench seed` ran, otherwise
/// `Bench Fixture <n>` made by an earlier run, otherwise created now.
pub(super) async fn bench_tenants(
    services: &Services,
    db: &Db,
) -> anyhow::Result<(Vec<BenchTenant>, Origin)> {
    let all = services
        .stores
        .tenants
        .list(&PlatformCtx::system())
        .await
        .context("listing the tenants")?;
    let numbered = |prefix: &str| {
        let mut found: Vec<(u32, TenantId, String)> = all
            .iter()
            .filter_map(|t| {
                let n = t.name.strip_prefix(prefix)?.trim().parse::<u32>().ok()?;
                Some((n, t.id, t.name.clone()))
            })
            .collect();
        found.sort_by_key(|(n, _, _)| *n);
        found
    };
    let (found, origin) = match numbered(SEEDED_PREFIX) {
        seeded if !seeded.is_empty() => (seeded, Origin::Seeded),
        _ => match numbered(FIXTURE_PREFIX) {
            fixtures if !fixtures.is_empty() => (fixtures, Origin::Fixture),
            _ => {
                let mut created = Vec::new();
                for n in 1..=FIXTURE_TENANTS {
                    let (id, name) = create_fixture(services, db, n).await?;
                    created.push((n, id, name));
                }
                (created, Origin::Created)
            }
        },
    };
    let mut tenants = Vec::with_capacity(found.len());
    for (_, id, name) in found {
        let cx = TenantCtx::system(id);
        let channels = services.stores.channels.list(&cx).await?;
        let channel = channels
            .iter()
            .filter(|c| c.r#type == ChannelType::Whatsapp)
            .max_by_key(|c| (c.status == Some(ChannelStatus::Connected), c.is_default))
            .with_context(|| format!("tenant {name} has no WhatsApp channel"))?;
        tenants.push(BenchTenant {
            id,
            name,
            channel: channel.id,
        });
    }
    Ok((tenants, origin))
}

/// The mail domain of a fixture tenant's users.
fn fixture_domain(n: u32) -> String {
    format!("bench-fixture-{n}.test")
}

/// One small tenant: admin, a connected default channel, 3 queues, agents in those queues,
/// and conversations made through ingest (half of them open and assigned, half pending).
async fn create_fixture(
    services: &Services,
    db: &Db,
    n: u32,
) -> anyhow::Result<(TenantId, String)> {
    let name = format!("{FIXTURE_PREFIX}{n}");
    let domain = fixture_domain(n);
    let admin_email = format!("admin@{domain}");
    let provisioned = provision_tenant(db, &name, &admin_email, Some(BENCH_PASSWORD))
        .await
        .with_context(|| format!("creating the tenant {name}"))?;
    let cx = TenantCtx::system(provisioned.tenant);
    let stores = &services.stores;
    let channel = stores
        .channels
        .create(
            &cx,
            ChannelInput {
                name: "WhatsApp Bench".to_owned(),
                r#type: ChannelType::Whatsapp,
                is_default: true,
                is_active: true,
                farewell_message: None,
                chat_flow_id: None,
                token_telegram: None,
                instagram_user: None,
                instagram_key: None,
                token_api: None,
                waba_bsp: None,
                fb_page_id: None,
            },
        )
        .await?;
    stores
        .channels
        .set_session_state(
            &cx,
            channel.id,
            SessionState {
                status: Some(ChannelStatus::Connected),
                number: Some(Some(format!("55119{:08}", 10_000_000 + n))),
                ..SessionState::default()
            },
        )
        .await?;
    let mut queues = Vec::new();
    for queue in ["Vendas", "Suporte", "Financeiro"] {
        let created = stores
            .queues
            .create(
                &cx,
                QueueInput {
                    queue: queue.to_owned(),
                    is_active: true,
                },
            )
            .await?;
        queues.push(created.id);
    }
    let mut agents = Vec::new();
    for k in 1..=FIXTURE_AGENTS {
        let password_hash = tokio::task::spawn_blocking(|| hash_password(BENCH_PASSWORD))
            .await
            .context("password hashing stopped")??;
        let agent = stores
            .users
            .create(
                &cx,
                NewUser {
                    name: format!("Agente {k}"),
                    email: format!("agent{k}@{domain}"),
                    password_hash,
                    profile: UserProfile::User,
                    configs: None,
                },
            )
            .await?;
        // Each agent works in two of the three queues.
        let k = k as usize;
        let mine = [queues[k % queues.len()], queues[(k + 1) % queues.len()]];
        stores.users.set_queues(&cx, agent.id, &mine).await?;
        agents.push(agent.id);
    }
    let run = uuid::Uuid::new_v4().simple().to_string();
    let mut rng = Rng::new(u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed_of(&run));
    for i in 0..FIXTURE_CONVERSATIONS {
        let number = format!("5511{}", 900_000_000 + 1_000 * n + i);
        let inbound = inbound_message(
            channel.id,
            &number,
            &person_name(&mut rng),
            format!("bench-fixture-{run}-{i}"),
            body(&mut rng),
        )?;
        let Ingested::Stored { ticket, .. } = services.ingest(&cx, inbound).await? else {
            anyhow::bail!("a fixture message of {name} was not stored");
        };
        let queue = queues[i as usize % queues.len()];
        let patch = if i % 2 == 0 {
            let agent = agents[(i as usize / 2) % agents.len()];
            TicketPatch {
                status: Some(TicketStatus::Open),
                user_id: Some(Some(agent)),
                queue_id: Some(Some(queue)),
                started_attendance_at: Some(Some(services.clock.now_ms())),
                clear_auto_reply: true,
                ..TicketPatch::default()
            }
        } else {
            TicketPatch {
                queue_id: Some(Some(queue)),
                ..TicketPatch::default()
            }
        };
        stores.tickets.update(&cx, ticket.id, patch).await?;
    }
    println!(
        "created tenant {name} (id {}): admin@{domain} and agent1..{FIXTURE_AGENTS}@{domain} \
         (password {BENCH_PASSWORD}), 1 connected channel, {} queues, {FIXTURE_CONVERSATIONS} \
         conversations",
        provisioned.tenant,
        queues.len()
    );
    Ok((provisioned.tenant, name))
}

/// The services of `serve`, minus HTTP, sessions and background workers.
async fn services(settings: &Settings, db: &Db) -> Services {
    let stores = build_stores(db);
    // The gateway needs the token checks of the API; nobody connects, so random secrets do.
    let secret = || {
        format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        )
    };
    let config = ApiConfig::with_secrets(
        &secret(),
        &secret(),
        std::path::PathBuf::from(settings.media.dir.trim()),
    );
    let keys = ApiState::keys_for(&config);
    let access = Arc::new(ApiAccess::new(keys, stores.clone()));
    let gateway = Gateway::new(
        GatewayConfig {
            public_url: settings.http.public_url.trim().to_owned(),
            ..GatewayConfig::default()
        },
        access.clone(),
        access,
        Arc::new(InProcessBackplane::default()),
        Arc::new(InMemoryPresence::default()),
    );
    gateway.start().await;
    Services::new(
        stores,
        gateway.publisher(),
        Arc::new(InProcessJobQueue::new(InProcessConfig::default())),
        Arc::new(SystemClock),
    )
}

/// Runs the benchmark (see the module documentation).
pub async fn run(settings: &Settings, messages: u64, concurrency: usize) -> anyhow::Result<()> {
    if messages == 0 {
        anyhow::bail!("--messages must be at least 1");
    }
    if concurrency == 0 {
        anyhow::bail!("--concurrency must be at least 1");
    }
    let settings = settings.clone();
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("bench-ingest")
            .enable_all()
            .build()
            .context("starting the ingest runtime")?;
        runtime.block_on(measure(&settings, messages, concurrency, threads))
    })
    .await
    .context("the ingest runtime stopped")?
}

/// A tenant with the contacts that will write to it again.
struct Target {
    tenant: BenchTenant,
    known: Vec<Known>,
}

/// A contact with an open or pending ticket.
struct Known {
    number: String,
    name: String,
}

/// Everything the workers share.
struct Plan {
    services: Services,
    targets: Vec<Target>,
    run: String,
    seed: u64,
    /// Start of the 8-digit suffix of new numbers; index `i` gets `base + i * STRIDE`.
    base: u64,
}

/// Coprime with 10^8, so `i * STRIDE mod 10^8` differs for every `i` below 10^8.
const STRIDE: u64 = 7_919;

/// What one worker saw.
#[derive(Default)]
struct Tally {
    latencies: Latencies,
    known: u64,
    new: u64,
    existing: u64,
    created: u64,
    reopened: u64,
    errors: u64,
    shown: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.known += other.known;
        self.new += other.new;
        self.existing += other.existing;
        self.created += other.created;
        self.reopened += other.reopened;
        self.errors += other.errors;
        for e in other.shown {
            if self.shown.len() < ERRORS_SHOWN {
                self.shown.push(e);
            }
        }
    }

    fn fail(&mut self, what: String) {
        self.errors += 1;
        if self.shown.len() < ERRORS_SHOWN {
            self.shown.push(what);
        }
    }
}

async fn measure(
    settings: &Settings,
    messages: u64,
    concurrency: usize,
    threads: usize,
) -> anyhow::Result<()> {
    let db = open_db(settings).await?;
    db.migrate_up().await?;
    let services = services(settings, &db).await;
    let (tenants, origin) = bench_tenants(&services, &db).await?;
    let mut targets = Vec::with_capacity(tenants.len());
    for tenant in tenants {
        let known = known_contacts(&services, &tenant).await?;
        targets.push(Target { tenant, known });
    }
    let known_total: usize = targets.iter().map(|t| t.known.len()).sum();
    let run = uuid::Uuid::new_v4().simple().to_string();
    let seed = seed_of(&run);
    let plan = Arc::new(Plan {
        services,
        targets,
        base: Rng::new(seed).below(100_000_000),
        seed,
        run,
    });
    println!("backend: {}", db.backend().as_str());
    println!(
        "tenants: {} ({}): {}",
        plan.targets.len(),
        origin.describe(),
        plan.targets
            .iter()
            .map(|t| format!("{} ({} known contacts)", t.tenant.name, t.known.len()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "run: {} (provider ids bench-ingest-{}-<n>, n = 0..{messages})",
        plan.run, plan.run
    );
    let warmup = (messages / 50).max(1);
    let warm = phase(&plan, Phase::Warmup, warmup, concurrency).await;
    let started = Instant::now();
    let tally = phase(&plan, Phase::Measured, messages, concurrency).await;
    let elapsed = started.elapsed();
    let stored = tally.latencies.len() as u64;
    println!(
        "contacts: known={} new={} ({known_total} known contacts with an open or pending \
         ticket to pick from); tickets: existing={} created={} reopened={}",
        tally.known, tally.new, tally.existing, tally.created, tally.reopened
    );
    println!(
        "messages: {stored} stored in {:.2} s (concurrency {concurrency}, {threads} runtime \
         threads, warm-up {warmup} not counted)",
        elapsed.as_secs_f64()
    );
    let errors = tally.errors + warm.errors;
    println!("errors: {errors} (warm-up: {})", warm.errors);
    for e in warm.shown.iter().chain(&tally.shown) {
        eprintln!("ingest failed: {e}");
    }
    println!(
        "ingest: {:.1} msg/s {}",
        rate(stored, elapsed),
        tally.latencies.p50_p99()
    );
    db.close().await?;
    if errors > 0 {
        anyhow::bail!(
            "{errors} of {} ingests failed (warm-up included)",
            messages + warmup
        );
    }
    Ok(())
}

/// Up to [`KNOWN_PER_TENANT`] people (no groups) with an open or pending ticket.
async fn known_contacts(services: &Services, tenant: &BenchTenant) -> anyhow::Result<Vec<Known>> {
    let cx = tenant.cx();
    let size = 1_000;
    let mut contact_ids = Vec::new();
    for page in 1..=KNOWN_PER_TENANT.div_ceil(size) {
        let tickets = services
            .stores
            .tickets
            .list(
                &cx,
                &TicketQuery {
                    statuses: vec![TicketStatus::Open, TicketStatus::Pending],
                    queue_ids: Vec::new(),
                    user_id: None,
                    only_unread: false,
                    only_unassigned: false,
                    search: None,
                    is_group: Some(false),
                    tag_ids: Vec::new(),
                    visible_to: None,
                    page: PageRequest::new(page, size)?,
                },
            )
            .await
            .with_context(|| format!("listing the open tickets of {}", tenant.name))?;
        contact_ids.extend(
            tickets
                .items
                .iter()
                .filter(|t| t.whatsapp_id == Some(tenant.channel))
                .filter_map(|t| t.contact_id),
        );
        if !tickets.has_more {
            break;
        }
    }
    let mut known = Vec::with_capacity(contact_ids.len());
    for chunk in contact_ids.chunks(500) {
        for contact in services.stores.contacts.get_many(&cx, chunk).await? {
            if let Some(number) = contact.number.filter(|_| !contact.is_group) {
                known.push(Known {
                    number,
                    name: contact.pushname.unwrap_or(contact.name),
                });
            }
        }
    }
    Ok(known)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Warmup,
    Measured,
}

/// Ingests `count` messages with `concurrency` tasks in flight.
async fn phase(plan: &Arc<Plan>, phase: Phase, count: u64, concurrency: usize) -> Tally {
    let next = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let plan = plan.clone();
            let next = next.clone();
            tokio::spawn(async move { worker(&plan, phase, count, &next).await })
        })
        .collect();
    let mut total = Tally::default();
    for w in workers {
        match w.await {
            Ok(tally) => total.merge(tally),
            Err(e) => {
                total.errors += 1;
                if total.shown.len() < ERRORS_SHOWN {
                    total.shown.push(format!("a worker stopped: {e}"));
                }
            }
        }
    }
    total
}

async fn worker(plan: &Plan, phase: Phase, count: u64, next: &AtomicU64) -> Tally {
    let mut tally = Tally::default();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= count {
            return tally;
        }
        let (cx, inbound, is_known) = match message(plan, phase, i) {
            Ok(m) => m,
            Err(e) => {
                tally.fail(format!("message {i} could not be built: {e:#}"));
                continue;
            }
        };
        let started = Instant::now();
        let outcome = plan.services.ingest(&cx, inbound).await;
        let took = started.elapsed();
        match outcome {
            Ok(Ingested::Stored { resolution, .. }) => {
                tally.latencies.push(took);
                if is_known {
                    tally.known += 1;
                } else {
                    tally.new += 1;
                }
                match resolution {
                    InboundResolution::Existing | InboundResolution::ClosedKept => {
                        tally.existing += 1;
                    }
                    InboundResolution::Created => tally.created += 1,
                    InboundResolution::Reopened => tally.reopened += 1,
                }
            }
            Ok(other) => tally.fail(format!("message {i} was not stored: {other:?}")),
            Err(e) => tally.fail(format!("message {i}: {e}")),
        }
    }
}

/// Message `i` of a phase: its tenant, the message, and whether its sender is known.
fn message(plan: &Plan, phase: Phase, i: u64) -> anyhow::Result<(TenantCtx, InboundMessage, bool)> {
    // Warm-up messages use indexes after the measured ones, so new numbers never repeat.
    let (provider_id, index) = match phase {
        Phase::Warmup => (format!("bench-warmup-{}-{i}", plan.run), i + (1 << 40)),
        Phase::Measured => (format!("bench-ingest-{}-{i}", plan.run), i),
    };
    let mut rng = Rng::new(plan.seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let target = &plan.targets[rng.below(plan.targets.len() as u64) as usize];
    let wants_known = rng.below(100) < KNOWN_PERCENT;
    let (number, name, is_known) = match (wants_known, target.known.is_empty()) {
        (true, false) => {
            let k = &target.known[rng.below(target.known.len() as u64) as usize];
            (k.number.clone(), k.name.clone(), true)
        }
        _ => {
            let suffix = (plan.base + index.wrapping_mul(STRIDE)) % 100_000_000;
            let ddd = DDDS[rng.below(DDDS.len() as u64) as usize];
            (format!("55{ddd}9{suffix:08}"), person_name(&mut rng), false)
        }
    };
    let inbound = inbound_message(
        target.tenant.channel,
        &number,
        &name,
        provider_id,
        body(&mut rng),
    )?;
    Ok((target.tenant.cx(), inbound, is_known))
}

/// A text message from a person.
fn inbound_message(
    channel: WhatsappId,
    number: &str,
    name: &str,
    provider_id: String,
    body: String,
) -> anyhow::Result<InboundMessage> {
    Ok(InboundMessage {
        channel,
        contact: InboundContact {
            number: normalize(number)?,
            name: Some(name.to_owned()),
            pushname: Some(name.to_owned()),
            profile_pic_url: None,
            is_user: Some(true),
            is_wa_contact: Some(true),
        },
        group: None,
        from_me: false,
        provider_id,
        body,
        media_type: MediaType::Chat,
        media_file: None,
        quoted_provider_id: None,
        timestamp: chrono::Utc::now().timestamp(),
    })
}

/// Brazilian area codes.
const DDDS: [u8; 67] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43,
    44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77,
    79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
];

const FIRST_NAMES: [&str; 24] = [
    "Ana",
    "João",
    "Maria",
    "Pedro",
    "Juliana",
    "Lucas",
    "Fernanda",
    "Rafael",
    "Camila",
    "Gustavo",
    "Patrícia",
    "Bruno",
    "Aline",
    "Rodrigo",
    "Beatriz",
    "Felipe",
    "Larissa",
    "Thiago",
    "Mariana",
    "Diego",
    "Letícia",
    "André",
    "Vanessa",
    "Marcos",
];

const LAST_NAMES: [&str; 16] = [
    "Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Ferreira", "Almeida",
    "Ribeiro", "Carvalho", "Gomes", "Martins", "Rocha", "Barbosa", "Araújo",
];

fn person_name(rng: &mut Rng) -> String {
    let first = FIRST_NAMES[rng.below(FIRST_NAMES.len() as u64) as usize];
    let last = LAST_NAMES[rng.below(LAST_NAMES.len() as u64) as usize];
    format!("{first} {last}")
}

/// Texts customers write; `{n}` becomes an order or protocol number.
const BODIES: [&str; 24] = [
    "Oi, bom dia!",
    "Boa tarde, tudo bem?",
    "Olá, preciso de ajuda com meu pedido {n}",
    "Meu pedido {n} ainda não chegou, podem verificar?",
    "Qual o prazo de entrega para o CEP 01310-100?",
    "Vocês aceitam pix?",
    "Gostaria de cancelar a compra {n}",
    "Obrigado!",
    "ok",
    "Certo, aguardo o retorno",
    "A fatura veio com valor errado, o número é {n}",
    "Consigo trocar o produto se não serviu?",
    "Qual o horário de atendimento de vocês?",
    "Bom dia, o técnico não apareceu na visita agendada de hoje. O protocolo é {n}. \
     Preciso de alguém aqui até o fim da tarde porque vou viajar amanhã cedo.",
    "Mandei o comprovante por e-mail agora há pouco",
    "Ainda estou sem internet desde ontem à noite",
    "Quero falar com um atendente",
    "Tem desconto para pagamento à vista?",
    "Pode me mandar a segunda via do boleto {n}?",
    "👍",
    "Perfeito, muito obrigada pela ajuda 😊",
    "O aplicativo dá erro quando tento entrar na minha conta",
    "Vocês entregam aos sábados?",
    "Recebi o produto com defeito, segue o número da nota: {n}",
];

fn body(rng: &mut Rng) -> String {
    let template = BODIES[rng.below(BODIES.len() as u64) as usize];
    template.replace("{n}", &format!("{}", 100_000 + rng.below(900_000)))
}

/// The seed of a run, from its id.
fn seed_of(run: &str) -> u64 {
    run.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// SplitMix64: small, fast, good enough to pick tenants, contacts and texts.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_numbers_are_brazilian_mobiles_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..10_000u64 {
            let suffix = (12_345_678 + i * STRIDE) % 100_000_000;
            assert!(seen.insert(suffix));
            let number = format!("5511 9{suffix:08}").replace(' ', "");
            assert_eq!(number.len(), 13);
            assert!(normalize(&number).is_ok());
        }
    }

    #[test]
    fn rng_stays_in_range() {
        let mut rng = Rng::new(7);
        assert!((0..1_000).all(|_| rng.below(3) < 3));
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn bodies_fill_their_numbers() {
        let mut rng = Rng::new(1);
        for _ in 0..100 {
            let b = body(&mut rng);
            assert!(!b.is_empty() && !b.contains("{n}"));
        }
    }
}
