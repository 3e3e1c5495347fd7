//! `tiktickets bench seed`: a fast generator of realistic data for the benchmarks, on SQLite
//! and PostgreSQL.
//!
//! Every bench tenant `n` (1-based) is created with [`provision_tenant`] as `Bench Tenant <n>`
//! (admin `admin@bench-tenant-<n>.test`), then gets one connected WhatsApp channel (the
//! default), three queues, ten agents (`agent<k>@bench-tenant-<n>.test`, profile `user`) spread
//! over the queues, and its share of the contacts, tickets and messages. Every user's password
//! is [`BENCH_PASSWORD`]. Tenant 1 gets the remainder of each division, so it holds at least
//! `1/tenants` of everything.
//!
//! Contacts, tickets and messages are written with multi-row `INSERT` statements (bound
//! values, [`ROWS_PER_STATEMENT`] rows each, [`STATEMENTS_PER_TRANSACTION`] statements per
//! transaction), generated on a blocking thread while the previous statements run, so that the
//! generator and the database work at the same time. Ids come from the tables' own sequences
//! (identity columns, SQLite AUTOINCREMENT); the ids of a tenant's new contacts and tickets are
//! read back in id order, which is their insertion order (one writer for them; messages,
//! whose order does not matter, get two writers on PostgreSQL).
//!
//! The data respects the schema's rules: one open-or-pending ticket per (tenant, channel,
//! contact) at most, unique contact numbers and message ids per tenant, every ticket's
//! `lastMessage`/`lastMessageAt`/`updatedAt`/`answered` taken from its newest message, unread
//! counts on pending tickets matching their unread messages.
//!
//! Contact `i` (0-based) of bench tenant `n` has the number [`bench_contact_number`]`(n, i)`, a
//! Brazilian mobile (`55` + area code + `9` + 8 digits), so that load generators (the ingest
//! benchmark, `benches/ingest-ceiling.sql`) can address known contacts without reading them;
//! [`bench_new_number`] gives numbers that no seeded contact has.

use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Set, Statement,
    TransactionTrait, Value,
};
use serde_json::json;
use tiktickets_domain::DomainError;
use tiktickets_domain::enums::{ChannelStatus, ChannelType, UserProfile};
use tiktickets_domain::password::hash_password;
use tokio::sync::mpsc;

use crate::db::Db;
use crate::entities::{queues, users, users_queues, whatsapps};
use crate::error::PersistenceError;
use crate::seed::provision_tenant;

mod vocabulary;

use vocabulary::{
    AGENT_NAMES, AGENT_TEXTS, CUSTOMER_TEXTS, FIRST_NAMES, LAST_NAMES, OPENING_TEXTS, Rng,
};

/// The password of every bench user (admins and agents).
pub const BENCH_PASSWORD: &str = "bench-password";
/// Agents per bench tenant.
pub const AGENTS_PER_TENANT: u32 = 10;
/// Queue names of every bench tenant.
pub const BENCH_QUEUES: [&str; 3] = ["Vendas", "Suporte", "Financeiro"];
/// Name of every bench tenant's WhatsApp channel.
pub const BENCH_CHANNEL: &str = "WhatsApp Bench";
/// Rows per `INSERT` statement.
pub const ROWS_PER_STATEMENT: usize = 1000;
/// Statements per transaction.
pub const STATEMENTS_PER_TRANSACTION: usize = 20;
/// Most tickets per contact (on average, per tenant) that a plan may ask for.
pub const MAX_TICKETS_PER_CONTACT: u64 = 20;

/// Area codes of the seeded contacts: `<tens><units>` for these tens and units 1..=9, all valid
/// Brazilian area codes (DDD).
const AREA_TENS: [u64; 5] = [1, 4, 6, 8, 9];
/// Area codes in use (`AREA_TENS.len() * 9`).
const AREAS: u64 = 45;
/// Subscriber numbers per area code: 8 digits starting with 6, 7, 8 or 9.
const SUBSCRIBERS: u64 = 40_000_000;
/// Prime to 2, 3 and 5: multiplying by it permutes `0..AREAS * SUBSCRIBERS`.
const SUBSCRIBER_STRIDE: u64 = 7_654_321;
/// Per-tenant shift of the permutation, so that tenants have different customers.
const TENANT_SHIFT: u64 = 1_234_567;
/// Area code of [`bench_new_number`] (Rio de Janeiro), which no seeded contact uses.
pub const NEW_NUMBER_AREA: u64 = 21;

/// Milliseconds per day.
const DAY_MS: i64 = 86_400_000;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchPlan {
    /// Bench tenants to create.
    pub tenants: u32,
    /// Contacts, over all tenants.
    pub contacts: u64,
    /// Tickets, over all tenants.
    pub tickets: u64,
    /// Messages, over all tenants.
    pub messages: u64,
}

/// What one tenant gets of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantShare {
    /// Contacts.
    pub contacts: u64,
    /// Tickets.
    pub tickets: u64,
    /// Messages.
    pub messages: u64,
}

impl BenchPlan {
    /// Tenant `n`'s (1-based) share: an equal part of each total, tenant 1 with the remainder.
    pub fn share(&self, n: u32) -> TenantShare {
        let t = u64::from(self.tenants.max(1));
        let part = |total: u64| total / t + if n == 1 { total % t } else { 0 };
        TenantShare {
            contacts: part(self.contacts),
            tickets: part(self.tickets),
            messages: part(self.messages),
        }
    }

