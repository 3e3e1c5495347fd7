//! `tiktickets bench fanout --clients N --messages M`: the real server in this process on
//! 127.0.0.1:0, N Socket.IO clients of one tenant (a minimal client of our own over awc
//! WebSockets, multiplexed on a few threads), then M messages sent one at a time through the
//! REST API. Every client records when the `chat:create` of each message reaches it; the
//! latency is that moment minus the moment just before the POST was sent (one process, one
//! clock). Progress goes to stderr; the figures to stdout, the summary line last:
//! `fanout: clients=<N> p50=<ms> p99=<ms> lost=<k>`.
//!
//! The benchmark works in its own tenant (`bench-fanout@tiktickets.local`, created on the
//! first run and reused after; its admin gets a new random password at every run), so a
//! real tenant never sees its messages.

use std::process::Command;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_rt::Arbiter;
use anyhow::{Context, anyhow, bail};
use awc::error::WsProtocolError;
use awc::ws;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use serde_json::{Value, json};
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::{ChannelType, MediaType, TenantStatus};
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::password::hash_password;
use tiktickets_domain::phone::normalize;
use tiktickets_domain::services::ingest::{InboundMessage, Ingested};
use tiktickets_domain::store::channels::ChannelInput;
use tiktickets_domain::store::contacts::InboundContact;
use tiktickets_domain::store::users::UserPatch;
use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio::time::{sleep, timeout};

use super::Latencies;
use crate::serve::{Prepared, http_server, prepare};
use crate::settings::Settings;

/// HTTP workers of the server under test.
const SERVER_WORKERS: usize = 2;
/// Threads the clients are spread over (each runs many clients).
const CLIENT_THREADS: usize = 2;
/// Clients in their handshake at once, over all client threads.
const CONNECT_CONCURRENCY: usize = 200;
/// Time one client has for its WebSocket, Socket.IO CONNECT and room joins.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest WebSocket frame a client accepts.
const MAX_FRAME: usize = 4 << 20;
/// Longest wait for every client to receive one message before the next is sent.
const MESSAGE_WAIT: Duration = Duration::from_secs(10);
/// Pause between two messages.
const PAUSE: Duration = Duration::from_millis(50);
/// Wait after the last message for stragglers and duplicates.
const SETTLE: Duration = Duration::from_secs(3);
/// File descriptors kept free beyond the two sockets per client.
const FD_SLACK: u64 = 64;

/// The benchmark's own tenant admin.
const BENCH_EMAIL: &str = "bench-fanout@tiktickets.local";
/// Its tenant's name.
const BENCH_TENANT: &str = "Bench fan-out";
/// The contact whose ticket receives the messages.
const BENCH_CONTACT: &str = "5511900001234";
/// What marks a `chat:create` event.
const CHAT_CREATE: &str = "\"type\":\"chat:create\"";

/// Runs the benchmark.
pub async fn run(settings: &Settings, clients: usize, messages: usize) -> anyhow::Result<()> {
    if clients == 0 {
        bail!("--clients must be at least 1: the number of Socket.IO clients to connect");
    }
    if messages == 0 {
        bail!("--messages must be at least 1: the number of messages sent to the clients");
    }
    let mut settings = settings.clone();
    settings.sessions.enabled = false;
    let prepared = prepare(&settings).await?;
    let (server, addrs) = http_server(&prepared, "127.0.0.1", 0, Some(SERVER_WORKERS))?;
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let result = match addrs.first() {
        Some(addr) => bench(&prepared, &format!("http://{addr}"), clients, messages).await,
        None => Err(anyhow!("the server bound no address")),
    };
    handle.stop(false).await;
    if let Ok(db) = timeout(Duration::from_secs(30), prepared.shutdown()).await {
        let _ = db.close().await;
    }
    result
}

/// The tenant, ticket and login the clients use.
struct Fixture {
    tenant: i32,
    ticket: i32,
    token: String,
}

