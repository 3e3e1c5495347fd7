//! One channel's session: a task that owns its Chromium and page, follows the page's events,
//! reports the channel's state, runs the watchdog, and restarts what crashed — always on the
//! same profile, so no new QR code is needed (whatsapp-web-bridge.md §6).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::ChannelStatus;
use tiktickets_domain::leases::Leases;
use tiktickets_domain::services::Services;
use tiktickets_domain::store::channels::SessionState;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, MissedTickBehavior};

use crate::assets;
use crate::bridge::{BridgePage, PageSignal};
use crate::browser::{BrowserOptions, SessionBrowser};
use crate::config::SessionsConfig;
use crate::error::Result;
use crate::inbound;
use crate::live::{Live, Phase};
use crate::media_store::MediaStore;
use crate::page_event::PageEvent;

/// What the manager asks of a running session.
pub(crate) enum Control {
    /// Close the browser and start again (discarding the login first with `wipe`).
    Restart { wipe: bool },
    /// Log out of WhatsApp, discard the login and stop; answered when done.
    Logout(oneshot::Sender<()>),
    /// Stop (discarding the login with `wipe`); answered when the browser is closed.
    Stop {
        wipe: bool,
        done: oneshot::Sender<()>,
    },
}

/// Why a page's life ended.
enum Ending {
    /// The page died or stopped answering (Chromium still runs): restart after a pause.
    Crashed(String),
    /// Chromium exited: restart after a pause.
    BrowserGone,
    /// Restart now.
    Restart { wipe: bool },
    /// Another instance took the channel: close and wait for the lease again.
    LostLease,
    /// The session is over; report these states, discarding the login with `wipe`.
    Finished {
        states: Vec<SessionState>,
        wipe: bool,
    },
    /// Log out, then finish.
    Logout(oneshot::Sender<()>),
    /// Stop without reporting (shutdown, or the channel was deleted).
    Stop {
        wipe: bool,
        done: Option<oneshot::Sender<()>>,
    },
}

/// Everything a session task works with.
pub(crate) struct SessionCtx {
    pub config: Arc<SessionsConfig>,
    pub executable: PathBuf,
    pub services: Services,
    pub leases: Option<Arc<dyn Leases>>,
    pub live: Arc<Live>,
    pub media: MediaStore,
    pub shutdown: watch::Receiver<bool>,
}

/// Progress of one page's life.
#[derive(Default)]
struct PageLife {
    connected: bool,
    missing: Vec<String>,
    failed_probes: u32,
}

fn state(status: ChannelStatus) -> SessionState {
    SessionState {
        status: Some(status),
        ..SessionState::default()
    }
}

fn disconnected() -> SessionState {
    SessionState {
        status: Some(ChannelStatus::Disconnected),
        qrcode: Some(None),
        retries: Some(0),
        ..SessionState::default()
    }
}

impl SessionCtx {
    fn cx(&self) -> TenantCtx {
        TenantCtx::system(self.live.tenant)
    }

    fn lease_name(&self) -> String {
        format!("whatsapp-session:{}", self.live.channel)
    }

    /// The profile folder of this channel.
    pub(crate) fn profile_dir(&self) -> PathBuf {
        profile_dir(&self.config, &self.live)
    }

    async fn report(&self, state: SessionState) {
        if let Err(e) = self
            .services
            .set_session_state(&self.cx(), self.live.channel, state)
            .await
        {
            tracing::warn!(channel = %self.live.channel, error = %e, "could not record the session state");
        }
    }