    /// Refuses plans that cannot be generated consistently, with the reason.
    pub fn validate(&self) -> Result<(), PersistenceError> {
        let invalid =
            |m: String| PersistenceError::Domain(DomainError::invalid("ERR_BENCH_PLAN", m));
        if self.tenants == 0 {
            return Err(invalid("--tenants must be at least 1".into()));
        }
        if self.tenants > 1000 {
            return Err(invalid("--tenants must be at most 1000".into()));
        }
        let id_max = u64::from(i32::MAX.unsigned_abs()) / 2;
        if self.contacts > id_max || self.tickets > id_max {
            return Err(invalid(format!(
                "--contacts and --tickets must be at most {id_max}"
            )));
        }
        if self.messages > 0 && self.messages < self.tickets {
            return Err(invalid(format!(
                "--messages ({}) must be 0 or at least --tickets ({}): every ticket gets a message",
                self.messages, self.tickets
            )));
        }
        if self.messages > 0 && self.tickets == 0 {
            return Err(invalid("messages need tickets: set --tickets".into()));
        }
        for n in 1..=self.tenants {
            let s = self.share(n);
            if s.tickets > 0 && s.contacts == 0 {
                return Err(invalid(format!(
                    "tenant {n} would get tickets but no contacts: use --contacts >= --tenants ({})",
                    self.tenants
                )));
            }
            if s.tickets > s.contacts.saturating_mul(MAX_TICKETS_PER_CONTACT) {
                return Err(invalid(format!(
                    "tenant {n} would get {} tickets for {} contacts: at most \
                     {MAX_TICKETS_PER_CONTACT} tickets per contact",
                    s.tickets, s.contacts
                )));
            }
            if s.messages > 0 && s.messages < s.tickets {
                return Err(invalid(format!(
                    "tenant {n} would get {} messages for {} tickets: raise --messages",
                    s.messages, s.tickets
                )));
            }
        }
        Ok(())
    }
}

/// What [`bench_seed`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchReport {
    /// Bench tenants created.
    pub tenants: u32,
    /// Users created (admins and agents).
    pub users: u64,
    /// Queues created.
    pub queues: u64,
    /// Contacts created.
    pub contacts: u64,
    /// Tickets created.
    pub tickets: u64,
    /// Of which open.
    pub open: u64,
    /// Of which pending.
    pub pending: u64,
    /// Of which closed.
    pub closed: u64,
    /// Messages created.
    pub messages: u64,
    /// Wall time of the whole run.
    pub elapsed: Duration,
}

impl BenchReport {
    /// Contacts, tickets and messages written.
    pub fn bulk_rows(&self) -> u64 {
        self.contacts + self.tickets + self.messages
    }

    /// Bulk rows per second.
    pub fn rows_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.bulk_rows() as f64 / secs
        } else {
            0.0
        }
    }
}

/// The name of bench tenant `n` (1-based).
pub fn bench_tenant_name(n: u32) -> String {
    format!("Bench Tenant {n}")
}

/// The login of bench tenant `n`'s admin.
pub fn bench_admin_email(n: u32) -> String {
    format!("admin@bench-tenant-{n}.test")
}

/// The login of agent `k` (1-based) of bench tenant `n`.
pub fn bench_agent_email(n: u32, k: u32) -> String {
    format!("agent{k}@bench-tenant-{n}.test")
}

/// The number of contact `i` (0-based) of bench tenant `n` (1-based): `55`, an area code,
/// `9`, then 8 digits starting with 6 to 9 (13 digits, the canonical stored form).
///
/// `x = (i * 7654321 + n * 1234567) mod 1.8e9` permutes `0..1.8e9` (the stride is prime to
/// 2, 3 and 5), so numbers are unique per tenant for `i` below 1.8 billion and look random;
/// `x mod 45` picks the area code (`[1, 4, 6, 8, 9][a / 9] * 10 + a % 9 + 1`) and `x / 45` the
/// subscriber (`60000000 + x / 45`). `benches/ingest-ceiling.sql` computes the same formula.
pub fn bench_contact_number(n: u32, i: u64) -> String {
    let space = AREAS * SUBSCRIBERS;
    let x = (i % space * SUBSCRIBER_STRIDE + u64::from(n) * TENANT_SHIFT) % space;
    let a = x % AREAS;
    let tens = AREA_TENS.get((a / 9) as usize).copied().unwrap_or(1);
    let area = tens * 10 + a % 9 + 1;
    let sub = 60_000_000 + x / AREAS;
    format!("55{area}9{sub}")
}

/// A number no seeded contact has (area code [`NEW_NUMBER_AREA`]), from any value `r`; distinct
/// for distinct `r` below 40 million.
pub fn bench_new_number(r: u64) -> String {
    format!("55{NEW_NUMBER_AREA}9{}", 60_000_000 + r % SUBSCRIBERS)
}

/// Generates the data of `plan`; progress goes to `tracing` (info).
pub async fn bench_seed(db: &Db, plan: &BenchPlan) -> Result<BenchReport, PersistenceError> {
    bench_seed_with_progress(db, plan, &|line: &str| tracing::info!("{line}")).await
}