/// What every client of every thread shares.
struct Shared {
    /// `ws://.../socket.io/?EIO=4&transport=websocket`.
    ws_url: String,
    /// `40{"token":...}`.
    connect_packet: String,
    /// The room joins, with ack ids 1, 2, ...
    joins: Vec<String>,
    /// `42["<t>:ticketList",`: the start of the frames that count.
    event_prefix: String,
    /// The text that precedes a message's number in its body.
    marker: String,
    /// Messages that will be sent.
    messages: usize,
    /// Clients that received each message (first receipts only).
    received: Vec<AtomicUsize>,
    /// Clients connected so far.
    connected: AtomicUsize,
    /// Clients whose handshake failed.
    failed: AtomicUsize,
    /// A handshake failed for lack of file descriptors.
    too_many_files: AtomicBool,
}

impl Shared {
    fn new(base: &str, fx: &Fixture, messages: usize) -> Shared {
        let t = fx.tenant;
        let run = uuid::Uuid::new_v4().simple().to_string();
        Shared {
            ws_url: format!(
                "{}/socket.io/?EIO=4&transport=websocket",
                base.replacen("http://", "ws://", 1)
            ),
            connect_packet: format!("40{}", json!({"token": fx.token})),
            joins: vec![
                format!("421{}", json!([format!("{t}:joinNotification")])),
                format!("422{}", json!([format!("tenant:{t}:joinTickets"), "open"])),
            ],
            event_prefix: format!("42[\"{t}:ticketList\","),
            marker: format!("fanout-{}-", run.get(..12).unwrap_or(&run)),
            messages,
            received: (0..messages).map(|_| AtomicUsize::new(0)).collect(),
            connected: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            too_many_files: AtomicBool::new(false),
        }
    }

    /// The body of message `k`.
    fn body(&self, k: usize) -> String {
        format!("{}{k} (bench fan-out)", self.marker)
    }

    fn settled(&self) -> usize {
        self.connected.load(Ordering::Relaxed) + self.failed.load(Ordering::Relaxed)
    }
}

/// The message number of a `chat:create` frame of this run, if `text` is one. Deliberately a
/// scan rather than a JSON parse: with 10,000 clients every microsecond spent here is taken
/// from the server under test on the same cores.
fn message_of(text: &str, event_prefix: &str, marker: &str) -> Option<usize> {
    if !text.starts_with(event_prefix) || !text.contains(CHAT_CREATE) {
        return None;
    }
    let start = text.find(marker)? + marker.len();
    let rest = text.get(start..)?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest.get(..digits)?.parse().ok()
}

/// The id of a Socket.IO ack `43<id>[...]` and whether it says `{"ok":true}`.
fn ack_of(text: &str) -> Option<(u64, bool)> {
    let rest = text.strip_prefix("43")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let id = rest.get(..digits)?.parse().ok()?;
    let args = rest.get(digits..)?;
    Some((id, args.replace(' ', "").contains("{\"ok\":true}")))
}

/// What a client's handshake failure says about file descriptors.
fn is_too_many_files(error: &str) -> bool {
    error.contains("os error 24") || error.contains("Too many open files")
}