    /// Runs the session until it finishes, is stopped, or the instance shuts down.
    pub(crate) async fn run(mut self, mut control: mpsc::Receiver<Control>, mut wipe: bool) {
        let mut backoff = self.config.restart_backoff_min;
        let mut retries = 0;
        let mut stopped_reply = None;
        loop {
            match self.hold_lease(&mut control).await {
                Ok(true) => {}
                Ok(false) => break,
                Err(done) => {
                    stopped_reply = done;
                    break;
                }
            }
            if wipe {
                wipe_profile(&self.profile_dir()).await;
                wipe = false;
            }
            self.live.update(|s| s.phase = Phase::Starting);
            self.report(SessionState {
                status: Some(ChannelStatus::Opening),
                qrcode: Some(None),
                retries: Some(retries),
                ..SessionState::default()
            })
            .await;
            let (ending, ready) = match self.launch().await {
                Ok((browser, page, signals)) => {
                    let outcome = self.drive(&page, signals, &mut control).await;
                    self.live.set_page(None);
                    self.close_browser(browser, &outcome, &page).await;
                    outcome
                }
                Err(e) => ((Ending::Crashed(e.to_string())), false),
            };
            if ready {
                backoff = self.config.restart_backoff_min;
                retries = 0;
            }
            let ending = match ending {
                Ending::BrowserGone => Ending::Crashed("Chromium exited".into()),
                other => other,
            };
            match ending {
                Ending::Crashed(reason) => {
                    retries += 1;
                    tracing::warn!(channel = %self.live.channel, %reason, wait_ms = backoff.as_millis() as u64,
                        "session lost; restarting on the same profile");
                    self.live.update(|s| {
                        s.phase = Phase::Restarting;
                        s.browser_pid = None;
                    });
                    if let Some(done) = self.pause(backoff, &mut control).await {
                        stopped_reply = done;
                        break;
                    }
                    backoff = (backoff * 2).min(self.config.restart_backoff_max);
                }
                Ending::Restart { wipe: w } => wipe = w,
                Ending::BrowserGone => {}
                Ending::LostLease => {
                    tracing::warn!(channel = %self.live.channel, "lost the session lease to another instance");
                }
                Ending::Finished { states, wipe } => {
                    if wipe {
                        wipe_profile(&self.profile_dir()).await;
                    }
                    for s in states {
                        self.report(s).await;
                    }
                    break;
                }
                Ending::Logout(reply) => {
                    wipe_profile(&self.profile_dir()).await;
                    self.report(disconnected()).await;
                    let _ = reply.send(());
                    break;
                }
                Ending::Stop { wipe, done } => {
                    if wipe {
                        wipe_profile(&self.profile_dir()).await;
                    }
                    stopped_reply = done;
                    break;
                }
            }
        }
        self.live.set_page(None);
        self.live.update(|s| {
            s.phase = Phase::Stopped;
            s.browser_pid = None;
        });
        if let Some(leases) = &self.leases
            && let Err(e) = leases
                .release(&self.lease_name(), &self.config.instance_id)
                .await
        {
            tracing::debug!(error = %e, "could not release a session lease");
        }
        if let Some(done) = stopped_reply {
            let _ = done.send(());
        }
    }

    /// Waits until this instance owns the channel. `Ok(false)`: shut down; `Err`: stopped.
    async fn hold_lease(
        &mut self,
        control: &mut mpsc::Receiver<Control>,
    ) -> Result<bool, Option<oneshot::Sender<()>>> {
        let Some(leases) = self.leases.clone() else {
            return Ok(!*self.shutdown.borrow());
        };
        let mut announced = false;
        loop {
            if *self.shutdown.borrow() {
                return Ok(false);
            }
            match self.acquire_lease(leases.as_ref()).await {
                Ok(true) => return Ok(true),
                Ok(false) if !announced => {
                    announced = true;
                    tracing::info!(channel = %self.live.channel, "another instance runs this session; waiting for its lease");
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "session lease unavailable"),
            }
            if let Some(done) = self.pause(self.config.lease_ttl / 3, control).await {
                return Err(done);
            }
        }
    }

    /// Sleeps, unless stopped (returns the stop's reply slot) or shut down.
    async fn pause(
        &mut self,
        wait: Duration,
        control: &mut mpsc::Receiver<Control>,
    ) -> Option<Option<oneshot::Sender<()>>> {
        tokio::select! {
            _ = tokio::time::sleep(wait) => None,
            _ = self.shutdown.changed() => Some(None),
            ctl = control.recv() => match ctl {
                Some(Control::Stop { wipe, done }) => {
                    if wipe {
                        wipe_profile(&self.profile_dir()).await;
                    }
                    Some(Some(done))
                }
                Some(Control::Logout(reply)) => {
                    wipe_profile(&self.profile_dir()).await;
                    self.report(disconnected()).await;
                    let _ = reply.send(());
                    Some(None)
                }
                Some(Control::Restart { wipe }) => {
                    if wipe {
                        wipe_profile(&self.profile_dir()).await;
                    }
                    None
                }
                None => Some(None),
            },
        }
    }