/// Generates the data of `plan`, reporting progress lines to `progress`.
///
/// Refuses (`ERR_BENCH_ALREADY_SEEDED`) when `Bench Tenant 1` exists: bench data goes into a
/// fresh database.
pub async fn bench_seed_with_progress(
    db: &Db,
    plan: &BenchPlan,
    progress: &dyn Fn(&str),
) -> Result<BenchReport, PersistenceError> {
    plan.validate()?;
    let started = Instant::now();
    if tenant_exists(db, &bench_tenant_name(1)).await? {
        return Err(PersistenceError::Domain(DomainError::conflict(
            "ERR_BENCH_ALREADY_SEEDED",
            format!(
                "this database already holds bench data ('{}' exists): run bench seed on a \
                 fresh database",
                bench_tenant_name(1)
            ),
        )));
    }
    let agent_hash = hash_password(BENCH_PASSWORD)?;
    let now = truncate_ms(Utc::now());
    let run_seed = now.timestamp_micros().unsigned_abs();
    let mut report = BenchReport {
        tenants: 0,
        users: 0,
        queues: 0,
        contacts: 0,
        tickets: 0,
        open: 0,
        pending: 0,
        closed: 0,
        messages: 0,
        elapsed: Duration::ZERO,
    };
    for n in 1..=plan.tenants {
        let tenant_started = Instant::now();
        let share = plan.share(n);
        let base = create_tenant_base(db, n, &agent_hash, now).await?;
        report.tenants += 1;
        report.users += 1 + u64::from(AGENTS_PER_TENANT);
        report.queues += BENCH_QUEUES.len() as u64;
        let ctx = Arc::new(TenantGen {
            n,
            base,
            share,
            now_ms: now.timestamp_millis(),
            seed: run_seed ^ u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        });
        let counts = seed_tenant_rows(db, &ctx, progress).await?;
        report.contacts += share.contacts;
        report.tickets += share.tickets;
        report.messages += share.messages;
        report.open += counts.open;
        report.pending += counts.pending;
        report.closed += counts.closed;
        progress(&format!(
            "bench seed: tenant {n}/{}: {} contacts, {} tickets, {} messages in {:.1} s \
             (total {:.1} s)",
            plan.tenants,
            share.contacts,
            share.tickets,
            share.messages,
            tenant_started.elapsed().as_secs_f64(),
            started.elapsed().as_secs_f64()
        ));
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Refreshes the planner's statistics after a bulk load (PostgreSQL: `VACUUM (ANALYZE)` of the
/// bulk tables, as autovacuum would do later; SQLite: nothing, like a production file).
pub async fn bench_analyze(db: &Db) -> Result<(), PersistenceError> {
    if db.backend() == crate::db::Backend::Postgres {
        db.conn
            .execute_unprepared(r#"VACUUM (ANALYZE) "Contacts", "Tickets", "Messages""#)
            .await
            .map_err(PersistenceError::query)?;
    }
    Ok(())
}

/// A bench tenant as found in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchTenant {
    /// Its number `n` in `Bench Tenant <n>`.
    pub index: u32,
    /// `Tenants.id`.
    pub tenant_id: i32,
    /// Its default WhatsApp channel (`Whatsapps.id`), if any.
    pub channel_id: Option<i32>,
}

/// The bench tenants of the database, by index.
pub async fn bench_tenants(db: &Db) -> Result<Vec<BenchTenant>, PersistenceError> {
    let sql = r#"SELECT t.id, t.name, (SELECT w.id FROM "Whatsapps" w WHERE w."tenantId" = t.id AND w."isDefault" = TRUE) AS channel FROM "Tenants" t WHERE t.name LIKE 'Bench Tenant %'"#;
    let rows = db
        .conn
        .query_all_raw(Statement::from_string(db.conn.get_database_backend(), sql))
        .await
        .map_err(PersistenceError::query)?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i32 = get(&row, 0)?;
        let name: String = get(&row, 1)?;
        let channel: Option<i32> = get(&row, 2)?;
        if let Some(index) = name
            .strip_prefix("Bench Tenant ")
            .and_then(|s| s.parse::<u32>().ok())
        {
            found.push(BenchTenant {
                index,
                tenant_id: id,
                channel_id: channel,
            });
        }
    }
    found.sort_by_key(|t| t.index);
    Ok(found)
}

/// What one bench tenant holds, counted with SQL, plus consistency checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchTenantCensus {
    /// The tenant.
    pub tenant: BenchTenant,
    /// Users (admin and agents).
    pub users: u64,
    /// Queues.
    pub queues: u64,
    /// Agent-queue assignments.
    pub users_queues: u64,
    /// Connected default WhatsApp channels.
    pub connected_channels: u64,
    /// Contacts.
    pub contacts: u64,
    /// Tickets.
    pub tickets: u64,
    /// Open tickets.
    pub open: u64,
    /// Pending tickets.
    pub pending: u64,
    /// Closed tickets.
    pub closed: u64,
    /// Messages.
    pub messages: u64,
    /// Tickets with messages whose `lastMessage` or `updatedAt` is not their newest message's
    /// body or time (0 when consistent).
    pub stale_last_message: u64,
    /// (channel, contact) pairs with more than one open-or-pending ticket (0 when consistent).
    pub duplicate_active: u64,
    /// Pending tickets whose `unreadMessages` differs from their unread messages (0 when
    /// consistent).
    pub wrong_unread: u64,
}

/// Counts and checks every bench tenant (for tests and reports; it reads every message once).
pub async fn bench_census(db: &Db) -> Result<Vec<BenchTenantCensus>, PersistenceError> {
    let mut out = Vec::new();
    for tenant in bench_tenants(db).await? {
        let t = tenant.tenant_id;
        let count = |sql: String| async move { count_of(db, &sql).await };
        out.push(BenchTenantCensus {
            users: count(format!(r#"SELECT COUNT(*) FROM "Users" WHERE "tenantId" = {t}"#))
                .await?,
            queues: count(format!(
                r#"SELECT COUNT(*) FROM "Queues" WHERE "tenantId" = {t}"#
            ))
            .await?,
            users_queues: count(format!(
                r#"SELECT COUNT(*) FROM "UsersQueues" uq JOIN "Queues" q ON q.id = uq."queueId" WHERE q."tenantId" = {t}"#
            ))
            .await?,
            connected_channels: count(format!(
                r#"SELECT COUNT(*) FROM "Whatsapps" WHERE "tenantId" = {t} AND status = 'CONNECTED' AND type = 'whatsapp' AND "isDefault" = TRUE"#
            ))
            .await?,
            contacts: count(format!(
                r#"SELECT COUNT(*) FROM "Contacts" WHERE "tenantId" = {t}"#
            ))
            .await?,
            tickets: count(format!(
                r#"SELECT COUNT(*) FROM "Tickets" WHERE "tenantId" = {t}"#
            ))
            .await?,
            open: count(format!(
                r#"SELECT COUNT(*) FROM "Tickets" WHERE "tenantId" = {t} AND status = 'open'"#
            ))
            .await?,
            pending: count(format!(
                r#"SELECT COUNT(*) FROM "Tickets" WHERE "tenantId" = {t} AND status = 'pending'"#
            ))
            .await?,
            closed: count(format!(
                r#"SELECT COUNT(*) FROM "Tickets" WHERE "tenantId" = {t} AND status = 'closed'"#
            ))
            .await?,
            messages: count(format!(
                r#"SELECT COUNT(*) FROM "Messages" WHERE "tenantId" = {t}"#
            ))
            .await?,
            stale_last_message: count(format!(
                r#"SELECT COUNT(*) FROM "Tickets" t WHERE t."tenantId" = {t}
                   AND EXISTS (SELECT 1 FROM "Messages" m WHERE m."ticketId" = t.id)
                   AND (COALESCE(t."lastMessage", '') <> COALESCE((SELECT m.body FROM "Messages" m WHERE m."ticketId" = t.id ORDER BY m."createdAt" DESC LIMIT 1), '')
                     OR t."updatedAt" <> (SELECT MAX(m."createdAt") FROM "Messages" m WHERE m."ticketId" = t.id))"#
            ))
            .await?,
            duplicate_active: count(format!(
                r#"SELECT COUNT(*) FROM (SELECT "whatsappId", "contactId" FROM "Tickets" WHERE "tenantId" = {t} AND status IN ('open', 'pending') GROUP BY "whatsappId", "contactId" HAVING COUNT(*) > 1) d"#
            ))
            .await?,
            wrong_unread: count(format!(
                r#"SELECT COUNT(*) FROM "Tickets" t WHERE t."tenantId" = {t} AND t.status = 'pending'
                   AND COALESCE(t."unreadMessages", 0) <> (SELECT COUNT(*) FROM "Messages" m WHERE m."ticketId" = t.id AND m.read = FALSE AND m."fromMe" = FALSE)"#
            ))
            .await?,
            tenant,
        });
    }
    Ok(out)
}

async fn count_of(db: &Db, sql: &str) -> Result<u64, PersistenceError> {
    let row = db
        .conn
        .query_one_raw(Statement::from_string(db.conn.get_database_backend(), sql))
        .await
        .map_err(PersistenceError::query)?
        .ok_or_else(|| PersistenceError::Query(format!("no row from: {sql}")))?;
    let n: i64 = get(&row, 0)?;
    Ok(n.unsigned_abs())
}

fn get<T: sea_orm::TryGetable>(row: &QueryResult, index: usize) -> Result<T, PersistenceError> {
    row.try_get_by_index(index).map_err(PersistenceError::query)
}

async fn tenant_exists(db: &Db, name: &str) -> Result<bool, PersistenceError> {
    let backend = db.conn.get_database_backend();
    let sql = format!(
        r#"SELECT COUNT(*) FROM "Tenants" WHERE name = {}"#,
        placeholder(backend, 1)
    );
    let row = db
        .conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [name.into()]))
        .await
        .map_err(PersistenceError::query)?;
    let n: i64 = match row {
        Some(r) => get(&r, 0)?,
        None => 0,
    };
    Ok(n > 0)
}

