//! The session manager: one session task per channel on this instance, started at boot and
//! by the API, restarted when they crash, stopped with the server. With leases (Redis), an
//! instance runs a channel only while it holds that channel's lease, so exactly one instance
//! runs each session; without, this process runs them all.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;
use tiktickets_domain::enums::{ChannelStatus, ChannelType};
use tiktickets_domain::gateway::{GatewayError, OutboundMessage, SentMessage, WhatsAppGateway};
use tiktickets_domain::ids::{TenantId, WhatsappId};
use tiktickets_domain::leases::Leases;
use tiktickets_domain::services::Services;
use tiktickets_domain::sessions::SessionControl;
use tiktickets_domain::store::channels::Channel;
use tiktickets_domain::{DomainError, PlatformCtx, TenantCtx};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::browser::find_chromium;
use crate::config::SessionsConfig;
use crate::live::{Live, SessionStatus};
use crate::media_store::MediaStore;
use crate::outbound::{self, gateway_error, ready_page};
use crate::session::{Control, SessionCtx, profile_dir, wipe_profile};

/// The error when no Chromium can run sessions on this server.
pub const ERR_CHROMIUM_NOT_FOUND: &str = "ERR_WAPP_CHROMIUM_NOT_FOUND";

/// How long the API waits for a logout or stop to finish.
const CONTROL_WAIT: Duration = Duration::from_secs(30);

struct Running {
    live: Arc<Live>,
    control: mpsc::Sender<Control>,
    task: JoinHandle<()>,
    generation: u64,
}

struct Inner {
    config: Arc<SessionsConfig>,
    executable: Result<PathBuf, String>,
    services: OnceLock<Services>,
    leases: Option<Arc<dyn Leases>>,
    media: MediaStore,
    sessions: Mutex<HashMap<WhatsappId, Running>>,
    generation: std::sync::atomic::AtomicU64,
    shutdown: watch::Sender<bool>,
}

/// Runs the WhatsApp Web sessions of this instance. Cheap to clone.
#[derive(Clone)]
pub struct SessionManager {
    inner: Arc<Inner>,
}

impl SessionManager {
    /// A manager with no sessions yet. `leases`: `None` runs every session in this process.
    pub fn new(config: SessionsConfig, leases: Option<Arc<dyn Leases>>) -> Self {
        let executable = find_chromium(config.chromium_path.as_deref()).map_err(|e| e.to_string());
        if let Err(e) = &executable {
            tracing::warn!(error = %e, "WhatsApp sessions cannot start until Chromium is installed");
        }
        let media = MediaStore::new(config.media_dir.clone());
        Self {
            inner: Arc::new(Inner {
                config: Arc::new(config),
                executable,
                services: OnceLock::new(),
                leases,
                media,
                sessions: Mutex::new(HashMap::new()),
                generation: std::sync::atomic::AtomicU64::new(0),
                shutdown: watch::channel(false).0,
            }),
        }
    }

    /// Hands the manager the use cases its sessions report to (once, after building them
    /// with this manager as their gateway and session control).
    pub fn attach(&self, services: Services) {
        if self.inner.services.set(services).is_err() {
            tracing::warn!("session manager attached twice; keeping the first services");
        }
    }

