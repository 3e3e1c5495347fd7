//! What a running session shares with the rest of the instance: its page (for sends) and a
//! snapshot of its state (for the gateway, the manager's status and tests).

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tiktickets_domain::ids::{TenantId, WhatsappId};

use crate::bridge::BridgePage;

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    /// Launching Chromium or loading the page.
    #[default]
    Starting,
    /// Showing a QR code.
    Qrcode,
    /// Logged in and working.
    Connected,
    /// Logged in, but WhatsApp Web lacks capabilities: affected sends are refused.
    Degraded,
    /// Waiting before a restart.
    Restarting,
    /// Not running any more.
    Stopped,
}

/// A snapshot of a session.
#[derive(Debug, Clone, Default)]
pub struct SessionStatus {
    /// Phase.
    pub phase: Phase,
    /// Own id once logged in.
    pub me: Option<String>,
    /// Capabilities the page lacks.
    pub missing: Vec<String>,
    /// PID of the session's Chromium.
    pub browser_pid: Option<u32>,
    /// Chromium launches so far (1 = never restarted).
    pub browser_launches: u32,
    /// Page reloads ordered by the watchdog.
    pub page_reloads: u32,
    /// Watchdog round trips that failed.
    pub failed_probes: u32,
    /// QR codes shown by the current page.
    pub qr_shown: u32,
    /// Time from the page's event to the stored message, for the last message ingested.
    pub last_ingest: Option<Duration>,
    /// Messages ingested since the session started.
    pub ingested: u64,
}

/// State shared between a session's task and the rest of the instance.
pub struct Live {
    /// The channel's tenant.
    pub tenant: TenantId,
    /// The channel.
    pub channel: WhatsappId,
    page: RwLock<Option<Arc<BridgePage>>>,
    status: Mutex<SessionStatus>,
}

impl Live {
    /// A session that has not started yet.
    pub fn new(tenant: TenantId, channel: WhatsappId) -> Self {
        Self {
            tenant,
            channel,
            page: RwLock::new(None),
            status: Mutex::new(SessionStatus::default()),
        }
    }

    /// The current page, if one is open.
    pub fn page(&self) -> Option<Arc<BridgePage>> {
        self.page.read().map(|p| p.clone()).unwrap_or(None)
    }

    pub(crate) fn set_page(&self, page: Option<Arc<BridgePage>>) {
        if let Ok(mut slot) = self.page.write() {
            *slot = page;
        }
    }

    /// A copy of the status.
    pub fn status(&self) -> SessionStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub(crate) fn update(&self, change: impl FnOnce(&mut SessionStatus)) {
        if let Ok(mut status) = self.status.lock() {
            change(&mut status);
        }
    }
}