fn placeholder(backend: DbBackend, i: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${i}"),
        _ => "?".to_owned(),
    }
}

fn truncate_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn at_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::UNIX_EPOCH)
}

/// The rows of a tenant that are not bulk: its channel, queues and agents.
#[derive(Debug, Clone)]
struct TenantBase {
    tenant: i32,
    channel: i32,
    queues: Vec<i32>,
    /// Agents of each queue (same order as `queues`).
    queue_agents: Vec<Vec<i32>>,
}

async fn create_tenant_base(
    db: &Db,
    n: u32,
    agent_hash: &str,
    now: DateTime<Utc>,
) -> Result<TenantBase, PersistenceError> {
    let provisioned = provision_tenant(
        db,
        &bench_tenant_name(n),
        &bench_admin_email(n),
        Some(BENCH_PASSWORD),
    )
    .await?;
    let tenant = provisioned.tenant.get();
    let backend = db.conn.get_database_backend();
    let txn = db.conn.begin().await.map_err(PersistenceError::query)?;
    // Room for the admin and the agents (provisioning allows 10 users).
    let max_users = i32::try_from(AGENTS_PER_TENANT + 10).unwrap_or(i32::MAX);
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            r#"UPDATE "Tenants" SET "maxUsers" = {}, "updatedAt" = {} WHERE id = {}"#,
            placeholder(backend, 1),
            placeholder(backend, 2),
            placeholder(backend, 3)
        ),
        [max_users.into(), now.into(), tenant.into()],
    ))
    .await
    .map_err(PersistenceError::query)?;
    let channel = whatsapps::ActiveModel {
        session: Set(Some(String::new())),
        qrcode: Set(Some(String::new())),
        status: Set(Some(ChannelStatus::Connected.as_str().to_owned())),
        battery: Set(Some("100".to_owned())),
        plugged: Set(Some(true)),
        name: Set(BENCH_CHANNEL.to_owned()),
        is_default: Set(true),
        retries: Set(0),
        tenant_id: Set(tenant),
        number: Set(Some(format!("55113{:07}", 1_000_000 + u64::from(n)))),
        phone: Set(Some(json!({}))),
        is_deleted: Set(Some(false)),
        r#type: Set(ChannelType::Whatsapp.as_str().to_owned()),
        token_hook: Set(Some(String::new())),
        is_active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(PersistenceError::query)?;
    let mut queue_ids = Vec::with_capacity(BENCH_QUEUES.len());
    for name in BENCH_QUEUES {
        let row = queues::ActiveModel {
            queue: Set(name.to_owned()),
            user_id: Set(None),
            is_active: Set(true),
            tenant_id: Set(tenant),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(PersistenceError::query)?;
        queue_ids.push(row.id);
    }
    let configs = json!({
        "filtrosAtendimento": {
            "searchParam": "", "pageNumber": 1, "status": ["open", "pending", "closed"],
            "showAll": false, "count": null, "queuesIds": [], "withUnreadMessages": false,
            "isNotAssignedUser": false, "includeNotQueueDefined": true
        },
        "isDark": false
    });
    let mut queue_agents = vec![Vec::new(); queue_ids.len()];
    for k in 1..=AGENTS_PER_TENANT {
        let user = users::ActiveModel {
            name: Set(format!(
                "{} (agente {k})",
                AGENT_NAMES[k as usize % AGENT_NAMES.len()]
            )),
            email: Set(bench_agent_email(n, k)),
            password_hash: Set(agent_hash.to_owned()),
            profile: Set(UserProfile::User.as_str().to_owned()),
            token_version: Set(0),
            tenant_id: Set(tenant),
            is_online: Set(Some(false)),
            configs: Set(Some(configs.clone())),
            status: Set("offline".to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| {
            if crate::error::is_unique_violation(&e) {
                PersistenceError::Domain(DomainError::conflict(
                    "ERR_EMAIL_ALREADY_EXISTS",
                    format!(
                        "the e-mail {} is already in use: run bench seed on a fresh database",
                        bench_agent_email(n, k)
                    ),
                ))
            } else {
                PersistenceError::query(e)
            }
        })?;
        // Agent k works in queue k mod 3; the first three also help in the next queue.
        let q = k as usize % queue_ids.len();
        let mut memberships = vec![q];
        if k <= 3 {
            memberships.push((q + 1) % queue_ids.len());
        }
        for qi in memberships {
            let (Some(queue), Some(agents)) = (queue_ids.get(qi), queue_agents.get_mut(qi)) else {
                continue;
            };
            users_queues::ActiveModel {
                queue_id: Set(*queue),
                user_id: Set(user.id),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(PersistenceError::query)?;
            agents.push(user.id);
        }
    }
    txn.commit().await.map_err(PersistenceError::query)?;
    Ok(TenantBase {
        tenant,
        channel: channel.id,
        queues: queue_ids,
        queue_agents,
    })
}

/// Everything the generator threads of one tenant need.
#[derive(Debug)]
struct TenantGen {
    n: u32,
    base: TenantBase,
    share: TenantShare,
    now_ms: i64,
    seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Open,
    Pending,
    Closed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Pending => "pending",
            Status::Closed => "closed",
        }
    }
}

/// One ticket, decided before its row and its messages are written.
#[derive(Debug, Clone)]
struct TicketPlan {
    contact: u64,
    status: Status,
    queue: Option<i32>,
    user: Option<i32>,
    created_ms: i64,
    messages: u64,
    /// Seed of the ticket's conversation (times, directions, texts).
    seed: u64,
}

#[derive(Debug, Default, Clone, Copy)]
struct StatusCounts {
    open: u64,
    pending: u64,
    closed: u64,
}

/// One message of a conversation, relative to its first message.
#[derive(Debug, Clone, Copy)]
struct Turn {
    offset_ms: i64,
    from_me: bool,
    text: &'static str,
}

/// The conversation of a ticket, message by message: the same seed gives the same turns, so
/// the ticket row (newest message) and the message rows agree.
fn conversation(seed: u64, count: u64, inbound_only: bool, mut each: impl FnMut(u64, Turn)) {
    let mut rng = Rng::new(seed);
    let mut offset = 0i64;
    let mut from_me = false;
    for k in 0..count {
        if k > 0 {
            // 30 s to ~20 min between messages.
            offset += 30_000 + i64::try_from(rng.below(1_170_000)).unwrap_or(0);
            from_me = !inbound_only && rng.chance(50);
        }
        let text = if from_me {
            pick(&mut rng, AGENT_TEXTS)
        } else if k == 0 {
            pick(&mut rng, OPENING_TEXTS)
        } else {
            pick(&mut rng, CUSTOMER_TEXTS)
        };
        each(
            k,
            Turn {
                offset_ms: offset,
                from_me,
                text,
            },
        );
    }
}

fn pick(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    let i = rng.below(items.len() as u64) as usize;
    items.get(i).copied().unwrap_or("Olá")
}

/// The newest turn of a conversation (its time offset, direction and text).
fn last_turn(seed: u64, count: u64, inbound_only: bool) -> Option<Turn> {
    let mut last = None;
    conversation(seed, count, inbound_only, |_, t| last = Some(t));
    last
}

/// Plans the tickets of a tenant: contact, status, queue, agent, time and message count.
fn plan_tickets(g: &TenantGen) -> (Vec<TicketPlan>, StatusCounts) {
    let k_total = g.share.tickets;
    let c_total = g.share.contacts.max(1);
    let mut rng = Rng::new(g.seed ^ 0x7469_636b_6574);
    // Only a contact's first ticket may be open or pending (one active ticket per contact and
    // channel); the odds are raised so that ~10 % open and ~15 % pending of all tickets remain
    // when contacts have several tickets.
    let firsts = k_total.min(c_total).max(1);
    let scale = ((k_total as f64 / firsts as f64) * 0.25).min(1.0) / 0.25;
    let p_open = 0.10 * scale;
    let p_pending = 0.15 * scale;
    // Messages per ticket: one each, the rest in proportion to a weight (some conversations
    // are long).
    let weights: Vec<u64> = (0..k_total)
        .map(|_| {
            if rng.chance(20) {
                4 + rng.below(12)
            } else {
                1 + rng.below(3)
            }
        })
        .collect();
    let weight_sum: u64 = weights.iter().sum::<u64>().max(1);
    let extra = g.share.messages.saturating_sub(k_total);
    let mut counts: Vec<u64> = weights
        .iter()
        .map(|w| {
            if g.share.messages == 0 {
                0
            } else {
                1 + (u128::from(extra) * u128::from(*w) / u128::from(weight_sum)) as u64
            }
        })
        .collect();
    let assigned: u64 = counts.iter().sum();
    let mut left = g.share.messages.saturating_sub(assigned);
    let mut i = 0usize;
    while left > 0 && !counts.is_empty() {
        let len = counts.len();
        if let Some(c) = counts.get_mut(i % len) {
            *c += 1;
        }
        left -= 1;
        i += 1;
    }
    let mut stats = StatusCounts::default();
    let mut plans = Vec::with_capacity(counts.len());
    for (j, messages) in counts.into_iter().enumerate() {
        let j = j as u64;
        let contact = j % c_total;
        let first_of_contact = j < c_total;
        let status = if first_of_contact {
            let u = rng.unit();
            if u < p_open {
                Status::Open
            } else if u < p_open + p_pending {
                Status::Pending
            } else {
                Status::Closed
            }
        } else {
            Status::Closed
        };
        match status {
            Status::Open => stats.open += 1,
            Status::Pending => stats.pending += 1,
            Status::Closed => stats.closed += 1,
        }
        let qi = rng.below(g.base.queues.len() as u64) as usize;
        let queue = if status == Status::Pending && rng.chance(20) {
            None
        } else {
            g.base.queues.get(qi).copied()
        };
        let user = match status {
            Status::Pending => None,
            _ => g.base.queue_agents.get(qi).and_then(|agents| {
                let a = rng.below(agents.len() as u64) as usize;
                agents.get(a).copied()
            }),
        };
        let seed = rng.next();
        let span = last_turn(seed, messages, status == Status::Pending).map_or(0, |t| t.offset_ms);
        // Active tickets moved in the last 3 days (before the 7-day auto-close), the others in
        // the last 90.
        let days = if status == Status::Closed { 90 } else { 3 };
        let window = days * DAY_MS;
        let ago = i64::try_from(rng.below(window.unsigned_abs())).unwrap_or(0) + 60_000;
        plans.push(TicketPlan {
            contact,
            status,
            queue,
            user,
            created_ms: g.now_ms - ago - span,
            messages,
            seed,
        });
    }
    (plans, stats)
}

/// Writes a tenant's contacts, tickets and messages.
async fn seed_tenant_rows(
    db: &Db,
    g: &Arc<TenantGen>,
    progress: &dyn Fn(&str),
) -> Result<StatusCounts, PersistenceError> {
    let tenant = g.base.tenant;
    let n = g.n;

    // Contacts.
    let gen_ctx = Arc::clone(g);
    run_pipeline(db, &CONTACT_COLUMNS, 1, None, move |sink| {
        let g = gen_ctx;
        let mut rng = Rng::new(g.seed ^ 0x0063_6f6e_7461_6374);
        for i in 0..g.share.contacts {
            let first = pick(&mut rng, FIRST_NAMES);
            let last = pick(&mut rng, LAST_NAMES);
            let email = rng.chance(25).then(|| {
                format!(
                    "{}.{}{}@exemplo.com.br",
                    ascii_lower(first),
                    ascii_lower(last),
                    i % 1000
                )
            });
            // Known for a while before their tickets (older than 91 days).
            let created =
                g.now_ms - 91 * DAY_MS - i64::try_from(rng.below(365 * DAY_MS as u64)).unwrap_or(0);
            let row = vec![
                Value::from(format!("{first} {last}")),
                Value::from(bench_contact_number(g.n, i)),
                Value::String(email),
                Value::from(false),
                Value::from(g.base.tenant),
                Value::from(first.to_owned()),
                Value::from(true),
                Value::from(true),
                Value::from(at_ms(created)),
                Value::from(at_ms(created)),
            ];
            if !sink.push(row) {
                return;
            }
        }
    })
    .await?;
    let contact_ids = ids_of(db, "Contacts", tenant).await?;
    if contact_ids.len() as u64 != g.share.contacts {
        return Err(PersistenceError::Query(format!(
            "tenant {n}: expected {} contacts, found {}",
            g.share.contacts,
            contact_ids.len()
        )));
    }
    progress(&format!(
        "bench seed: tenant {n}: {} contacts written",
        contact_ids.len()
    ));

    // Tickets.
    let gen_ctx = Arc::clone(g);
    let contact_ids = Arc::new(contact_ids);
    let ticket_contacts = Arc::clone(&contact_ids);
    let (plans, stats) = run_pipeline(db, &TICKET_COLUMNS, 1, None, move |sink| {
        let g = gen_ctx;
        let (plans, stats) = plan_tickets(&g);
        for p in &plans {
            let contact_id = ticket_contacts.get(p.contact as usize).copied();
            let pending = p.status == Status::Pending;
            let last = last_turn(p.seed, p.messages, pending);
            let last_ms = p.created_ms + last.map_or(0, |t| t.offset_ms);
            let opened = p.status != Status::Pending;
            let row = vec![
                Value::from(p.status.as_str()),
                Value::String(last.map(|t| t.text.to_owned())),
                Value::Int(contact_id),
                Value::Int(p.user),
                Value::from(g.base.channel),
                Value::from(false),
                Value::Int(p.queue),
                Value::from(g.base.tenant),
                Value::from(if pending {
                    i32::try_from(p.messages).unwrap_or(i32::MAX)
                } else {
                    0
                }),
                Value::from(last.is_some_and(|t| t.from_me)),
                Value::from("whatsapp"),
                Value::BigInt(last.map(|_| last_ms)),
                Value::BigInt(opened.then_some(p.created_ms)),
                Value::BigInt((p.status == Status::Closed).then_some(last_ms)),
                Value::from(false),
                Value::from(0i32),
                Value::from(false),
                Value::from(i32::from(opened)),
                Value::from(at_ms(p.created_ms)),
                Value::from(at_ms(last_ms)),
            ];
            if !sink.push(row) {
                break;
            }
        }
        (plans, stats)
    })
    .await?;
    let ticket_ids = ids_of(db, "Tickets", tenant).await?;
    if ticket_ids.len() != plans.len() {
        return Err(PersistenceError::Query(format!(
            "tenant {n}: expected {} tickets, found {}",
            plans.len(),
            ticket_ids.len()
        )));
    }
    progress(&format!(
        "bench seed: tenant {n}: {} tickets written ({} open, {} pending, {} closed)",
        ticket_ids.len(),
        stats.open,
        stats.pending,
        stats.closed
    ));

    // Messages: their order does not matter, so PostgreSQL gets two writers (the database
    // then works on both cores while the generator prepares the next batches).
    let message_writers = match db.backend() {
        crate::db::Backend::Postgres => 2,
        crate::db::Backend::Sqlite => 1,
    };
    let gen_ctx = Arc::clone(g);
    let total = g.share.messages;
    let report_every = (total / 5).max(200_000);
    let on_rows = |done: u64| {
        if done % report_every < ROWS_PER_STATEMENT as u64 && done < total {
            progress(&format!(
                "bench seed: tenant {n}: {done}/{total} messages written"
            ));
        }
    };
    run_pipeline(
        db,
        &MESSAGE_COLUMNS,
        message_writers,
        Some(&on_rows),
        move |sink| {
            let g = gen_ctx;
            let mut ids = Rng::new(g.seed ^ 0x6d65_7373_6167_6573);
            let mut seq = 0u64;
            for (p, ticket_id) in plans.iter().zip(ticket_ids.iter()) {
                let contact_id = contact_ids.get(p.contact as usize).copied();
                let pending = p.status == Status::Pending;
                let count = p.messages;
                let mut stopped = false;
                conversation(p.seed, count, pending, |k, turn| {
                    if stopped {
                        return;
                    }
                    seq += 1;
                    let at = p.created_ms + turn.offset_ms;
                    let newest = k + 1 == count;
                    let mut bytes = [0u8; 16];
                    bytes[..8].copy_from_slice(&ids.next().to_le_bytes());
                    bytes[8..].copy_from_slice(&ids.next().to_le_bytes());
                    let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
                    let (ack, status, user, send_type, timestamp) = if turn.from_me {
                        // Sent by the ticket's agent, delivered (newest) or read.
                        (
                            if newest { 2 } else { 3 },
                            "sended",
                            p.user,
                            Some("chat"),
                            at,
                        )
                    } else {
                        (0, "received", None, None, at / 1000)
                    };
                    let row = vec![
                        Value::from(id.to_string()),
                        Value::from(format!("bench_{}_{seq}", g.n)),
                        Value::from(turn.text),
                        Value::from(ack),
                        Value::from(turn.from_me || !pending),
                        Value::from(turn.from_me),
                        Value::from("chat"),
                        Value::from(*ticket_id),
                        Value::Int(contact_id),
                        Value::from(timestamp),
                        Value::Int(user),
                        Value::String(send_type.map(str::to_owned)),
                        Value::from(status),
                        Value::from(g.base.tenant),
                        Value::from(""),
                        Value::from(false),
                        Value::from(at_ms(at)),
                        Value::from(at_ms(at)),
                    ];
                    if !sink.push(row) {
                        stopped = true;
                    }
                });
                if stopped {
                    break;
                }
            }
        },
    )
    .await?;
    if total > 0 {
        progress(&format!("bench seed: tenant {n}: {total} messages written"));
    }
    Ok(stats)
}

/// Ids of a tenant's rows of `table`, in id (= insertion) order.
async fn ids_of(db: &Db, table: &str, tenant: i32) -> Result<Vec<i32>, PersistenceError> {
    let backend = db.conn.get_database_backend();
    let sql = format!(
        r#"SELECT id FROM "{table}" WHERE "tenantId" = {} ORDER BY id"#,
        placeholder(backend, 1)
    );
    let rows = db
        .conn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [tenant.into()],
        ))
        .await
        .map_err(PersistenceError::query)?;
    rows.iter().map(|r| get::<i32>(r, 0)).collect()
}