    /// Starts, in the background and a few seconds apart, every active WhatsApp channel of
    /// every tenant that was not logged out or timed out (behaviour.md §6.1).
    pub async fn start_all(&self) -> Result<usize, DomainError> {
        let services = self.services()?;
        let channels = services
            .stores
            .tenants
            .list_channels(&PlatformCtx::system(), None)
            .await?;
        let to_start: Vec<Channel> = channels
            .into_iter()
            .filter(|c| c.r#type == ChannelType::Whatsapp && c.is_active)
            .filter(|c| {
                !matches!(
                    c.status,
                    None | Some(ChannelStatus::Disconnected | ChannelStatus::Timeout)
                )
            })
            .collect();
        let count = to_start.len();
        if count > 0 && self.inner.executable.is_err() {
            tracing::error!(count, "channels should run but Chromium was not found");
            return Ok(0);
        }
        let manager = self.clone();
        tokio::spawn(async move {
            for (i, channel) in to_start.into_iter().enumerate() {
                if *manager.inner.shutdown.borrow() {
                    break;
                }
                if i > 0 {
                    tokio::time::sleep(manager.inner.config.boot_stagger).await;
                }
                if let Err(e) = manager.spawn(channel.tenant_id, channel.id, false) {
                    tracing::warn!(channel = %channel.id, error = %e, "could not start a session at boot");
                }
            }
        });
        Ok(count)
    }

    /// The state of a channel's session on this instance.
    pub fn status(&self, channel: WhatsappId) -> Option<SessionStatus> {
        self.live(channel).map(|l| l.status())
    }

    /// The shared state of a channel's session on this instance (tests drive its page).
    pub fn live(&self, channel: WhatsappId) -> Option<Arc<Live>> {
        self.inner
            .sessions
            .lock()
            .ok()?
            .get(&channel)
            .map(|r| r.live.clone())
    }

    /// Stops every session, closing each Chromium cleanly so the logins survive.
    pub async fn shutdown(&self) {
        self.inner.shutdown.send_replace(true);
        let tasks: Vec<JoinHandle<()>> = match self.inner.sessions.lock() {
            Ok(mut sessions) => sessions.drain().map(|(_, r)| r.task).collect(),
            Err(_) => Vec::new(),
        };
        for task in tasks {
            if tokio::time::timeout(CONTROL_WAIT, task).await.is_err() {
                tracing::warn!("a session did not stop in time");
            }
        }
    }

    fn services(&self) -> Result<Services, DomainError> {
        self.inner.services.get().cloned().ok_or_else(|| {
            DomainError::Unavailable("the session manager is not attached yet".into())
        })
    }

    fn executable(&self) -> Result<PathBuf, DomainError> {
        self.inner.executable.clone().map_err(|e| {
            DomainError::conflict(
                ERR_CHROMIUM_NOT_FOUND,
                format!("WhatsApp sessions need Chromium on the server: {e}"),
            )
        })
    }

    /// Starts a session task unless one runs; `wipe` discards the login first.
    fn spawn(&self, tenant: TenantId, channel: WhatsappId, wipe: bool) -> Result<(), DomainError> {
        let executable = self.executable()?;
        let services = self.services()?;
        if *self.inner.shutdown.borrow() {
            return Err(DomainError::Unavailable("the server is stopping".into()));
        }
        let mut sessions = self
            .inner
            .sessions
            .lock()
            .map_err(|_| DomainError::Unavailable("session registry poisoned".into()))?;
        if let Some(running) = sessions.get(&channel)
            && !running.task.is_finished()
        {
            return Ok(());
        }
        let live = Arc::new(Live::new(tenant, channel));
        let (control, receiver) = mpsc::channel(8);
        let ctx = SessionCtx {
            config: self.inner.config.clone(),
            executable,
            services,
            leases: self.inner.leases.clone(),
            live: live.clone(),
            media: self.inner.media.clone(),
            shutdown: self.inner.shutdown.subscribe(),
        };
        let generation = self
            .inner
            .generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let inner = Arc::downgrade(&self.inner);
        let task = tokio::spawn(async move {
            ctx.run(receiver, wipe).await;
            // Forget this session unless a newer one replaced it meanwhile.
            if let Some(inner) = inner.upgrade()
                && let Ok(mut sessions) = inner.sessions.lock()
                && sessions
                    .get(&channel)
                    .is_some_and(|r| r.generation == generation)
            {
                sessions.remove(&channel);
            }
        });
        sessions.insert(
            channel,
            Running {
                live,
                control,
                task,
                generation,
            },
        );
        Ok(())
    }

    /// The control channel of a running session of the tenant.
    fn control_of(&self, cx: &TenantCtx, channel: WhatsappId) -> Option<mpsc::Sender<Control>> {
        let sessions = self.inner.sessions.lock().ok()?;
        let running = sessions.get(&channel)?;
        (running.live.tenant == cx.tenant() && !running.task.is_finished())
            .then(|| running.control.clone())
    }

    /// The running session of the tenant's channel, for sends.
    fn live_of(&self, cx: &TenantCtx, channel: WhatsappId) -> Result<Arc<Live>, GatewayError> {
        self.live(channel)
            .filter(|l| l.tenant == cx.tenant())
            .ok_or_else(|| {
                GatewayError::Transient(format!(
                    "the WhatsApp session of channel {channel} is not running on this instance"
                ))
            })
    }

    fn profile_of(&self, channel: &Channel) -> PathBuf {
        profile_dir(
            &self.inner.config,
            &Live::new(channel.tenant_id, channel.id),
        )
    }

    async fn ask(
        &self,
        control: mpsc::Sender<Control>,
        make: impl FnOnce(oneshot::Sender<()>) -> Control,
    ) {
        let (done, answered) = oneshot::channel();
        if control.send(make(done)).await.is_ok()
            && tokio::time::timeout(CONTROL_WAIT, answered).await.is_err()
        {
            tracing::warn!("a session did not answer in time");
        }
    }
}

#[async_trait]
impl SessionControl for SessionManager {
    async fn start(&self, cx: &TenantCtx, channel: &Channel) -> Result<(), DomainError> {
        self.spawn(cx.tenant(), channel.id, false)
    }

