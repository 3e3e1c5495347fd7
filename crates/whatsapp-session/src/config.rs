//! How sessions run: where Chromium and the profiles are, which page to open, and the timings
//! of QR codes, the watchdog and restarts.

use std::path::PathBuf;
use std::time::Duration;

/// Settings of the session manager (the app's `[sessions]` section).
#[derive(Debug, Clone)]
pub struct SessionsConfig {
    /// Chromium binary; `None` looks for `chromium` (and the usual names) on PATH.
    pub chromium_path: Option<PathBuf>,
    /// The page to open: WhatsApp Web, or the fake page in tests.
    pub web_url: String,
    /// Profiles live in `<profiles_dir>/<tenantId>/<whatsappId>`.
    pub profiles_dir: PathBuf,
    /// Received media go to `<media_dir>/<tenantId>/`.
    pub media_dir: PathBuf,
    /// Run Chromium without a window.
    pub headless: bool,
    /// QR codes shown before the session gives up with `TIMEOUT`.
    pub qr_max_refreshes: u32,
    /// How often a connected session proves a server round trip.
    pub watchdog_interval: Duration,
    /// Deadline of that round trip.
    pub probe_timeout: Duration,
    /// Deadline of a page command.
    pub command_timeout: Duration,
    /// Deadline of a media upload or download.
    pub media_timeout: Duration,
    /// First wait before restarting a crashed browser; doubles up to the maximum.
    pub restart_backoff_min: Duration,
    /// Longest wait between restarts.
    pub restart_backoff_max: Duration,
    /// Pause between sessions started at boot.
    pub boot_stagger: Duration,
    /// Lifetime of a channel's ownership lease (renewed at a third of it).
    pub lease_ttl: Duration,
    /// This instance's name in leases.
    pub instance_id: String,
}

impl SessionsConfig {
    /// The defaults, with the given folders.
    pub fn new(profiles_dir: PathBuf, media_dir: PathBuf) -> Self {
        Self {
            chromium_path: None,
            web_url: "https://web.whatsapp.com/".to_owned(),
            profiles_dir,
            media_dir,
            headless: true,
            qr_max_refreshes: 20,
            watchdog_interval: Duration::from_secs(30),
            probe_timeout: Duration::from_secs(20),
            command_timeout: Duration::from_secs(30),
            media_timeout: Duration::from_secs(120),
            restart_backoff_min: Duration::from_secs(1),
            restart_backoff_max: Duration::from_secs(60),
            boot_stagger: Duration::from_secs(2),
            lease_ttl: Duration::from_secs(30),
            instance_id: format!("instance-{}", uuid::Uuid::new_v4().simple()),
        }
    }
}
