//! Chromium launch: one browser per session profile, driven over CDP by chromiumoxide.
//!
//! - [`find_chromium`] picks the binary (configured path, else the usual names on `PATH`).
//! - [`SessionBrowser::launch`] reclaims the profile (kills an orphan of a crashed run of ours,
//!   removes stale locks), starts Chromium with our flags, writes a pid file next to the
//!   profile and spawns the CDP handler task.
//! - [`SessionBrowser::close`] stops Chromium with `Browser.close` so it flushes localStorage
//!   (a signal or a kill loses the last seconds of storage), then reaps it.
//! - [`SessionBrowser::gone`] tells when the CDP connection closed (crash, kill, close).

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::error::CdpError;
use futures_util::StreamExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::{Result, SessionError};

/// The file, inside the profile directory, that names the pid of the Chromium we launched on it.
pub const PID_FILE: &str = "tiktickets-browser.pid";

/// The binary names looked up on `PATH` when no usable path is configured.
pub const CHROMIUM_NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Lock files a killed Chromium leaves in its profile; removed when no live browser owns it.
pub const STALE_LOCKS: [&str; 6] = [
    "SingletonLock",
    "SingletonCookie",
    "SingletonSocket",
    "Default/LOCK",
    "Default/Network/Cookies.lock",
    "Default/DevToolsActivePort",
];

/// Flags of every session browser (on top of what chromiumoxide adds itself: the debugging
/// port, `--user-data-dir`, `--headless`, `--disable-blink-features=AutomationControlled`).
const FLAGS: [&str; 15] = [
    "disable-gpu",
    "disable-dev-shm-usage",
    "no-first-run",
    "no-default-browser-check",
    "mute-audio",
    "disable-extensions",
    "password-store=basic",
    "use-mock-keychain",
    "disable-background-timer-throttling",
    "disable-backgrounding-occluded-windows",
    "disable-renderer-backgrounding",
    "disable-background-networking",
    "disable-component-update",
    "disable-sync",
    "hide-scrollbars",
];

/// Window size of the (headless) browser: WhatsApp Web wants a desktop-sized window.
const WINDOW_SIZE: (u32, u32) = (1280, 900);

/// How long `Browser.close`, and then the process exit, may each take.
const CLOSE_DEADLINE: Duration = Duration::from_secs(10);

/// chromiumoxide cuts every CDP command that has no answer after this long (its default is
/// 30 s). Our callers put their own, shorter, deadlines on every call (bridge commands take up
/// to 120 s for media), so this is only a backstop that frees forgotten requests.
const CDP_REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// How long a killed orphan may take to disappear.
const ORPHAN_DEADLINE: Duration = Duration::from_secs(5);

/// How often the handler task checks that the Chromium process still exists.
const LIVENESS_PERIOD: Duration = Duration::from_secs(1);

/// After the process is seen dead, how long the handler may still drain the socket.
const DEAD_GRACE: Duration = Duration::from_secs(1);

/// How to launch a session's Chromium.
#[derive(Debug, Clone)]
pub struct BrowserOptions {
    /// The Chromium binary (see [`find_chromium`]).
    pub executable: PathBuf,
    /// The persistent `--user-data-dir` of the session (created when missing).
    pub profile_dir: PathBuf,
    /// Headless (the default) or with a window (needs a display).
    pub headless: bool,
    /// How long Chromium may take to print its DevTools address.
    pub launch_timeout: Duration,
    /// More flags, `--name` or `--name=value` (values of a repeated name are joined with `,`).
    pub extra_args: Vec<String>,
}

impl BrowserOptions {
    /// Headless, a 30 s launch timeout, no extra flags.
    pub fn new(executable: impl Into<PathBuf>, profile_dir: impl Into<PathBuf>) -> Self {
        Self {
            executable: executable.into(),
            profile_dir: profile_dir.into(),
            headless: true,
            launch_timeout: Duration::from_secs(30),
            extra_args: Vec::new(),
        }
    }
}