/// A table and the columns the generator fills, in row order.
struct Columns {
    table: &'static str,
    names: &'static [&'static str],
}

const CONTACT_COLUMNS: Columns = Columns {
    table: "Contacts",
    names: &[
        "name",
        "number",
        "email",
        "isGroup",
        "tenantId",
        "pushname",
        "isUser",
        "isWAContact",
        "createdAt",
        "updatedAt",
    ],
};

const TICKET_COLUMNS: Columns = Columns {
    table: "Tickets",
    names: &[
        "status",
        "lastMessage",
        "contactId",
        "userId",
        "whatsappId",
        "isGroup",
        "queueId",
        "tenantId",
        "unreadMessages",
        "answered",
        "channel",
        "lastMessageAt",
        "startedAttendanceAt",
        "closedAt",
        "isActiveDemand",
        "botRetries",
        "isFarewellMessage",
        "attendanceCount",
        "createdAt",
        "updatedAt",
    ],
};

const MESSAGE_COLUMNS: Columns = Columns {
    table: "Messages",
    names: &[
        "id",
        "messageId",
        "body",
        "ack",
        "read",
        "fromMe",
        "mediaType",
        "ticketId",
        "contactId",
        "timestamp",
        "userId",
        "sendType",
        "status",
        "tenantId",
        "protocolNumber",
        "isDeleted",
        "createdAt",
        "updatedAt",
    ],
};