async fn bench(
    prepared: &Prepared,
    base: &str,
    clients: usize,
    messages: usize,
) -> anyhow::Result<()> {
    let http = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let fx = fixture(prepared, base, &http).await?;
    ensure_file_limit(clients)?;
    let shared = Arc::new(Shared::new(base, &fx, messages));
    let threads = CLIENT_THREADS.clamp(1, clients);
    let per_thread_concurrency = (CONNECT_CONCURRENCY / threads).max(1);
    println!(
        "fanout: server {base} ({SERVER_WORKERS} workers), tenant {}, ticket {}; {clients} \
         clients on {threads} threads, {CONNECT_CONCURRENCY} connecting at a time",
        fx.tenant, fx.ticket
    );

    // Connect.
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut groups = Vec::with_capacity(threads);
    let started = Instant::now();
    for i in 0..threads {
        let count = clients / threads + usize::from(i < clients % threads);
        groups.push(start_group(
            shared.clone(),
            count,
            per_thread_concurrency,
            stop_rx.clone(),
        ));
    }
    let mut last_progress = Instant::now();
    while shared.settled() < clients {
        sleep(Duration::from_millis(20)).await;
        if last_progress.elapsed() >= Duration::from_secs(2) {
            last_progress = Instant::now();
            eprintln!(
                "fanout: {} of {clients} clients connected, {} failed ({:.1} s)",
                shared.connected.load(Ordering::Relaxed),
                shared.failed.load(Ordering::Relaxed),
                started.elapsed().as_secs_f64()
            );
        }
    }
    let connect_time = started.elapsed();
    let mut first_error = None;
    for group in &mut groups {
        if let Some(rx) = group.first_error.take()
            && let Ok(Some(e)) = rx.await
        {
            first_error.get_or_insert(e);
        }
    }
    let connected = shared.connected.load(Ordering::Relaxed);
    let failed = shared.failed.load(Ordering::Relaxed);
    println!(
        "connect: {connected} of {clients} clients connected and joined in {:.2} s ({:.0} \
         clients/s), {failed} failed; the server holds {} sockets; process RSS {}",
        connect_time.as_secs_f64(),
        rate(connected, connect_time),
        prepared.gateway.local_sockets(),
        rss().unwrap_or_else(|| "unknown".to_owned())
    );
    if let Some(e) = &first_error {
        eprintln!("fanout: first client failure: {e}");
    }
    if shared.too_many_files.load(Ordering::Relaxed) {
        eprintln!("{}", file_limit_hint(clients));
    }

    // Send, one message at a time.
    let mut sent: Vec<Option<Instant>> = vec![None; messages];
    let mut rest = Latencies::with_capacity(messages);
    let mut send_failures = 0usize;
    if connected > 0 {
        sleep(Duration::from_millis(500)).await;
        let url = format!("{base}/messages/{}", fx.ticket);
        for (k, slot) in sent.iter_mut().enumerate() {
            let payload = json!({"body": shared.body(k), "fromMe": true});
            let at = Instant::now();
            *slot = Some(at);
            match http
                .post(url.as_str())
                .bearer_auth(&fx.token)
                .send_json(&payload)
                .await
            {
                Ok(mut res) if res.status().is_success() => {
                    let _ = res.body().await;
                    rest.push(at.elapsed());
                }
                Ok(mut res) => {
                    let body = res.body().await.unwrap_or_default();
                    send_failures += 1;
                    *slot = None;
                    eprintln!(
                        "fanout: message {k} refused: {} {}",
                        res.status(),
                        String::from_utf8_lossy(&body)
                    );
                    continue;
                }
                Err(e) => {
                    send_failures += 1;
                    *slot = None;
                    eprintln!("fanout: message {k} not sent: {e}");
                    continue;
                }
            }
            let deadline = at + MESSAGE_WAIT;
            while shared
                .received
                .get(k)
                .is_some_and(|r| r.load(Ordering::Relaxed) < connected)
                && Instant::now() < deadline
            {
                sleep(Duration::from_millis(1)).await;
            }
            sleep(PAUSE).await;
        }
        sleep(SETTLE).await;
    }

    // Stop the clients and collect their receipts.
    let _ = stop_tx.send(true);
    let mut report = GroupReport::default();
    for group in groups {
        match timeout(Duration::from_secs(60), group.done).await {
            Ok(Ok(r)) => report.merge(r),
            _ => eprintln!("fanout: a client thread did not report"),
        }
        group.arbiter.stop();
    }

    let mut latencies = Latencies::with_capacity(report.receipts.len());
    let mut last_per_message: Vec<Option<Duration>> = vec![None; messages];
    let mut received = 0usize;
    for (k, at) in &report.receipts {
        if let (Some(Some(sent_at)), Some(last)) = (sent.get(*k), last_per_message.get_mut(*k)) {
            let d = at.saturating_duration_since(*sent_at);
            latencies.push(d);
            *last = Some(last.map_or(d, |l| l.max(d)));
            received += 1;
        }
    }
    let mut completion = Latencies::with_capacity(messages);
    for d in last_per_message.into_iter().flatten() {
        completion.push(d);
    }
    let expected = clients.saturating_mul(messages);
    let lost = expected.saturating_sub(received);
    println!(
        "messages: {} of {messages} sent through POST /messages/{} (request {}), {send_failures} \
         failed",
        messages - send_failures,
        fx.ticket,
        rest.p50_p99()
    );
    println!(
        "delivery: {received} of {expected} events received, {} duplicates, {} clients \
         disconnected early; latency {} p90={:.2} max={:.2} ms",
        report.duplicates,
        report.dropped,
        latencies.p50_p99(),
        latencies.quantile_ms(0.90),
        latencies.quantile_ms(1.0)
    );
    println!(
        "per message, until the last client had it: {} max={:.2} ms",
        completion.p50_p99(),
        completion.quantile_ms(1.0)
    );
    println!(
        "fanout: clients={clients} {} lost={lost}",
        latencies.p50_p99()
    );

    let mut problems = Vec::new();
    if failed > 0 {
        problems.push(format!("{failed} of {clients} clients could not connect"));
    }
    if lost > 0 {
        problems.push(format!("{lost} of {expected} events were lost"));
    }
    if report.duplicates > 0 {
        problems.push(format!("{} events arrived twice", report.duplicates));
    }
    if !problems.is_empty() {
        bail!("bench fanout: {}", problems.join("; "));
    }
    Ok(())
}

