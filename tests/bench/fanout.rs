//! `tiktickets bench fanout`: the real binary starts its server in process, connects Socket.IO
//! clients of one tenant, sends messages through the REST API and prints
//! `fanout: clients=<N> p50=<ms> p99=<ms> lost=<k>` last. No time is asserted.

use tiktickets_test_support::TestDb;

use crate::support::{summary, tiktickets};

/// Milliseconds as the summary prints them: digits, a point, exactly two decimals.
fn ms(value: &str) -> Option<f64> {
    let (whole, decimals) = value.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(whole) && digits(decimals) && decimals.len() == 2)
        .then(|| value.parse().ok())
        .flatten()
}

/// Checks `fanout: clients=<clients> p50=<ms> p99=<ms> lost=0`.
fn assert_summary(line: &str, clients: usize) {
    let fields: Vec<&str> = line.split(' ').collect();
    assert_eq!(fields.len(), 5, "five fields: {line:?}");
    assert_eq!(fields[0], "fanout:", "{line:?}");
    assert_eq!(fields[1], format!("clients={clients}"), "{line:?}");
    let p50 = fields[2].strip_prefix("p50=").and_then(ms);
    let p99 = fields[3].strip_prefix("p99=").and_then(ms);
    let (Some(p50), Some(p99)) = (p50, p99) else {
        panic!("p50=<ms> p99=<ms> with two decimals: {line:?}");
    };
    assert!(p50 <= p99, "{line:?}");
    assert_eq!(fields[4], "lost=0", "{line:?}");
}

#[test]
fn the_summary_check_reads_the_documented_format() {
    assert_eq!(ms("12.34"), Some(12.34));
    assert_eq!(ms("0.05"), Some(0.05));
    for bad in ["12", "12.3", "12.345", ".12", "1a.00", "-1.00"] {
        assert_eq!(ms(bad), None, "{bad}");
    }
    assert_summary("fanout: clients=50 p50=1.25 p99=9.00 lost=0", 50);
}

#[tokio::test]
async fn fifty_clients_receive_every_message_on_every_backend() {
    for db in TestDb::all().await {
        let out = tiktickets(
            db.url(),
            &["bench", "fanout", "--clients", "50", "--messages", "3"],
        );
        let line = summary(&out);
        println!("{}: {line}", db.backend_name());
        assert_summary(&line, 50);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("connect: 50 of 50 clients connected"),
            "{}: {stdout}",
            db.backend_name()
        );
        // A second run reuses the bench tenant.
        let again = tiktickets(
            db.url(),
            &["bench", "fanout", "--clients", "3", "--messages", "1"],
        );
        assert_summary(&summary(&again), 3);
    }
}

#[test]
fn zero_clients_is_refused_with_a_clear_message() {
    let db = TestDb::sqlite();
    let out = tiktickets(db.url(), &["bench", "fanout", "--clients", "0"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "exit 0 with --clients 0: {stderr}");
    assert!(
        stderr.contains("--clients must be at least 1"),
        "stderr: {stderr}"
    );
}
