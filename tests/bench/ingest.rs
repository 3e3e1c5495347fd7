//! `tiktickets bench ingest` on a fresh database (no bench data: it makes its own small
//! tenants): it exits 0, prints its summary line in the documented format, and every message
//! of the run is in the database afterwards, exactly once.

#![allow(
    clippy::expect_used,
    reason = "test: a broken fixture must stop the test"
)]

use tiktickets_domain::PlatformCtx;
use tiktickets_domain::TenantCtx;
use tiktickets_persistence::{Db, build_stores};
use tiktickets_test_support::TestDb;

use crate::support::{summary, tiktickets};

/// `<digits>.<exactly decimals digits>`.
fn is_decimal(s: &str, decimals: usize) -> bool {
    let Some((int, frac)) = s.split_once('.') else {
        return false;
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() == decimals
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// `^<name>: \d+\.\d <unit> p50=\d+\.\d\d p99=\d+\.\d\d$`, checked by hand.
pub fn is_summary(line: &str, name: &str, unit: &str) -> bool {
    let parts: Vec<&str> = line.split(' ').collect();
    let [label, rate, u, p50, p99] = parts.as_slice() else {
        return false;
    };
    *label == format!("{name}:")
        && is_decimal(rate, 1)
        && *u == unit
        && p50.strip_prefix("p50=").is_some_and(|v| is_decimal(v, 2))
        && p99.strip_prefix("p99=").is_some_and(|v| is_decimal(v, 2))
}

/// Runs a command expected to fail and returns its stderr.
pub fn refused(url: &str, args: &[&str]) -> String {
    let out = tiktickets(url, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} succeeded:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
    stderr
}

#[test]
fn the_summary_check_accepts_only_the_documented_format() {
    assert!(is_summary(
        "ingest: 123.4 msg/s p50=1.23 p99=45.67",
        "ingest",
        "msg/s"
    ));
    assert!(is_summary(
        "ingest: 0.0 msg/s p50=0.00 p99=0.00",
        "ingest",
        "msg/s"
    ));
    for bad in [
        "ingest: 123 msg/s p50=1.23 p99=45.67",
        "ingest: 123.45 msg/s p50=1.23 p99=45.67",
        "ingest: 123.4 msg/s p50=1.2 p99=45.67",
        "ingest: 123.4 msg/s p50=1.23 p99=45.67 ",
        "ingest: 123.4 req/s p50=1.23 p99=45.67",
        "ingest:  123.4 msg/s p50=1.23 p99=45.67",
        "ticket-list: 123.4 msg/s p50=1.23 p99=45.67",
        "ingest: 123.4 msg/s p99=1.23 p50=45.67",
        "ingest: -1.0 msg/s p50=1.23 p99=45.67",
    ] {
        assert!(!is_summary(bad, "ingest", "msg/s"), "{bad}");
    }
}

#[tokio::test]
async fn bench_ingest_stores_every_message_and_prints_its_summary() {
    for db in TestDb::all().await {
        let backend = db.backend_name();
        let out = tiktickets(
            db.url(),
            &["bench", "ingest", "--messages", "200", "--concurrency", "4"],
        );
        let last = summary(&out);
        assert!(
            is_summary(&last, "ingest", "msg/s"),
            "{backend}: unexpected summary {last:?}"
        );
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            stdout.contains("created small fixtures"),
            "{backend}:\n{stdout}"
        );
        assert!(stdout.contains("errors: 0 "), "{backend}:\n{stdout}");
        let run = stdout
            .lines()
            .find_map(|l| l.strip_prefix("run: "))
            .and_then(|l| l.split_whitespace().next())
            .expect("run id line")
            .to_owned();

        // Every message of the run is stored, in one of the bench tenants.
        let database = Db::connect(db.url()).await.expect("open the database");
        let stores = build_stores(&database);
        let tenants: Vec<TenantCtx> = stores
            .tenants
            .list(&PlatformCtx::system())
            .await
            .expect("tenants")
            .into_iter()
            .filter(|t| t.name.starts_with("Bench Fixture "))
            .map(|t| TenantCtx::system(t.id))
            .collect();
        assert_eq!(tenants.len(), 3, "{backend}: fixture tenants");
        let mut stored = 0;
        for n in 0..200 {
            let id = format!("bench-ingest-{run}-{n}");
            let mut found = 0;
            for cx in &tenants {
                if let Some(m) = stores
                    .messages
                    .find_by_provider_id(cx, &id)
                    .await
                    .expect("lookup")
                {
                    assert!(!m.from_me && !m.body.is_empty(), "{backend}: {m:?}");
                    found += 1;
                }
            }
            assert_eq!(found, 1, "{backend}: message {id}");
            stored += found;
        }
        assert_eq!(stored, 200, "{backend}");
        // Nothing beyond the run's ids.
        assert!(
            stores
                .messages
                .find_by_provider_id(&tenants[0], &format!("bench-ingest-{run}-200"))
                .await
                .expect("lookup")
                .is_none(),
            "{backend}"
        );

        // A second run on the same database reuses the fixtures.
        let again = tiktickets(
            db.url(),
            &["bench", "ingest", "--messages", "20", "--concurrency", "2"],
        );
        assert!(is_summary(&summary(&again), "ingest", "msg/s"), "{backend}");
        let stdout = String::from_utf8_lossy(&again.stdout).into_owned();
        assert!(
            stdout.contains("made by an earlier bench run"),
            "{backend}:\n{stdout}"
        );
        database.close().await.expect("close");
    }
}

#[tokio::test]
async fn bench_ingest_refuses_bad_arguments() {
    let db = TestDb::sqlite();
    let stderr = refused(
        db.url(),
        &["bench", "ingest", "--messages", "10", "--concurrency", "0"],
    );
    assert!(
        stderr.contains("--concurrency must be at least 1"),
        "{stderr}"
    );
    let stderr = refused(db.url(), &["bench", "ingest", "--messages", "0"]);
    assert!(stderr.contains("--messages must be at least 1"), "{stderr}");
    let stderr = refused(db.url(), &["bench", "ingest", "--messages", "many"]);
    assert!(stderr.contains("--messages"), "{stderr}");
}
