//! `tiktickets bench ticket-list` on a fresh database (no bench data: it makes its own small
//! tenants): it exits 0, prints the idle memory and its summary line in the documented format.

use tiktickets_test_support::TestDb;

use crate::ingest::{is_summary, refused};
use crate::support::{summary, tiktickets};

#[tokio::test]
async fn bench_ticket_list_answers_every_request_and_prints_its_summary() {
    for db in TestDb::all().await {
        let backend = db.backend_name();
        let out = tiktickets(
            db.url(),
            &[
                "bench",
                "ticket-list",
                "--requests",
                "50",
                "--concurrency",
                "4",
            ],
        );
        let last = summary(&out);
        assert!(
            is_summary(&last, "ticket-list", "req/s"),
            "{backend}: unexpected summary {last:?}"
        );
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let lines: Vec<&str> = stdout.lines().collect();
        let rss = lines
            .iter()
            .position(|l| {
                l.strip_prefix("idle-rss: ")
                    .and_then(|v| v.strip_suffix(" MiB"))
                    .is_some_and(|v| v.parse::<f64>().is_ok_and(|mib| mib > 0.0))
            })
            .unwrap_or_else(|| panic!("{backend}: no idle-rss line:\n{stdout}"));
        let agents = lines
            .iter()
            .position(|l| l.starts_with("agents: 3 logged in"))
            .unwrap_or_else(|| panic!("{backend}: no agents line:\n{stdout}"));
        assert!(
            rss < agents,
            "{backend}: memory is read before the requests"
        );
        assert!(
            stdout.contains("created small fixtures"),
            "{backend}:\n{stdout}"
        );
        assert!(stdout.contains("failures: 0 "), "{backend}:\n{stdout}");
        assert!(
            lines.iter().any(|l| l.starts_with("data: 24 tickets")),
            "{backend}: the first fixture tenant's tickets:\n{stdout}"
        );
    }
}

#[tokio::test]
async fn bench_ticket_list_refuses_bad_arguments() {
    let db = TestDb::sqlite();
    let stderr = refused(
        db.url(),
        &[
            "bench",
            "ticket-list",
            "--requests",
            "10",
            "--concurrency",
            "0",
        ],
    );
    assert!(
        stderr.contains("--concurrency must be at least 1"),
        "{stderr}"
    );
    let stderr = refused(db.url(), &["bench", "ticket-list", "--requests", "0"]);
    assert!(stderr.contains("--requests must be at least 1"), "{stderr}");
}