fn rate(count: usize, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs <= 0.0 {
        0.0
    } else {
        count as f64 / secs
    }
}

/// The bench tenant (created or reused), its WhatsApp channel, a ticket with an inbound
/// message, and its admin logged in over HTTP.
async fn fixture(prepared: &Prepared, base: &str, http: &awc::Client) -> anyhow::Result<Fixture> {
    let stores = &prepared.state.stores;
    let password = format!("Bf-{}", uuid::Uuid::new_v4().simple());
    let hash = hash_password(&password)?;
    let tenant: TenantId = match stores.tenants.find_login(BENCH_EMAIL).await? {
        Some(record) => {
            if record.tenant_status != TenantStatus::Active {
                bail!(
                    "the bench tenant of {BENCH_EMAIL} (id {}) is not active",
                    record.user.tenant_id
                );
            }
            let cx = TenantCtx::system(record.user.tenant_id);
            stores
                .users
                .update(
                    &cx,
                    record.user.id,
                    UserPatch {
                        password_hash: Some(hash),
                        ..UserPatch::default()
                    },
                )
                .await?;
            record.user.tenant_id
        }
        None => {
            tiktickets_persistence::provision_tenant(
                &prepared.db,
                BENCH_TENANT,
                BENCH_EMAIL,
                Some(&password),
            )
            .await?
            .tenant
        }
    };
    let cx = TenantCtx::system(tenant);
    let channels = stores.channels.list(&cx).await?;
    let channel = match channels.iter().find(|c| c.r#type == ChannelType::Whatsapp) {
        Some(c) => c.id,
        None => {
            stores
                .channels
                .create(
                    &cx,
                    ChannelInput {
                        name: "WhatsApp bench".to_owned(),
                        r#type: ChannelType::Whatsapp,
                        is_default: true,
                        // Never started by a server with sessions on.
                        is_active: false,
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
                .await?
                .id
        }
    };
    let contact = InboundContact {
        number: normalize(BENCH_CONTACT)?,
        name: Some("Bench contact".to_owned()),
        pushname: Some("Bench contact".to_owned()),
        profile_pic_url: None,
        is_user: Some(true),
        is_wa_contact: Some(true),
    };
    let inbound = InboundMessage {
        channel,
        contact,
        group: None,
        from_me: false,
        provider_id: format!("BENCHFANOUT{}", uuid::Uuid::new_v4().simple()),
        body: "Hello (bench fan-out)".to_owned(),
        media_type: MediaType::Chat,
        media_file: None,
        quoted_provider_id: None,
        timestamp: chrono::Utc::now().timestamp(),
    };
    let ticket = match prepared.state.services.ingest(&cx, inbound).await? {
        Ingested::Stored { ticket, .. } => ticket.id.get(),
        other => bail!("ingest did not store the bench message: {other:?}"),
    };

    let mut res = http
        .post(format!("{base}/auth/login"))
        .send_json(&json!({"email": BENCH_EMAIL, "password": password}))
        .await
        .map_err(|e| anyhow!("POST /auth/login: {e}"))?;
    let status = res.status();
    let body: Value = res
        .json()
        .await
        .map_err(|e| anyhow!("POST /auth/login answered {status} without JSON: {e}"))?;
    if !status.is_success() {
        bail!("POST /auth/login as {BENCH_EMAIL} answered {status}: {body}");
    }
    let token = body["token"]
        .as_str()
        .context("POST /auth/login answered without a token")?
        .to_owned();
    Ok(Fixture {
        tenant: tenant.get(),
        ticket,
        token,
    })
}

/// One client thread: its arbiter, its first failure, and its final report.
struct Group {
    arbiter: Arbiter,
    first_error: Option<oneshot::Receiver<Option<String>>>,
    done: oneshot::Receiver<GroupReport>,
}

/// What the clients of one thread received.
#[derive(Default)]
struct GroupReport {
    /// `(message, when)` of every first receipt.
    receipts: Vec<(usize, Instant)>,
    /// Receipts of a message a client already had.
    duplicates: usize,
    /// Clients whose connection ended before the stop.
    dropped: usize,
}

impl GroupReport {
    fn merge(&mut self, other: GroupReport) {
        self.receipts.extend(other.receipts);
        self.duplicates += other.duplicates;
        self.dropped += other.dropped;
    }
}

/// Starts `count` clients on a new thread.
fn start_group(
    shared: Arc<Shared>,
    count: usize,
    concurrency: usize,
    stop: watch::Receiver<bool>,
) -> Group {
    let arbiter = Arbiter::new();
    let (error_tx, error_rx) = oneshot::channel();
    let (done_tx, done_rx) = oneshot::channel();
    arbiter.spawn_fn(move || {
        actix_rt::spawn(run_group(
            shared,
            count,
            concurrency,
            stop,
            error_tx,
            done_tx,
        ));
    });
    Group {
        arbiter,
        first_error: Some(error_rx),
        done: done_rx,
    }
}

/// Runs the clients of one thread: connects them, `concurrency` at a time, reports the first
/// failure once all are settled, then their receipts once they stopped.
async fn run_group(
    shared: Arc<Shared>,
    count: usize,
    concurrency: usize,
    stop: watch::Receiver<bool>,
    error_tx: oneshot::Sender<Option<String>>,
    done_tx: oneshot::Sender<GroupReport>,
) {
    let http = awc::Client::builder()
        .connector(awc::Connector::new().limit(0).timeout(HANDSHAKE_TIMEOUT))
        .timeout(HANDSHAKE_TIMEOUT)
        .finish();
    let permits = Rc::new(Semaphore::new(concurrency));
    let (up_tx, mut up_rx) = mpsc::unbounded_channel::<Result<(), String>>();
    let mut tasks = Vec::with_capacity(count);
    for _ in 0..count {
        tasks.push(actix_rt::spawn(client(
            http.clone(),
            shared.clone(),
            permits.clone(),
            up_tx.clone(),
            stop.clone(),
        )));
    }
    drop(up_tx);
    let mut first_error = None;
    for _ in 0..count {
        match up_rx.recv().await {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                first_error.get_or_insert(e);
            }
            None => break,
        }
    }
    let _ = error_tx.send(first_error);
    let mut report = GroupReport::default();
    for task in tasks {
        if let Ok(outcome) = task.await {
            report.merge(outcome);
        }
    }
    let _ = done_tx.send(report);
}

/// One client: handshake (holding a connect permit), then listen until stopped.
async fn client(
    http: awc::Client,
    shared: Arc<Shared>,
    permits: Rc<Semaphore>,
    up: mpsc::UnboundedSender<Result<(), String>>,
    mut stop: watch::Receiver<bool>,
) -> GroupReport {
    let fail = |e: String| {
        if is_too_many_files(&e) {
            shared.too_many_files.store(true, Ordering::Relaxed);
        }
        shared.failed.fetch_add(1, Ordering::Relaxed);
        let _ = up.send(Err(e));
        GroupReport::default()
    };
    let Ok(permit) = permits.acquire().await else {
        return fail("the connect permits closed".to_owned());
    };
    let opened = timeout(HANDSHAKE_TIMEOUT, async {
        let (_, mut framed) = http
            .ws(shared.ws_url.as_str())
            .max_frame_size(MAX_FRAME)
            .connect()
            .await
            .map_err(|e| format!("WebSocket handshake: {e}"))?;
        handshake(&mut framed, &shared).await?;
        Ok::<_, String>(framed)
    })
    .await;
    drop(permit);
    let mut framed = match opened {
        Ok(Ok(framed)) => framed,
        Ok(Err(e)) => return fail(e),
        Err(_) => {
            return fail(format!(
                "no connect within {} s",
                HANDSHAKE_TIMEOUT.as_secs()
            ));
        }
    };
    shared.connected.fetch_add(1, Ordering::Relaxed);
    let _ = up.send(Ok(()));
    listen(&mut framed, &shared, &mut stop).await
}

/// The next text frame of the handshake (WebSocket and Engine.IO pings are answered).
async fn next_text<S>(framed: &mut S) -> Result<String, String>
where
    S: Stream<Item = Result<ws::Frame, WsProtocolError>>
        + Sink<ws::Message, Error = WsProtocolError>
        + Unpin,
{
    loop {
        match framed.next().await {
            Some(Ok(ws::Frame::Text(bytes))) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                if text == "2" {
                    send(framed, "3").await?;
                    continue;
                }
                return Ok(text);
            }
            Some(Ok(ws::Frame::Ping(bytes))) => {
                framed
                    .send(ws::Message::Pong(bytes))
                    .await
                    .map_err(|e| format!("send a pong: {e}"))?;
            }
            Some(Ok(ws::Frame::Close(reason))) => {
                return Err(format!("the server closed the WebSocket: {reason:?}"));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("WebSocket: {e}")),
            None => return Err("the connection ended".to_owned()),
        }
    }
}

