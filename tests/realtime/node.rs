//! The independent client: `node tests/realtime/client/driver.js`, which runs socket.io-client
//! 3.1.3 (the reference web client's library), driven with one JSON command per line on its
//! stdin; every line it prints is kept, so that tests can wait for one and, at the end, look
//! at everything a client received.

#![allow(
    clippy::expect_used,
    reason = "test harness: a broken driver must stop the test"
)]

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tiktickets_test_support::missing_service;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};

/// How long one expected line may take.
pub const STEP: Duration = Duration::from_secs(15);

/// Where driver.js and its node_modules live.
fn client_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/realtime/client")
}

/// A running driver.
pub struct Driver {
    _child: Child,
    stdin: ChildStdin,
    rx: mpsc::UnboundedReceiver<Value>,
    /// Lines read but not yet taken by an `expect`.
    pending: VecDeque<Value>,
    /// Every line read, in order.
    history: Vec<Value>,
    next_ref: u64,
}

impl Driver {
    /// Starts the driver; `None` (reported through `missing_service`) when node or the
    /// installed client library is missing.
    pub async fn start() -> Option<Driver> {
        let dir = client_dir();
        let node = Command::new("node")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .is_ok_and(|s| s.success());
        if !node || !dir.join("node_modules/socket.io-client").is_dir() {
            missing_service("node and tests/realtime/client/node_modules (run npm ci there)");
            return None;
        }
        let mut child = Command::new("node")
            .arg("driver.js")
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn node driver.js");
        let stdin = child.stdin.take().expect("driver stdin");
        let stdout = child.stdout.take().expect("driver stdout");
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                match serde_json::from_str::<Value>(&line) {
                    Ok(v) => {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                    Err(_) => eprintln!("driver.js: {line}"),
                }
            }
        });
        Some(Driver {
            _child: child,
            stdin,
            rx,
            pending: VecDeque::new(),
            history: Vec::new(),
            next_ref: 0,
        })
    }

    /// Sends one command.
    pub async fn send(&mut self, cmd: Value) {
        let mut line = cmd.to_string();
        line.push('\n');
        self.stdin
            .write_all(line.as_bytes())
            .await
            .expect("write to driver");
        self.stdin.flush().await.expect("flush driver stdin");
    }

    fn take_pending(&mut self, pred: &impl Fn(&Value) -> bool) -> Option<Value> {
        let i = self.pending.iter().position(pred)?;
        self.pending.remove(i)
    }

    fn fail(&self, what: &str) -> ! {
        let tail: Vec<String> = self
            .history
            .iter()
            .rev()
            .take(20)
            .map(Value::to_string)
            .collect();
        panic!(
            "no {what} from the client; last lines, newest first:\n{}",
            tail.join("\n")
        );
    }

    /// The first line (already read or still to come) that matches, within `within`.
    pub async fn expect_within(
        &mut self,
        what: &str,
        within: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        if let Some(v) = self.take_pending(&pred) {
            return v;
        }
        let deadline = Instant::now() + within;
        loop {
            match timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(v)) => {
                    self.history.push(v.clone());
                    if v["ev"] == "error" {
                        panic!("driver.js refused a command: {v}");
                    }
                    if pred(&v) {
                        return v;
                    }
                    self.pending.push_back(v);
                }
                Ok(None) => self.fail(&format!("{what} (the driver exited)")),
                Err(_) => self.fail(what),
            }
        }
    }

    /// [`Driver::expect_within`] with the usual timeout.
    pub async fn expect(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.expect_within(what, STEP, pred).await
    }

    /// Reads whatever arrives during `window` (kept for later `expect`s and in the history).
    pub async fn settle(&mut self, window: Duration) {
        let deadline = Instant::now() + window;
        while let Ok(Some(v)) = timeout_at(deadline, self.rx.recv()).await {
            self.history.push(v.clone());
            self.pending.push_back(v);
        }
    }

    /// Every line read so far.
    pub fn history(&self) -> &[Value] {
        &self.history
    }

    /// `(event, first argument)` of every event client `id` has received so far.
    pub fn events_of(&self, id: &str) -> Vec<(String, Value)> {
        self.history
            .iter()
            .filter(|v| v["ev"] == "event" && v["id"] == id)
            .map(|v| {
                (
                    v["event"].as_str().unwrap_or_default().to_owned(),
                    v["args"][0].clone(),
                )
            })
            .collect()
    }

    /// Connects client `id` as the web client does (`auth` callback with `{token}`; `None`
    /// sends `{token: null}`; WebSocket first, then long-polling); the `connect` or
    /// `connect_error` line.
    pub async fn connect(&mut self, id: &str, base: &str, token: Option<&str>) -> Value {
        self.connect_with(id, base, token, &["websocket", "polling"])
            .await
    }

    /// [`Driver::connect`] with the client's `transports` option.
    pub async fn connect_with(
        &mut self,
        id: &str,
        base: &str,
        token: Option<&str>,
        transports: &[&str],
    ) -> Value {
        self.send(json!({
            "cmd": "connect",
            "id": id,
            "url": base,
            "token": token,
            "transports": transports,
        }))
        .await;
        self.expect(&format!("connect or connect_error of {id}"), |v| {
            v["id"] == id && (v["ev"] == "connect" || v["ev"] == "connect_error")
        })
        .await
    }

    /// Connects client `id` and asserts it was accepted.
    pub async fn connected(&mut self, id: &str, base: &str, token: &str) {
        let line = self.connect(id, base, Some(token)).await;
        assert_eq!(line["ev"], "connect", "client {id} was refused: {line}");
        assert!(
            line["sid"].as_str().is_some_and(|s| !s.is_empty()),
            "connect without a socket id: {line}"
        );
    }

    /// Emits `event` with `args` and an ack callback; the ack's first argument.
    pub async fn emit_ack(&mut self, id: &str, event: &str, args: Value) -> Value {
        self.next_ref += 1;
        let r = format!("r{}", self.next_ref);
        self.send(
            json!({"cmd": "emit", "id": id, "event": event, "args": args, "ack": true, "ref": r}),
        )
        .await;
        let line = self
            .expect(&format!("ack of {event} from {id}"), |v| {
                v["ev"] == "ack" && v["id"] == id && v["ref"] == r.as_str()
            })
            .await;
        line["args"][0].clone()
    }

    /// The first argument of the first `event` client `id` receives whose argument matches.
    pub async fn event_where(
        &mut self,
        id: &str,
        event: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let line = self
            .expect(&format!("{event} at {id}"), |v| {
                v["ev"] == "event" && v["id"] == id && v["event"] == event && pred(&v["args"][0])
            })
            .await;
        line["args"][0].clone()
    }

    /// Disconnects client (or group) `id`.
    pub async fn disconnect(&mut self, id: &str) {
        self.send(json!({"cmd": "disconnect", "id": id})).await;
    }
}