/// The Chromium binary: `configured` when it is an existing file, otherwise the first of
/// [`CHROMIUM_NAMES`] found on `PATH`.
pub fn find_chromium(configured: Option<&Path>) -> Result<PathBuf> {
    let path_var = std::env::var_os("PATH");
    find_chromium_in(configured, &CHROMIUM_NAMES, path_var.as_deref())
}

/// [`find_chromium`] with an explicit list of names and an explicit `PATH` value (`None`: no
/// search path), so that callers and tests do not depend on the environment.
pub fn find_chromium_in(
    configured: Option<&Path>,
    names: &[&str],
    path_var: Option<&OsStr>,
) -> Result<PathBuf> {
    let mut tried = Vec::new();
    let mut names: Vec<&OsStr> = names.iter().map(OsStr::new).collect();
    if let Some(path) = configured {
        if path.is_file() {
            return Ok(path.to_path_buf());
        }
        // A bare name ("chromium") is looked up on PATH first.
        let bare = path.components().count() == 1 && !path.is_absolute();
        if bare {
            names.insert(0, path.as_os_str());
        } else {
            tracing::warn!(path = %path.display(), "the configured Chromium does not exist");
            tried.push(format!("{} (configured, not a file)", path.display()));
        }
    }
    let dirs: Vec<PathBuf> = path_var
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    for name in &names {
        for dir in &dirs {
            if dir.as_os_str().is_empty() {
                continue;
            }
            let candidate = dir.join(name);
            if is_executable_file(&candidate) {
                return Ok(candidate);
            }
        }
    }
    let names_text: Vec<String> = names
        .iter()
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let path_text = path_var
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    tried.push(format!("{} on PATH ({path_text})", names_text.join(", ")));
    Err(SessionError::ChromiumNotFound(format!(
        "tried {}",
        tried.join("; ")
    )))
}

fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether this process runs as root (Chromium's sandbox refuses root: `--no-sandbox` then).
fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A session's Chromium process and its CDP connection.
#[derive(Debug)]
pub struct SessionBrowser {
    browser: Browser,
    handler: JoinHandle<()>,
    gone: Arc<watch::Sender<bool>>,
    pid: Option<u32>,
    profile_dir: PathBuf,
    _claim: ProfileClaim,
}

/// Profiles that a live [`SessionBrowser`] of this process runs on: a second launch on one of
/// them is refused instead of killing the first browser as an "orphan".
static CLAIMED_PROFILES: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// This process's claim on a profile directory, released on drop.
#[derive(Debug)]
struct ProfileClaim(PathBuf);

impl ProfileClaim {
    fn take(profile_dir: &Path) -> Result<Self> {
        let mut claimed = CLAIMED_PROFILES
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !claimed.insert(profile_dir.to_path_buf()) {
            return Err(SessionError::Launch(format!(
                "the profile {} is already open in this process",
                profile_dir.display()
            )));
        }
        Ok(Self(profile_dir.to_path_buf()))
    }
}

impl Drop for ProfileClaim {
    fn drop(&mut self) {
        let mut claimed = CLAIMED_PROFILES
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        claimed.remove(&self.0);
    }
}

impl SessionBrowser {
    /// Starts Chromium on `opts.profile_dir` (see the module documentation for the profile
    /// reclaim rules). Fails with [`SessionError::Launch`] when a live browser that is not an
    /// orphan of ours holds the profile, or Chromium does not start.
    pub async fn launch(opts: &BrowserOptions) -> Result<Self> {
        let started = Instant::now();
        tokio::fs::create_dir_all(&opts.profile_dir)
            .await
            .map_err(|e| io_error("create the profile directory", &opts.profile_dir, &e))?;
        let profile_dir = tokio::fs::canonicalize(&opts.profile_dir)
            .await
            .map_err(|e| io_error("resolve the profile directory", &opts.profile_dir, &e))?;

        let claim = ProfileClaim::take(&profile_dir)?;
        reclaim_profile(&profile_dir).await?;

        let config = browser_config(opts, &profile_dir)?;
        let (mut browser, mut handler) = Browser::launch(config).await.map_err(|e| {
            SessionError::Launch(format!(
                "{} on profile {}: {}",
                opts.executable.display(),
                profile_dir.display(),
                launch_error_text(&e)
            ))
        })?;
        let pid = browser.get_mut_child().and_then(|c| c.inner.id());

        if let Some(pid) = pid {
            let pid_file = profile_dir.join(PID_FILE);
            if let Err(e) = tokio::fs::write(&pid_file, format!("{pid}\n")).await {
                tracing::warn!(path = %pid_file.display(), error = %e, "could not write the pid file");
            }
        }

        let gone = Arc::new(watch::Sender::new(false));
        let task_gone = Arc::clone(&gone);
        let handler = tokio::spawn(async move {
            let mut liveness = tokio::time::interval(LIVENESS_PERIOD);
            liveness.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut dead_since: Option<Instant> = None;
            loop {
                tokio::select! {
                    event = handler.next() => match event {
                        Some(Ok(())) => {}
                        // The websocket is finished after any of its errors (the stream is
                        // fused): Chromium is gone.
                        Some(Err(CdpError::Ws(e))) => {
                            tracing::debug!(error = %e, "cdp: websocket closed");
                            break;
                        }
                        // Anything else (a message the generated types do not know, ...) is
                        // not fatal.
                        Some(Err(e)) => tracing::debug!(error = %e, "cdp"),
                        None => break,
                    },
                    _ = liveness.tick() => {
                        // chromiumoxide's handler does not end when the socket closes without an
                        // error: watch the process too.
                        let alive = pid.is_none_or(process_alive);
                        match (alive, dead_since) {
                            (true, _) => dead_since = None,
                            (false, None) => dead_since = Some(Instant::now()),
                            (false, Some(t)) if t.elapsed() >= DEAD_GRACE => {
                                tracing::debug!(?pid, "cdp: the Chromium process is gone");
                                break;
                            }
                            (false, Some(_)) => {}
                        }
                    }
                }
            }
            task_gone.send_replace(true);
        });

        tracing::debug!(
            ?pid,
            profile = %profile_dir.display(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "Chromium launched"
        );
        Ok(Self {
            browser,
            handler,
            gone,
            pid,
            profile_dir,
            _claim: claim,
        })
    }

    /// The pid of the Chromium browser process, when known.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// The (canonical) profile directory.
    pub fn profile_dir(&self) -> &Path {
        &self.profile_dir
    }

    /// Becomes `true` once the CDP connection closed (the browser crashed, was killed or
    /// closed); it never goes back to `false`.
    pub fn gone(&self) -> watch::Receiver<bool> {
        self.gone.subscribe()
    }

    /// Whether the CDP connection is known to be closed.
    pub fn is_gone(&self) -> bool {
        *self.gone.borrow()
    }

    /// The browser's user agent with `HeadlessChrome` replaced by `Chrome`, for
    /// `Network.setUserAgentOverride`.
    pub async fn user_agent(&self) -> Result<String> {
        let ua = tokio::time::timeout(CLOSE_DEADLINE, self.browser.user_agent())
            .await
            .map_err(|_| SessionError::Cdp("Browser.getVersion timed out".into()))?
            .map_err(|e| SessionError::Cdp(format!("Browser.getVersion: {e}")))?;
        Ok(ua.replace("HeadlessChrome", "Chrome"))
    }

    /// The chromiumoxide browser (for the page driver).
    pub(crate) fn inner(&self) -> &Browser {
        &self.browser
    }

    /// Stops Chromium gracefully: `Browser.close` (Chromium flushes its storage), wait for the
    /// exit (10 s each), kill as a fallback, then remove the pid file.
    pub async fn close(mut self) {
        let started = Instant::now();
        let mut exited = false;
        if !self.is_gone() {
            match tokio::time::timeout(CLOSE_DEADLINE, self.browser.close()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(pid = ?self.pid, error = %e, "Browser.close failed"),
                Err(_) => tracing::warn!(pid = ?self.pid, "Browser.close timed out"),
            }
        }
        match tokio::time::timeout(CLOSE_DEADLINE, self.browser.wait()).await {
            Ok(Ok(_)) => exited = true,
            Ok(Err(e)) => {
                tracing::warn!(pid = ?self.pid, error = %e, "waiting for Chromium failed")
            }
            Err(_) => tracing::warn!(pid = ?self.pid, "Chromium did not exit after Browser.close"),
        }
        if !exited {
            self.kill_and_reap().await;
        }
        self.gone.send_replace(true);
        // The handler ends by itself once the connection closed; don't wait for it long.
        if tokio::time::timeout(Duration::from_secs(2), &mut self.handler)
            .await
            .is_err()
        {
            self.handler.abort();
        }
        self.remove_pid_file().await;
        tracing::debug!(
            pid = ?self.pid,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "Chromium closed"
        );
    }

    /// Kills Chromium with SIGKILL and reaps it. The profile keeps its locks and the pid file,
    /// as after a crash (and the last seconds of storage writes are lost).
    pub async fn kill(&mut self) {
        self.kill_and_reap().await;
        self.gone.send_replace(true);
    }

    async fn kill_and_reap(&mut self) {
        if let Some(Err(e)) = self.browser.kill().await {
            tracing::warn!(pid = ?self.pid, error = %e, "killing Chromium failed");
        }
        if let Ok(Err(e)) = tokio::time::timeout(CLOSE_DEADLINE, self.browser.wait()).await {
            tracing::debug!(pid = ?self.pid, error = %e, "reaping Chromium");
        }
    }

    async fn remove_pid_file(&self) {
        let pid_file = self.profile_dir.join(PID_FILE);
        match tokio::fs::remove_file(&pid_file).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(path = %pid_file.display(), error = %e, "could not remove the pid file")
            }
        }
    }
}