async fn send<S>(framed: &mut S, text: &str) -> Result<(), String>
where
    S: Sink<ws::Message, Error = WsProtocolError> + Unpin,
{
    framed
        .send(ws::Message::Text(text.to_owned().into()))
        .await
        .map_err(|e| format!("send {text:?}: {e}"))
}

/// Engine.IO open, Socket.IO CONNECT with the token, then the joins of the web client, each
/// acknowledged with `{ok: true}`.
async fn handshake<S>(framed: &mut S, shared: &Shared) -> Result<(), String>
where
    S: Stream<Item = Result<ws::Frame, WsProtocolError>>
        + Sink<ws::Message, Error = WsProtocolError>
        + Unpin,
{
    let open = next_text(framed).await?;
    if !open.starts_with('0') {
        return Err(format!("expected the Engine.IO open packet, got {open:?}"));
    }
    send(framed, &shared.connect_packet).await?;
    loop {
        let text = next_text(framed).await?;
        if text.starts_with("40") && text.contains("\"sid\"") {
            break;
        }
        if let Some(error) = text.strip_prefix("44") {
            return Err(format!("CONNECT refused: {error}"));
        }
    }
    for join in &shared.joins {
        send(framed, join).await?;
    }
    let mut pending: Vec<u64> = (1..=shared.joins.len() as u64).collect();
    while !pending.is_empty() {
        let text = next_text(framed).await?;
        if let Some((id, ok)) = ack_of(&text) {
            if !ok {
                return Err(format!("a room join was refused: {text}"));
            }
            pending.retain(|p| *p != id);
        }
    }
    Ok(())
}