    async fn launch(
        &self,
    ) -> Result<(SessionBrowser, Arc<BridgePage>, mpsc::Receiver<PageSignal>)> {
        let options = BrowserOptions {
            executable: self.executable.clone(),
            profile_dir: self.profile_dir(),
            headless: self.config.headless,
            launch_timeout: Duration::from_secs(30),
            extra_args: Vec::new(),
        };
        let mut browser = SessionBrowser::launch(&options).await?;
        self.live.update(|s| {
            s.browser_launches += 1;
            s.browser_pid = browser.pid();
            s.qr_shown = 0;
        });
        let opened = async {
            let user_agent = browser.user_agent().await?;
            BridgePage::open(
                &browser,
                &self.config.web_url,
                &assets::init_script(),
                &user_agent,
            )
            .await
        }
        .await;
        match opened {
            Ok((page, signals)) => {
                let page = Arc::new(page);
                self.live.set_page(Some(page.clone()));
                Ok((browser, page, signals))
            }
            Err(e) => {
                browser.kill().await;
                Err(e)
            }
        }
    }

    async fn close_browser(
        &self,
        mut browser: SessionBrowser,
        ending: &(Ending, bool),
        page: &Arc<BridgePage>,
    ) {
        if let Ending::Logout(_) = ending.0
            && let Err(e) = page
                .call("logout", json!({}), self.config.command_timeout)
                .await
        {
            tracing::warn!(channel = %self.live.channel, error = %e, "WhatsApp logout failed; discarding the login anyway");
        }
        // A graceful close lets Chromium flush the login to disk (stack.md P15); only a
        // browser that is already gone is killed (to reap it and its children).
        match ending.0 {
            Ending::BrowserGone => browser.kill().await,
            _ => browser.close().await,
        }
    }

    /// Follows one page until its life ends; the flag says whether it reached `ready`.
    async fn drive(
        &mut self,
        page: &Arc<BridgePage>,
        mut signals: mpsc::Receiver<PageSignal>,
        control: &mut mpsc::Receiver<Control>,
    ) -> (Ending, bool) {
        let every = self.config.watchdog_interval;
        let mut watchdog = tokio::time::interval_at(Instant::now() + every, every);
        watchdog.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let renew_every = self.config.lease_ttl / 3;
        let mut renew = tokio::time::interval_at(Instant::now() + renew_every, renew_every);
        let mut life = PageLife::default();
        // A new page probes its capabilities afresh.
        self.live.update(|s| s.missing.clear());
        let mut ready = false;
        loop {
            let ending = tokio::select! {
                signal = signals.recv() => match signal {
                    Some(PageSignal::Event(event)) => {
                        let parsed = PageEvent::parse(&event.kind, &event.data);
                        match parsed {
                            Ok(PageEvent::Ready { .. }) => ready = true,
                            Err(ref e) => tracing::warn!(channel = %self.live.channel, error = %e, "malformed page event"),
                            _ => {}
                        }
                        match parsed {
                            Ok(parsed) => self.on_event(page, parsed, event.received_at, &mut life).await,
                            Err(_) => None,
                        }
                    }
                    Some(PageSignal::Crashed) => Some(Ending::Crashed("the page crashed".into())),
                    Some(PageSignal::BrowserGone) | None => Some(Ending::BrowserGone),
                },
                ctl = control.recv() => Some(match ctl {
                    Some(Control::Restart { wipe }) => Ending::Restart { wipe },
                    Some(Control::Logout(reply)) => Ending::Logout(reply),
                    Some(Control::Stop { wipe, done }) => Ending::Stop { wipe, done: Some(done) },
                    None => Ending::Stop { wipe: false, done: None },
                }),
                _ = watchdog.tick() => self.watchdog(page, &mut life).await,
                _ = renew.tick(), if self.leases.is_some() => self.renew_lease().await,
                _ = self.shutdown.changed() => Some(Ending::Stop { wipe: false, done: None }),
            };
            if let Some(ending) = ending {
                return (ending, ready);
            }
        }
    }