    async fn restart(
        &self,
        cx: &TenantCtx,
        channel: &Channel,
        new_qrcode: bool,
    ) -> Result<(), DomainError> {
        self.executable()?;
        match self.control_of(cx, channel.id) {
            Some(control) => control
                .send(Control::Restart { wipe: new_qrcode })
                .await
                .map_err(|_| DomainError::Unavailable("the session is stopping".into())),
            None => self.spawn(cx.tenant(), channel.id, new_qrcode),
        }
    }

    async fn logout(&self, cx: &TenantCtx, channel: &Channel) -> Result<(), DomainError> {
        match self.control_of(cx, channel.id) {
            Some(control) => self.ask(control, Control::Logout).await,
            None => wipe_profile(&self.profile_of(channel)).await,
        }
        Ok(())
    }

    async fn stop(&self, cx: &TenantCtx, channel: &Channel) -> Result<(), DomainError> {
        match self.control_of(cx, channel.id) {
            Some(control) => {
                self.ask(control, |done| Control::Stop { wipe: true, done })
                    .await
            }
            None => wipe_profile(&self.profile_of(channel)).await,
        }
        Ok(())
    }
}

#[async_trait]
impl WhatsAppGateway for SessionManager {
    async fn send(
        &self,
        cx: &TenantCtx,
        message: &OutboundMessage,
    ) -> Result<SentMessage, GatewayError> {
        let live = self.live_of(cx, message.channel)?;
        outbound::send(&live, &self.inner.config, &self.inner.media, message).await
    }

    async fn mark_read(
        &self,
        cx: &TenantCtx,
        channel: WhatsappId,
        chat: &str,
    ) -> Result<(), GatewayError> {
        let page = ready_page(&*self.live_of(cx, channel)?, "markRead")?;
        page.call(
            "markRead",
            json!({"chatId": outbound::chat_id(chat)}),
            self.inner.config.command_timeout,
        )
        .await
        .map(drop)
        .map_err(gateway_error)
    }

    async fn profile_picture(
        &self,
        cx: &TenantCtx,
        channel: WhatsappId,
        number: &str,
    ) -> Result<Option<String>, GatewayError> {
        let page = ready_page(&*self.live_of(cx, channel)?, "profilePic")?;
        let value = page
            .call(
                "profilePic",
                json!({"wid": outbound::chat_id(number)}),
                self.inner.config.command_timeout,
            )
            .await
            .map_err(gateway_error)?;
        Ok(value.as_str().map(str::to_owned))
    }

    async fn check_number(
        &self,
        cx: &TenantCtx,
        channel: WhatsappId,
        number: &str,
    ) -> Result<Option<String>, GatewayError> {
        let page = ready_page(&*self.live_of(cx, channel)?, "queryExists")?;
        let value = page
            .call(
                "queryExists",
                json!({"number": number}),
                self.inner.config.command_timeout,
            )
            .await
            .map_err(gateway_error)?;
        Ok(value.get("wid").and_then(|w| w.as_str()).map(str::to_owned))
    }
}