/// Reads events until stopped; records the first receipt of each message.
async fn listen<S>(framed: &mut S, shared: &Shared, stop: &mut watch::Receiver<bool>) -> GroupReport
where
    S: Stream<Item = Result<ws::Frame, WsProtocolError>>
        + Sink<ws::Message, Error = WsProtocolError>
        + Unpin,
{
    let mut got: Vec<Option<Instant>> = vec![None; shared.messages];
    let mut report = GroupReport::default();
    loop {
        tokio::select! {
            frame = framed.next() => {
                let now = Instant::now();
                match frame {
                    Some(Ok(ws::Frame::Text(bytes))) => {
                        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
                        if text == "2" {
                            if send(framed, "3").await.is_err() {
                                report.dropped += 1;
                                break;
                            }
                            continue;
                        }
                        let Some(k) = message_of(text, &shared.event_prefix, &shared.marker)
                        else {
                            continue;
                        };
                        match got.get_mut(k) {
                            Some(Some(_)) => report.duplicates += 1,
                            Some(slot) => {
                                *slot = Some(now);
                                if let Some(r) = shared.received.get(k) {
                                    r.fetch_add(1, Ordering::Relaxed);
                                }
                            }
                            None => {}
                        }
                    }
                    Some(Ok(ws::Frame::Ping(bytes))) => {
                        let _ = framed.send(ws::Message::Pong(bytes)).await;
                    }
                    Some(Ok(ws::Frame::Close(_)) | Err(_)) | None => {
                        report.dropped += 1;
                        break;
                    }
                    Some(Ok(_)) => {}
                }
            }
            _ = stop.changed() => {
                let _ = framed.send(ws::Message::Close(None)).await;
                break;
            }
        }
    }
    report.receipts = got
        .into_iter()
        .enumerate()
        .filter_map(|(k, at)| at.map(|at| (k, at)))
        .collect();
    report
}

