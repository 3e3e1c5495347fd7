//! `tiktickets bench seed` at a tiny size on every backend: the summary line, the data (counted
//! with SQL), the refusal of a second run and of bad arguments, and the pgbench ceiling script
//! on the seeded data when pgbench and PostgreSQL are there.

#![allow(
    clippy::expect_used,
    reason = "test: a broken fixture must stop the test"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tiktickets_persistence::Db;
use tiktickets_persistence::bench_seed::{BenchTenantCensus, bench_census};
use tiktickets_test_support::TestDb;

use crate::support::{summary, tiktickets};

const ARGS: [&str; 10] = [
    "bench",
    "seed",
    "--tenants",
    "2",
    "--contacts",
    "200",
    "--tickets",
    "150",
    "--messages",
    "1000",
];

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Checks `seed: tenants=<n> contacts=<n> tickets=<n> messages=<n> seconds=<s.ss>
/// rows_per_s=<n>` with the expected counts.
fn assert_summary(line: &str, counts: [u64; 4]) {
    let mut words = line.split(' ');
    assert_eq!(words.next(), Some("seed:"), "{line}");
    let keys = [
        "tenants",
        "contacts",
        "tickets",
        "messages",
        "seconds",
        "rows_per_s",
    ];
    let mut values = Vec::new();
    for key in keys {
        let word = words.next().unwrap_or_default();
        let value = word
            .strip_prefix(key)
            .and_then(|rest| rest.strip_prefix('='))
            .unwrap_or_else(|| panic!("expected {key}=... in {line:?}"));
        values.push(value.to_owned());
    }
    assert_eq!(words.next(), None, "nothing after rows_per_s: {line:?}");
    for (i, expected) in counts.iter().enumerate() {
        assert_eq!(values[i], expected.to_string(), "{line}");
    }
    let (whole, decimals) = values[4].split_once('.').expect("seconds with decimals");
    assert!(
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && decimals.len() == 2
            && decimals.bytes().all(|b| b.is_ascii_digit()),
        "seconds=<s.ss>: {line}"
    );
    assert!(
        !values[5].is_empty() && values[5].bytes().all(|b| b.is_ascii_digit()),
        "rows_per_s=<n>: {line}"
    );
}

async fn census(url: &str) -> Vec<BenchTenantCensus> {
    let db = Db::connect(url).await.expect("open the test database");
    let found = bench_census(&db).await.expect("census");
    db.close().await.expect("close");
    found
}

fn sum(c: &[BenchTenantCensus], f: impl Fn(&BenchTenantCensus) -> u64) -> u64 {
    c.iter().map(f).sum()
}

#[tokio::test]
async fn seed_writes_consistent_data_prints_its_summary_and_refuses_a_second_run() {
    for db in TestDb::all().await {
        let backend = db.backend_name();
        let out = tiktickets(db.url(), &ARGS);
        let line = summary(&out);
        assert_summary(&line, [2, 200, 150, 1000]);

        let c = census(db.url()).await;
        assert_eq!(
            c.iter().map(|t| t.tenant.index).collect::<Vec<_>>(),
            [1, 2],
            "{backend}: the bench tenants"
        );
        assert_eq!(sum(&c, |t| t.contacts), 200, "{backend}: contacts");
        assert_eq!(sum(&c, |t| t.tickets), 150, "{backend}: tickets");
        assert_eq!(sum(&c, |t| t.messages), 1000, "{backend}: messages");
        for t in &c {
            let n = t.tenant.index;
            assert_eq!(t.users, 11, "{backend}: tenant {n}: admin + 10 agents");
            assert_eq!(t.queues, 3, "{backend}: tenant {n}: queues");
            assert!(
                t.users_queues >= 10,
                "{backend}: tenant {n}: agents in queues"
            );
            assert_eq!(t.connected_channels, 1, "{backend}: tenant {n}: channel");
            assert!(
                t.tenant.channel_id.is_some(),
                "{backend}: tenant {n}: default"
            );
            assert_eq!(t.open + t.pending + t.closed, t.tickets, "{backend}: {n}");
            assert!(
                t.closed > t.open && t.closed > 0,
                "{backend}: {n}: mostly closed"
            );
            assert_eq!(
                t.stale_last_message, 0,
                "{backend}: {n}: lastMessage = newest"
            );
            assert_eq!(
                t.duplicate_active, 0,
                "{backend}: {n}: one active per contact"
            );
            assert_eq!(t.wrong_unread, 0, "{backend}: {n}: unread counts");
        }
        let first = &c[0];
        assert!(
            first.contacts >= 100 && first.tickets >= 75 && first.messages >= 500,
            "{backend}: tenant 1 holds at least half: {first:?}"
        );
        assert!(
            sum(&c, |t| t.open) > 0 && sum(&c, |t| t.pending) > 0,
            "{backend}: some open and pending tickets: {c:?}"
        );

        // Bench data goes into a fresh database: a second run is refused cleanly.
        let again = tiktickets(db.url(), &ARGS);
        let all = text(&again);
        assert!(!again.status.success(), "{backend}: second run: {all}");
        assert!(
            all.contains("fresh database") && all.contains("Bench Tenant 1"),
            "{backend}: says why: {all}"
        );
        assert!(!all.contains("panicked"), "{backend}: no panic: {all}");
        assert_eq!(
            sum(&census(db.url()).await, |t| t.messages),
            1000,
            "{backend}: the refused run wrote nothing"
        );

        if backend == "postgres" {
            run_ceiling_script(db.url(), &c).await;
        }
    }
}