fn browser_config(opts: &BrowserOptions, profile_dir: &Path) -> Result<BrowserConfig> {
    let mut builder = BrowserConfig::builder()
        .chrome_executable(&opts.executable)
        .user_data_dir(profile_dir)
        // chromiumoxide's 24 puppeteer defaults include --enable-automation
        // (navigator.webdriver = true): use our own list only.
        .disable_default_args()
        .hide()
        .viewport(None)
        .window_size(WINDOW_SIZE.0, WINDOW_SIZE.1)
        .launch_timeout(opts.launch_timeout)
        .request_timeout(CDP_REQUEST_TIMEOUT);
    // The default is `--headless` (the new headless mode in current Chromium).
    if !opts.headless {
        builder = builder.with_head();
    }
    if running_as_root() {
        builder = builder.no_sandbox();
    }
    // chromiumoxide prefixes every argument with `--` itself (and joins the values of one name
    // with `,`): pass names without dashes.
    let extra = opts
        .extra_args
        .iter()
        .map(|f| f.trim().trim_start_matches('-'))
        .filter(|f| !f.is_empty());
    for flag in FLAGS.into_iter().chain(extra) {
        builder = match flag.split_once('=') {
            Some((name, value)) => builder.arg((name, value)),
            None => builder.arg(flag),
        };
    }
    builder.build().map_err(SessionError::Launch)
}