/// `INSERT INTO "<table>" (<columns>) VALUES (...), ...` for `rows` rows, with the backend's
/// placeholders.
fn insert_sql(backend: DbBackend, cols: &Columns, rows: usize) -> String {
    let width = cols.names.len();
    let mut sql = String::with_capacity(64 + width * 16 + rows * width * 7);
    sql.push_str("INSERT INTO \"");
    sql.push_str(cols.table);
    sql.push_str("\" (");
    for (i, c) in cols.names.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        sql.push('"');
        sql.push_str(c);
        sql.push('"');
    }
    sql.push_str(") VALUES ");
    let mut p = 0usize;
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push(',');
            }
            p += 1;
            match backend {
                DbBackend::Postgres => {
                    sql.push('$');
                    sql.push_str(&p.to_string());
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// One multi-row statement and how many rows it writes.
struct Batch {
    statement: Statement,
    rows: usize,
}

/// The generator's side of a pipeline: rows in, statements out to the writer.
struct BatchSink {
    backend: DbBackend,
    columns: &'static Columns,
    full_sql: String,
    values: Vec<Value>,
    rows: usize,
    tx: mpsc::Sender<Batch>,
}

impl BatchSink {
    /// Adds a row; false when the writer stopped (after an error): generation should stop.
    fn push(&mut self, row: Vec<Value>) -> bool {
        self.values.extend(row);
        self.rows += 1;
        if self.rows == ROWS_PER_STATEMENT {
            return self.flush();
        }
        true
    }

    fn flush(&mut self) -> bool {
        if self.rows == 0 {
            return true;
        }
        let sql = if self.rows == ROWS_PER_STATEMENT {
            self.full_sql.clone()
        } else {
            insert_sql(self.backend, self.columns, self.rows)
        };
        let width = self.columns.names.len();
        let values = std::mem::replace(
            &mut self.values,
            Vec::with_capacity(ROWS_PER_STATEMENT * width),
        );
        let batch = Batch {
            statement: Statement::from_sql_and_values(self.backend, sql, values),
            rows: self.rows,
        };
        self.rows = 0;
        self.tx.blocking_send(batch).is_ok()
    }
}

/// Runs `generate` on a blocking thread, writing the statements it produces as they come
/// (the database works while the next batch is generated); returns what `generate` returned.
async fn run_pipeline<R, G>(
    db: &Db,
    columns: &'static Columns,
    writers: usize,
    on_rows: Option<&dyn Fn(u64)>,
    generate: G,
) -> Result<R, PersistenceError>
where
    R: Send + 'static,
    G: FnOnce(&mut BatchSink) -> R + Send + 'static,
{
    let backend = db.conn.get_database_backend();
    let (tx, rx) = mpsc::channel::<Batch>(4);
    let width = columns.names.len();
    let generator = tokio::task::spawn_blocking(move || {
        let mut sink = BatchSink {
            backend,
            columns,
            full_sql: insert_sql(backend, columns, ROWS_PER_STATEMENT),
            values: Vec::with_capacity(ROWS_PER_STATEMENT * width),
            rows: 0,
            tx,
        };
        let out = generate(&mut sink);
        sink.flush();
        out
    });
    let written = write_batches(&db.conn, rx, writers, on_rows).await;
    // On a write error the receiver is dropped, so the generator stops at its next batch.
    let out = generator
        .await
        .map_err(|e| PersistenceError::Query(format!("bench data generator failed: {e}")))?;
    written?;
    Ok(out)
}

/// Executes the batches on `writers` connections at once (1 or 2), each in transactions of
/// [`STATEMENTS_PER_TRANSACTION`] statements; returns the rows written.
async fn write_batches(
    conn: &DatabaseConnection,
    rx: mpsc::Receiver<Batch>,
    writers: usize,
    on_rows: Option<&dyn Fn(u64)>,
) -> Result<u64, PersistenceError> {
    let rx = tokio::sync::Mutex::new(rx);
    let done = Cell::new(0u64);
    let one = || async {
        let written = write_some(conn, &rx, &done, on_rows).await;
        if written.is_err() {
            // Stop the generator; the other writer drains what is queued.
            rx.lock().await.close();
        }
        written
    };
    if writers > 1 {
        let (a, b) = tokio::join!(one(), one());
        a?;
        b?;
    } else {
        one().await?;
    }
    Ok(done.get())
}

/// One writer of [`write_batches`].
async fn write_some(
    conn: &DatabaseConnection,
    rx: &tokio::sync::Mutex<mpsc::Receiver<Batch>>,
    done: &Cell<u64>,
    on_rows: Option<&dyn Fn(u64)>,
) -> Result<(), PersistenceError> {
    let mut in_txn = 0usize;
    let mut txn = None;
    loop {
        let next = rx.lock().await.recv().await;
        let Some(batch) = next else { break };
        let current = match txn.take() {
            Some(t) => t,
            None => conn.begin().await.map_err(PersistenceError::query)?,
        };
        current
            .execute_raw(batch.statement)
            .await
            .map_err(PersistenceError::query)?;
        done.set(done.get() + batch.rows as u64);
        in_txn += 1;
        if in_txn >= STATEMENTS_PER_TRANSACTION {
            current.commit().await.map_err(PersistenceError::query)?;
            in_txn = 0;
        } else {
            txn = Some(current);
        }
        if let Some(f) = on_rows {
            f(done.get());
        }
    }
    if let Some(t) = txn {
        t.commit().await.map_err(PersistenceError::query)?;
    }
    Ok(())
}

/// ASCII-only lower case of a name, for e-mail addresses.
fn ascii_lower(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'Á' | 'Â' | 'Ã' => 'a',
            'é' | 'ê' | 'É' | 'Ê' => 'e',
            'í' | 'Í' => 'i',
            'ó' | 'ô' | 'õ' | 'Ó' | 'Ô' | 'Õ' => 'o',
            'ú' | 'ü' | 'Ú' => 'u',
            'ç' | 'Ç' => 'c',
            other => other.to_ascii_lowercase(),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_numbers_are_brazilian_mobiles_and_unique_per_tenant() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..50_000u64 {
            let number = bench_contact_number(3, i);
            assert_eq!(number.len(), 13, "{number}");
            assert!(number.starts_with("55"));
            assert_eq!(&number[4..5], "9");
            assert!(matches!(&number[5..6], "6" | "7" | "8" | "9"), "{number}");
            let parsed = tiktickets_domain::phone::normalize(&number).expect("valid");
            // The 12-digit form is a variant too, so the area code is a real one.
            assert_eq!(tiktickets_domain::phone::lookup_variants(&parsed).len(), 2);
            assert!(seen.insert(number));
        }
        assert_ne!(bench_contact_number(1, 0), bench_contact_number(2, 0));
        assert!(!seen.contains(&bench_new_number(7)));
        assert_eq!(bench_new_number(7).len(), 13);
    }

    #[test]
    fn shares_give_tenant_one_the_remainder_and_plans_are_checked() {
        let plan = BenchPlan {
            tenants: 3,
            contacts: 10,
            tickets: 10,
            messages: 31,
        };
        assert_eq!(
            plan.share(1),
            TenantShare {
                contacts: 4,
                tickets: 4,
                messages: 11
            }
        );
        assert_eq!(plan.share(2).contacts, 3);
        assert!(plan.validate().is_ok());
        let bad = |p: BenchPlan| p.validate().is_err();
        assert!(bad(BenchPlan { tenants: 0, ..plan }));
        assert!(bad(BenchPlan {
            messages: 5,
            ..plan
        }));
        assert!(bad(BenchPlan {
            contacts: 0,
            ..plan
        }));
        assert!(bad(BenchPlan {
            tickets: 1000,
            messages: 0,
            ..plan
        }));
        assert!(!bad(BenchPlan {
            tickets: 0,
            messages: 0,
            ..plan
        }));
    }

    #[test]
    fn conversations_replay_identically() {
        let mut a = Vec::new();
        conversation(42, 10, false, |k, t| {
            a.push((k, t.offset_ms, t.from_me, t.text))
        });
        let last = last_turn(42, 10, false).expect("a turn");
        let newest = a.last().expect("ten turns");
        assert_eq!(
            (newest.1, newest.2, newest.3),
            (last.offset_ms, last.from_me, last.text)
        );
        assert!(a.windows(2).all(|w| w[1].1 > w[0].1), "times increase");
        let mut inbound = true;
        conversation(42, 10, true, |_, t| inbound &= !t.from_me);
        assert!(inbound);
        assert!(last_turn(1, 0, false).is_none());
    }

    #[test]
    fn insert_sql_numbers_placeholders() {
        let sql = insert_sql(DbBackend::Postgres, &CONTACT_COLUMNS, 2);
        assert!(sql.starts_with(r#"INSERT INTO "Contacts" ("name","number""#));
        assert!(sql.ends_with("$19,$20)"));
        let sql = insert_sql(DbBackend::Sqlite, &CONTACT_COLUMNS, 2);
        assert_eq!(sql.matches('?').count(), 20);
    }
}