/// The soft and hard limits on open files (Linux), `u64::MAX` for unlimited.
fn file_limits() -> Option<(u64, u64)> {
    parse_file_limits(&std::fs::read_to_string("/proc/self/limits").ok()?)
}

fn parse_file_limits(limits: &str) -> Option<(u64, u64)> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut values = line
        .trim_start_matches("Max open files")
        .split_whitespace()
        .map(|v| {
            if v == "unlimited" {
                Some(u64::MAX)
            } else {
                v.parse().ok()
            }
        });
    Some((values.next()??, values.next()??))
}

/// File descriptors this process has open now (Linux).
fn open_files() -> Option<u64> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count() as u64)
}

fn file_limit_hint(clients: usize) -> String {
    let needed = open_files().unwrap_or(FD_SLACK) + 2 * clients as u64 + FD_SLACK;
    let (soft, hard) = file_limits().unwrap_or((0, 0));
    format!(
        "fanout: {clients} clients need about {needed} open files in this process (two sockets \
         per client: its own end and the server's, plus what is open already), but the limit \
         is {soft} (hard {hard}). Raise it before running, e.g. `ulimit -n {needed}` (above \
         the hard limit only with CAP_SYS_RESOURCE), or use fewer clients."
    )
}

/// Makes sure the clients' sockets fit under the open-file limit: raises the soft limit when
/// it is too low (there is no libc binding here, so util-linux's `prlimit` does it for this
/// process), and refuses to start with a clear message when even that is not enough.
fn ensure_file_limit(clients: usize) -> anyhow::Result<()> {
    let (Some((soft, hard)), Some(open)) = (file_limits(), open_files()) else {
        return Ok(());
    };
    let needed = open + 2 * clients as u64 + FD_SLACK;
    if soft >= needed {
        return Ok(());
    }
    let wanted = if needed <= hard {
        format!("--nofile={needed}:")
    } else {
        format!("--nofile={needed}:{needed}")
    };
    let raised = Command::new("prlimit")
        .args(["--pid", &std::process::id().to_string(), &wanted])
        .output()
        .is_ok_and(|o| o.status.success());
    if raised
        && let Some((soft, _)) = file_limits()
        && soft >= needed
    {
        eprintln!("fanout: raised the open-file limit of this process to {soft}");
        return Ok(());
    }
    bail!("{}", file_limit_hint(clients))
}