fn launch_error_text(e: &CdpError) -> String {
    match e {
        CdpError::LaunchExit(status, stderr) => {
            let stderr = String::from_utf8_lossy(stderr.as_slice());
            let hint = if status.code() == Some(21) || stderr.contains("ProcessSingleton") {
                " (the profile is in use by another browser)"
            } else {
                ""
            };
            format!(
                "Chromium exited with {status}{hint}: {}",
                last_lines(&stderr, 5)
            )
        }
        CdpError::LaunchTimeout(stderr) => format!(
            "no DevTools address in time: {}",
            last_lines(&String::from_utf8_lossy(stderr.as_slice()), 5)
        ),
        other => other.to_string(),
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> SessionError {
    SessionError::Io(format!("could not {what} {}: {e}", path.display()))
}

/// Makes the profile usable: kills an orphan of a crashed run of ours (named by the pid file
/// and running on this profile), then removes stale locks unless a live browser owns them.
async fn reclaim_profile(profile_dir: &Path) -> Result<()> {
    let pid_file = profile_dir.join(PID_FILE);
    if let Ok(text) = tokio::fs::read_to_string(&pid_file).await {
        match text.trim().parse::<u32>() {
            Ok(pid) if process_alive(pid) && cmdline_mentions(pid, profile_dir) => {
                tracing::warn!(pid, profile = %profile_dir.display(), "killing an orphaned Chromium of a previous run");
                kill_pid(pid).await?;
            }
            Ok(_) => {}
            Err(_) => tracing::warn!(path = %pid_file.display(), "ignoring a malformed pid file"),
        }
        let _ = tokio::fs::remove_file(&pid_file).await;
    }

    if let Some(owner) = lock_owner(profile_dir)
        && process_alive(owner)
        && cmdline_mentions(owner, profile_dir)
    {
        return Err(SessionError::Launch(format!(
            "the profile {} is in use by a running Chromium (pid {owner}) that is not ours",
            profile_dir.display()
        )));
    }
    for lock in STALE_LOCKS {
        let path = profile_dir.join(lock);
        // symlink_metadata: SingletonLock is a dangling symlink ("host-pid").
        if tokio::fs::symlink_metadata(&path).await.is_ok() {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => tracing::debug!(path = %path.display(), "removed a stale lock"),
                Err(e) => {
                    return Err(io_error("remove the stale lock", &path, &e));
                }
            }
        }
    }
    Ok(())
}

/// The pid in `SingletonLock` (a symlink to `<hostname>-<pid>`), when it names this host.
fn lock_owner(profile_dir: &Path) -> Option<u32> {
    let target = std::fs::read_link(profile_dir.join("SingletonLock")).ok()?;
    let target = target.to_string_lossy();
    let (host, pid) = target.rsplit_once('-')?;
    let pid = pid.parse::<u32>().ok()?;
    let ours = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    if host != ours.trim() {
        tracing::warn!(
            lock_host = host,
            "the profile lock was taken on another host; treating it as stale"
        );
        return None;
    }
    Some(pid)
}

/// Whether `pid` exists and is not a zombie.
pub(crate) fn process_alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "pid (comm) S ...": comm may contain spaces and parentheses, so read after the last ')'.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next());
    !matches!(state, Some("Z" | "X" | "x") | None)
}

/// Whether the command line of `pid` runs on `profile_dir` (`--user-data-dir=<profile_dir>`).
fn cmdline_mentions(pid: u32, profile_dir: &Path) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let wanted = format!("--user-data-dir={}", profile_dir.display());
    cmdline
        .split(|b| *b == 0)
        .any(|arg| arg == wanted.as_bytes())
}

/// SIGKILL to a process that is not our child (an orphan of a previous run), then wait until it
/// disappeared. `kill` is the shell's builtin (no libc call: this crate forbids `unsafe`).
async fn kill_pid(pid: u32) -> Result<()> {
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg("kill -KILL \"$1\"")
        .arg("sh")
        .arg(pid.to_string())
        .kill_on_drop(true)
        .status()
        .await
        .map_err(|e| SessionError::Launch(format!("could not run kill for pid {pid}: {e}")))?;
    let deadline = Instant::now() + ORPHAN_DEADLINE;
    while process_alive(pid) {
        if Instant::now() >= deadline {
            return Err(SessionError::Launch(format!(
                "the orphaned Chromium (pid {pid}) survived SIGKILL (kill: {status})"
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_lines_keeps_the_tail() {
        assert_eq!(last_lines("a\n\nb\nc\n", 2), "b | c");
        assert_eq!(last_lines("", 2), "");
    }

    #[test]
    fn our_own_process_is_alive_and_a_free_pid_is_not() {
        assert!(process_alive(std::process::id()));
        assert!(!process_alive(u32::MAX));
    }
}