#[test]
fn bad_arguments_are_refused_with_a_reason() {
    let db = TestDb::sqlite();
    for (args, says) in [
        (
            vec!["bench", "seed", "--tenants", "0"],
            "--tenants must be at least 1",
        ),
        (
            vec![
                "bench",
                "seed",
                "--tenants",
                "1",
                "--contacts",
                "10",
                "--tickets",
                "10",
                "--messages",
                "5",
            ],
            "--messages",
        ),
        (
            vec![
                "bench",
                "seed",
                "--tenants",
                "1",
                "--contacts",
                "1",
                "--tickets",
                "1000",
                "--messages",
                "0",
            ],
            "tickets per contact",
        ),
        (vec!["bench", "seed", "--tenants", "-3"], "-3"),
    ] {
        let out = tiktickets(db.url(), &args);
        let all = text(&out);
        assert!(!out.status.success(), "{args:?}: {all}");
        assert!(all.contains(says), "{args:?} should say {says:?}: {all}");
        assert!(!all.contains("panicked"), "{args:?}: no panic: {all}");
    }
}

/// pgbench on PATH or in the PostgreSQL installation.
fn find_pgbench() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.path().join("bin"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(installed)
        .map(|dir| dir.join("pgbench"))
        .find(|p| p.is_file())
}

/// Runs benches/ingest-ceiling.sql (2 clients x 20 transactions) on the seeded database and
/// checks that every transaction stored its message.
async fn run_ceiling_script(url: &str, before: &[BenchTenantCensus]) {
    let Some(pgbench) = find_pgbench() else {
        eprintln!("skipping the pgbench part of this test: pgbench is not installed");
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/ingest-ceiling.sql");
    let known = before.iter().map(|t| t.contacts).min().unwrap_or(0);
    let out = Command::new(&pgbench)
        .arg("-n")
        .args(["-M", "prepared"])
        .arg("-f")
        .arg(&script)
        .args(["-c", "2", "-j", "2", "-t", "20"])
        .args(["-D", &format!("tenants={}", before.len())])
        .args(["-D", &format!("contacts={known}")])
        .arg(url)
        .output()
        .expect("run pgbench");
    let all = text(&out);
    assert!(out.status.success(), "pgbench: {all}");
    assert!(
        all.contains("number of transactions actually processed: 40/40"),
        "pgbench: {all}"
    );
    let after = census(url).await;
    assert_eq!(
        sum(&after, |t| t.messages),
        sum(before, |t| t.messages) + 40,
        "one message per pgbench transaction"
    );
    assert!(
        after.iter().all(|t| t.duplicate_active == 0),
        "the script keeps one active ticket per contact: {after:?}"
    );
}