    /// Takes or extends this channel's lease for this instance.
    async fn acquire_lease(&self, leases: &dyn Leases) -> tiktickets_domain::Result<bool> {
        leases
            .acquire(
                &self.lease_name(),
                &self.config.instance_id,
                self.config.lease_ttl,
            )
            .await
    }

    async fn renew_lease(&self) -> Option<Ending> {
        let leases = self.leases.as_ref()?;
        match self.acquire_lease(leases.as_ref()).await {
            Ok(true) => None,
            Ok(false) => Some(Ending::LostLease),
            Err(e) => {
                tracing::warn!(error = %e, "could not renew the session lease");
                None
            }
        }
    }

    async fn on_event(
        &self,
        page: &Arc<BridgePage>,
        event: PageEvent,
        received_at: std::time::Instant,
        life: &mut PageLife,
    ) -> Option<Ending> {
        match event {
            PageEvent::Phase { phase } => {
                tracing::debug!(channel = %self.live.channel, %phase, "page phase");
                if phase == "loading" && life.connected {
                    life.connected = false;
                    self.live.update(|s| s.phase = Phase::Starting);
                }
            }
            PageEvent::Qr { payload } => {
                let shown = {
                    let mut n = 0;
                    self.live.update(|s| {
                        s.qr_shown += 1;
                        n = s.qr_shown;
                        s.phase = Phase::Qrcode;
                    });
                    n
                };
                if shown > self.config.qr_max_refreshes {
                    return Some(qr_timeout());
                }
                self.report(SessionState {
                    status: Some(ChannelStatus::Qrcode),
                    qrcode: Some(Some(payload)),
                    retries: Some(0),
                    ..SessionState::default()
                })
                .await;
            }
            PageEvent::QrIdle {} => {
                if self.live.status().qr_shown >= self.config.qr_max_refreshes {
                    return Some(qr_timeout());
                }
                if let Err(e) = page
                    .call("refreshQr", json!({}), self.config.command_timeout)
                    .await
                {
                    tracing::warn!(channel = %self.live.channel, error = %e, "could not refresh the QR code");
                }
            }
            PageEvent::Ready {
                me,
                pushname,
                wa_version,
            } => {
                life.connected = true;
                life.failed_probes = 0;
                let number = me
                    .as_deref()
                    .and_then(|m| m.split('@').next())
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned);
                let picture = match &me {
                    Some(me) => page
                        .call(
                            "profilePic",
                            json!({"wid": me}),
                            self.config.command_timeout,
                        )
                        .await
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned)),
                    None => None,
                };
                let degraded = !life.missing.is_empty();
                self.live.update(|s| {
                    s.me = me.clone();
                    s.phase = if degraded {
                        Phase::Degraded
                    } else {
                        Phase::Connected
                    };
                });
                tracing::info!(channel = %self.live.channel, me = me.as_deref().unwrap_or(""),
                    pushname = pushname.as_deref().unwrap_or(""),
                    wa_version = wa_version.as_deref().unwrap_or(""),
                    adapter = assets::WA_ADAPTER_ID, "session ready");
                self.report(SessionState {
                    status: Some(if degraded {
                        ChannelStatus::Degraded
                    } else {
                        ChannelStatus::Connected
                    }),
                    qrcode: Some(None),
                    number: number.map(Some),
                    retries: Some(0),
                    profile_pic_url: picture.map(Some),
                })
                .await;
            }
            PageEvent::Capabilities { missing } | PageEvent::Degraded { missing } => {
                self.capabilities_changed(missing, life).await;
            }
            PageEvent::Conflict {} => {
                tracing::warn!(channel = %self.live.channel, "WhatsApp Web was opened elsewhere; stopping (no takeover)");
                return Some(Ending::Finished {
                    states: vec![state(ChannelStatus::Conflict), disconnected()],
                    wipe: false,
                });
            }
            PageEvent::LoggedOut { reason } => {
                tracing::warn!(channel = %self.live.channel, reason = reason.as_deref().unwrap_or(""), "logged out");
                let mut gone = disconnected();
                gone.number = Some(None);
                return Some(Ending::Finished {
                    states: vec![gone],
                    wipe: true,
                });
            }
            PageEvent::SocketState { state: socket } => {
                if TERMINAL_SOCKET_STATES.contains(&socket.as_str()) {
                    tracing::error!(channel = %self.live.channel, state = %socket, "WhatsApp refuses this session; not retrying");
                    return Some(Ending::Finished {
                        states: vec![disconnected()],
                        wipe: false,
                    });
                }
                tracing::info!(channel = %self.live.channel, state = %socket, "socket state");
            }
            PageEvent::Message { msg } => {
                inbound::message(self, page, &msg, received_at).await;
            }
            other => inbound::change(self, other).await,
        }
        None
    }

    async fn capabilities_changed(&self, missing: Vec<String>, life: &mut PageLife) {
        if missing == life.missing {
            return;
        }
        life.missing = missing.clone();
        let degraded = !missing.is_empty();
        if degraded {
            tracing::error!(channel = %self.live.channel, ?missing, "WhatsApp Web changed: capabilities missing");
        }
        self.live.update(|s| {
            s.missing = missing;
            if life.connected {
                s.phase = if degraded {
                    Phase::Degraded
                } else {
                    Phase::Connected
                };
            }
        });
        if life.connected || degraded {
            self.report(state(if degraded {
                ChannelStatus::Degraded
            } else {
                ChannelStatus::Connected
            }))
            .await;
        }
    }

    /// A connected page must prove a server round trip; failures escalate: reconnect, reload
    /// the page, restart Chromium (the profile is kept throughout).
    async fn watchdog(&self, page: &Arc<BridgePage>, life: &mut PageLife) -> Option<Ending> {
        if !life.connected {
            return None;
        }
        let probe = page
            .call("probe", json!({}), self.config.probe_timeout)
            .await;
        if let Err(e) = probe {
            life.failed_probes += 1;
            self.live.update(|s| s.failed_probes += 1);
            tracing::warn!(channel = %self.live.channel, error = %e, failures = life.failed_probes, "session round trip failed");
            match life.failed_probes {
                1 => {
                    let _ = page
                        .call("reconnect", json!({}), self.config.probe_timeout)
                        .await;
                }
                2 => {
                    self.live.update(|s| s.page_reloads += 1);
                    life.connected = false;
                    if let Err(e) = page.reload().await {
                        return Some(Ending::Crashed(format!("reload failed: {e}")));
                    }
                }
                _ => {
                    return Some(Ending::Crashed(
                        "zombie session: no round trip answers".into(),
                    ));
                }
            }
            return None;
        }
        life.failed_probes = 0;
        if let Ok(found) = page
            .call("capabilities", json!({}), self.config.probe_timeout)
            .await
        {
            let missing = found
                .get("missing")
                .and_then(|m| m.as_array())
                .map(|m| {
                    m.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            self.capabilities_changed(missing, life).await;
        }
        None
    }
}

/// Socket states that mean WhatsApp refuses the session: report, never retry in a loop.
const TERMINAL_SOCKET_STATES: &[&str] = &[
    "TOS_BLOCK",
    "SMB_TOS_BLOCK",
    "PROXYBLOCK",
    "DEPRECATED_VERSION",
];

fn qr_timeout() -> Ending {
    Ending::Finished {
        states: vec![SessionState {
            status: Some(ChannelStatus::Timeout),
            qrcode: Some(None),
            ..SessionState::default()
        }],
        wipe: false,
    }
}

/// `<profiles_dir>/<tenantId>/<whatsappId>`.
pub(crate) fn profile_dir(config: &SessionsConfig, live: &Live) -> PathBuf {
    config
        .profiles_dir
        .join(live.tenant.get().to_string())
        .join(live.channel.get().to_string())
}

/// Discards a login: the whole profile folder.
pub(crate) async fn wipe_profile(dir: &std::path::Path) {
    match tokio::fs::remove_dir_all(dir).await {
        Ok(()) => tracing::info!(profile = %dir.display(), "session login discarded"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::warn!(profile = %dir.display(), error = %e, "could not discard a session profile")
        }
    }
}
