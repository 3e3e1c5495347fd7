//! Runs the real binary on a test database.

#![allow(
    clippy::expect_used,
    reason = "test harness: a broken fixture must stop the test"
)]

use std::process::Output;

/// Runs `tiktickets <args>` on the database at `url` (sessions off, quiet logs) in a fresh
/// working directory; returns its output.
pub fn tiktickets(url: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("work dir");
    std::process::Command::new(env!("CARGO_BIN_EXE_tiktickets"))
        .args(args)
        .current_dir(dir.path())
        .env("DATABASE_URL", url)
        .env("TIKTICKETS__SESSIONS__ENABLED", "false")
        .env("TIKTICKETS__LOG__FILTER", "warn")
        .env("TIKTICKETS__MEDIA__DIR", dir.path().join("media"))
        .env_remove("RUST_LOG")
        .env_remove("REDIS_URL")
        .output()
        .expect("run tiktickets")
}

/// The last non-empty line of stdout, after asserting the command succeeded.
pub fn summary(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_owned()
}