/// The resident memory of this process (server and clients), from `/proc`.
fn rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(format!("{:.1} MB", kb / 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_chat_create_of_this_run() {
        let prefix = "42[\"7:ticketList\",";
        let marker = "fanout-abc-";
        let frame = r#"42["7:ticketList",{"payload":{"body":"fanout-abc-12 (bench fan-out)","ticket":{"lastMessage":"fanout-abc-12 (bench fan-out)"}},"type":"chat:create"}]"#;
        assert_eq!(message_of(frame, prefix, marker), Some(12));
        let update = frame.replace("chat:create", "ticket:update");
        assert_eq!(message_of(&update, prefix, marker), None);
        let other_tenant = frame.replace("7:ticketList", "8:ticketList");
        assert_eq!(message_of(&other_tenant, prefix, marker), None);
        let other_run = frame.replace("fanout-abc-", "fanout-abd-");
        assert_eq!(message_of(&other_run, prefix, marker), None);
        assert_eq!(message_of("2", prefix, marker), None);
        let signed = frame.replace("fanout-abc-12", "*Admin*:\\nfanout-abc-3");
        assert_eq!(message_of(&signed, prefix, marker), Some(3));
    }

    #[test]
    fn reads_join_acks() {
        assert_eq!(ack_of(r#"431[{"ok":true}]"#), Some((1, true)));
        assert_eq!(ack_of(r#"4312[{"ok":false}]"#), Some((12, false)));
        assert_eq!(ack_of(r#"42["x"]"#), None);
        assert_eq!(ack_of("43[]"), None);
    }

    #[test]
    fn the_packets_are_what_socket_io_client_sends() {
        let fx = Fixture {
            tenant: 5,
            ticket: 9,
            token: "tok".to_owned(),
        };
        let s = Shared::new("http://127.0.0.1:4000", &fx, 2);
        assert_eq!(
            s.ws_url,
            "ws://127.0.0.1:4000/socket.io/?EIO=4&transport=websocket"
        );
        assert_eq!(s.connect_packet, r#"40{"token":"tok"}"#);
        assert_eq!(
            s.joins,
            vec![
                r#"421["5:joinNotification"]"#.to_owned(),
                r#"422["tenant:5:joinTickets","open"]"#.to_owned()
            ]
        );
        let frame = format!(
            "42[\"5:ticketList\",{{\"payload\":{{\"body\":\"{}\"}},\"type\":\"chat:create\"}}]",
            s.body(1)
        );
        assert_eq!(message_of(&frame, &s.event_prefix, &s.marker), Some(1));
    }

    #[test]
    fn reads_the_open_file_limits() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max cpu time              unlimited            unlimited            seconds   \n\
                      Max open files            1024                 524288               files     \n";
        assert_eq!(parse_file_limits(limits), Some((1024, 524_288)));
        let unlimited =
            "Max open files            20000                unlimited            files\n";
        assert_eq!(parse_file_limits(unlimited), Some((20_000, u64::MAX)));
        assert_eq!(parse_file_limits("nothing"), None);
        assert!(is_too_many_files(
            "WebSocket handshake: Too many open files (os error 24)"
        ));
    }
}
