//! The CDP side of the page bridge (see `docs/whatsapp-bridge-protocol.md`).
//!
//! - Page → host: one binding, `__waEmit`, added without an execution context so that it
//!   survives reloads. Each call carries a JSON envelope `{v, seq, epoch, t0, type, data}`; the
//!   event pump follows the newest page context (by `t0`) and drops duplicates of
//!   `(epoch, seq)`.
//! - Host → page: `window.__waBridge.call(name, argsJson)`, evaluated with `awaitPromise` and
//!   `returnByValue`, under a deadline.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::inspector::{
    EnableParams as InspectorEnableParams, EventTargetCrashed,
};
use chromiumoxide::cdp::browser_protocol::network::SetUserAgentOverrideParams;
use chromiumoxide::cdp::browser_protocol::page::{
    AddScriptToEvaluateOnNewDocumentParams, CrashParams,
};
use chromiumoxide::cdp::js_protocol::runtime::{
    AddBindingParams, EvaluateParams, EventBindingCalled, ExceptionDetails,
};
use chromiumoxide::error::CdpError;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::browser::SessionBrowser;
use crate::error::{Result, SessionError};

/// The name of the page → host binding.
pub const BINDING_NAME: &str = "__waEmit";

/// The envelope version this host understands.
pub const PROTOCOL_VERSION: u64 = 1;

/// How long opening the page, navigating or reloading may take.
const NAVIGATION_TIMEOUT: Duration = Duration::from_secs(30);

/// Deadline of the small setup commands (binding, init script, user agent, close).
const SETUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Capacity of the signal channel (the pump waits when it is full).
const SIGNAL_CAPACITY: usize = 1024;

/// How many sequence numbers below the highest one seen are remembered per epoch; older ones
/// count as already seen.
const SEQ_WINDOW: u64 = 256;

/// When the page's event stream ends, how long to wait for the browser to be marked gone before
/// concluding that only the page was closed.
const GONE_GRACE: Duration = Duration::from_secs(2);

/// Pause before retrying a command whose page context was replaced.
const RETRY_PAUSE: Duration = Duration::from_millis(100);

/// What the page reports to the host.
#[derive(Debug, Clone)]
pub enum PageSignal {
    /// A bridge event (already de-duplicated and from the newest page context).
    Event(BridgeEvent),
    /// The renderer crashed (`Inspector.targetCrashed`); the page must be reloaded.
    Crashed,
    /// The CDP connection closed (the browser crashed, was killed or closed). Sent once, last;
    /// the receiver also ends without it when the page is closed.
    BrowserGone,
}

/// One event of the page bridge.
#[derive(Debug, Clone, PartialEq)]
pub struct BridgeEvent {
    /// The page context's random id (a new one for each document load).
    pub epoch: String,
    /// 1, 2, 3, ... within the epoch.
    pub seq: u64,
    /// `performance.timeOrigin` of the page context.
    pub t0: f64,
    /// The event type (`phase`, `qr`, `message`, ...).
    pub kind: String,
    /// The event's data.
    pub data: Value,
    /// When the host received it.
    pub received_at: Instant,
}

/// The page that runs the bridge, and the pump of its events.
#[derive(Debug)]
pub struct BridgePage {
    page: Page,
    pump: JoinHandle<()>,
}

impl Drop for BridgePage {
    fn drop(&mut self) {
        self.pump.abort();
    }
}

impl BridgePage {
    /// Opens a page on `about:blank`, installs the binding, `init_script` (on every new
    /// document) and the user agent, then navigates to `url` (30 s at most). The receiver gets
    /// the page's events and its crash / browser-gone signals.
    pub async fn open(
        browser: &SessionBrowser,
        url: &str,
        init_script: &str,
        user_agent: &str,
    ) -> Result<(BridgePage, mpsc::Receiver<PageSignal>)> {
        let page =
            tokio::time::timeout(NAVIGATION_TIMEOUT, browser.inner().new_page("about:blank"))
                .await
                .map_err(|_| SessionError::Cdp("opening a page timed out".into()))?
                .map_err(|e| cdp_error("Target.createTarget", &e))?;
        match Self::setup(page.clone(), browser, url, init_script, user_agent).await {
            Ok(opened) => Ok(opened),
            Err(e) => {
                if let Ok(Err(close)) = tokio::time::timeout(SETUP_TIMEOUT, page.close()).await {
                    tracing::debug!(error = %close, "closing a page that failed to open");
                }
                Err(e)
            }
        }
    }

    async fn setup(
        page: Page,
        browser: &SessionBrowser,
        url: &str,
        init_script: &str,
        user_agent: &str,
    ) -> Result<(BridgePage, mpsc::Receiver<PageSignal>)> {
        // Subscribe before adding the binding, so that no call is missed.
        let bindings = page
            .event_listener::<EventBindingCalled>()
            .await
            .map_err(|e| cdp_error("subscribe to Runtime.bindingCalled", &e))?;
        setup_step(&page, AddBindingParams::new(BINDING_NAME)).await?;
        setup_step(
            &page,
            AddScriptToEvaluateOnNewDocumentParams::new(init_script),
        )
        .await?;
        setup_step(&page, SetUserAgentOverrideParams::new(user_agent)).await?;
        let crashes = page
            .event_listener::<EventTargetCrashed>()
            .await
            .map_err(|e| cdp_error("subscribe to Inspector.targetCrashed", &e))?;
        setup_step(&page, InspectorEnableParams::default()).await?;

        let (tx, rx) = mpsc::channel(SIGNAL_CAPACITY);
        let pump = tokio::spawn(pump(bindings, crashes, browser.gone(), tx));
        let bridge = BridgePage { page, pump };

        match tokio::time::timeout(NAVIGATION_TIMEOUT, bridge.page.goto(url)).await {
            Ok(Ok(_)) => Ok((bridge, rx)),
            Ok(Err(e)) => Err(SessionError::Cdp(format!(
                "navigation to {url} failed: {e}"
            ))),
            Err(_) => Err(SessionError::Cdp(format!(
                "navigation to {url} did not finish within {} s",
                NAVIGATION_TIMEOUT.as_secs()
            ))),
        }
    }

    /// Runs a bridge command: `window.__waBridge.call(command, JSON.stringify(args))`.
    ///
    /// - No answer within `deadline`: [`SessionError::Timeout`].
    /// - The page context was replaced during the call (or threw): retried once, then
    ///   [`SessionError::ContextGone`].
    /// - `{ok: false, error}`: [`SessionError::Page`] (`NotReady` when the bridge is not loaded).
    /// - `{ok: true, value}`: the value (`Null` when absent).
    pub async fn call(&self, command: &str, args: Value, deadline: Duration) -> Result<Value> {
        let expression = call_expression(command, &args)?;
        match tokio::time::timeout(deadline, self.call_with_retry(command, &expression)).await {
            Ok(result) => result,
            Err(_) => Err(SessionError::Timeout {
                command: command.to_string(),
                after_ms: u64::try_from(deadline.as_millis()).unwrap_or(u64::MAX),
            }),
        }
    }

    async fn call_with_retry(&self, command: &str, expression: &str) -> Result<Value> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let gone_reason = match self.evaluate_once(expression).await {
                Ok(Evaluated::Value(answer)) => return parse_answer(command, answer),
                Ok(Evaluated::Exception(details)) => exception_text(&details),
                Err(EvalError::ContextGone(message)) => message,
                Err(EvalError::Cdp(message)) => {
                    return Err(SessionError::Cdp(format!("{command}: {message}")));
                }
            };
            if attempt >= 2 {
                tracing::debug!(command, reason = %gone_reason, "page context gone twice");
                return Err(SessionError::ContextGone(command.to_string()));
            }
            tracing::debug!(command, reason = %gone_reason, "page context gone; retrying once");
            tokio::time::sleep(RETRY_PAUSE).await;
        }
    }

    /// Evaluates `js` in the page's main context (promises are awaited, the result is returned
    /// by value; `undefined` and non-serialisable results are `Null`). An exception becomes
    /// [`SessionError::Page`] with command `evaluate`.
    pub async fn evaluate_raw(&self, js: &str, deadline: Duration) -> Result<Value> {
        let timed = tokio::time::timeout(deadline, self.evaluate_once(js)).await;
        match timed {
            Err(_) => Err(SessionError::Timeout {
                command: "evaluate".into(),
                after_ms: u64::try_from(deadline.as_millis()).unwrap_or(u64::MAX),
            }),
            Ok(Ok(Evaluated::Value(value))) => Ok(value),
            Ok(Ok(Evaluated::Exception(details))) => Err(SessionError::Page {
                command: "evaluate".into(),
                name: details
                    .exception
                    .as_ref()
                    .and_then(|e| e.class_name.clone())
                    .unwrap_or_else(|| "Exception".into()),
                message: exception_text(&details),
            }),
            Ok(Err(EvalError::ContextGone(_))) => Err(SessionError::ContextGone("evaluate".into())),
            Ok(Err(EvalError::Cdp(message))) => {
                Err(SessionError::Cdp(format!("evaluate: {message}")))
            }
        }
    }

    async fn evaluate_once(&self, expression: &str) -> Result<Evaluated, EvalError> {
        let mut params = EvaluateParams::new(expression);
        params.await_promise = Some(true);
        params.return_by_value = Some(true);
        let response = self.page.execute(params).await.map_err(|e| {
            let message = e.to_string();
            if is_context_gone(&message) {
                EvalError::ContextGone(message)
            } else {
                EvalError::Cdp(message)
            }
        })?;
        let returns = response.result;
        if let Some(details) = returns.exception_details {
            return Ok(Evaluated::Exception(Box::new(details)));
        }
        // returnByValue: JSON values come in `value`; `null` deserialises as an absent value.
        Ok(Evaluated::Value(
            returns.result.value.unwrap_or(Value::Null),
        ))
    }

    /// Reloads the page and waits for the load (30 s at most).
    pub async fn reload(&self) -> Result<()> {
        match tokio::time::timeout(NAVIGATION_TIMEOUT, self.page.reload()).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(cdp_error("Page.reload", &e)),
            Err(_) => Err(SessionError::Cdp(format!(
                "Page.reload did not finish within {} s",
                NAVIGATION_TIMEOUT.as_secs()
            ))),
        }
    }

    /// Crashes the renderer (`Page.crash`), for tests. The command itself gets no answer when
    /// the renderer dies, so this returns after a short wait.
    pub async fn crash_renderer(&self) -> Result<()> {
        match tokio::time::timeout(Duration::from_secs(2), self.page.execute(CrashParams {})).await
        {
            Ok(Err(e)) if !is_context_gone(&e.to_string()) => {
                tracing::debug!(error = %e, "Page.crash answered with an error")
            }
            _ => {}
        }
        Ok(())
    }

    /// Stops the event pump (the signal receiver then ends) and closes the page.
    pub async fn close(self) {
        self.pump.abort();
        match tokio::time::timeout(SETUP_TIMEOUT, self.page.clone().close()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!(error = %e, "Page.close"),
            Err(_) => tracing::debug!("Page.close timed out"),
        }
    }
}

async fn setup_step<C>(page: &Page, command: C) -> Result<()>
where
    C: chromiumoxide::types::Command,
{
    let name = command.identifier().to_string();
    match tokio::time::timeout(SETUP_TIMEOUT, page.execute(command)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(cdp_error(&name, &e)),
        Err(_) => Err(SessionError::Cdp(format!("{name} timed out"))),
    }
}

fn cdp_error(what: &str, e: &CdpError) -> SessionError {
    SessionError::Cdp(format!("{what}: {e}"))
}

fn is_context_gone(message: &str) -> bool {
    message.contains("Execution context was destroyed")
        || message.contains("Cannot find context")
        || message.contains("Cannot find default execution context")
        || message.contains("Inspected target navigated or closed")
}

enum Evaluated {
    Value(Value),
    Exception(Box<ExceptionDetails>),
}

enum EvalError {
    ContextGone(String),
    Cdp(String),
}

fn exception_text(details: &ExceptionDetails) -> String {
    details
        .exception
        .as_ref()
        .and_then(|e| e.description.clone())
        .unwrap_or_else(|| details.text.clone())
}

/// The expression that calls the page's dispatcher (or answers `NotReady` without it).
fn call_expression(command: &str, args: &Value) -> Result<String> {
    let name = serde_json::to_string(command)
        .map_err(|e| SessionError::Protocol(format!("{command}: {e}")))?;
    let args_json = serde_json::to_string(args)
        .map_err(|e| SessionError::Protocol(format!("{command}: {e}")))?;
    let args_literal = serde_json::to_string(&args_json)
        .map_err(|e| SessionError::Protocol(format!("{command}: {e}")))?;
    Ok(format!(
        "(window.__waBridge ? window.__waBridge.call({name}, {args_literal}) \
         : {{ok: false, error: {{name: 'NotReady', message: 'bridge not loaded'}}}})"
    ))
}

/// `{ok: true, value}` → value; `{ok: false, error}` → [`SessionError::Page`].
fn parse_answer(command: &str, answer: Value) -> Result<Value> {
    match answer.get("ok").and_then(Value::as_bool) {
        Some(true) => Ok(answer.get("value").cloned().unwrap_or(Value::Null)),
        Some(false) => {
            let error = answer.get("error");
            let field = |key: &str| {
                error
                    .and_then(|e| e.get(key))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            Err(SessionError::Page {
                command: command.to_string(),
                name: field("name").unwrap_or_else(|| "Failed".into()),
                message: field("message").unwrap_or_default(),
            })
        }
        None => Err(SessionError::Protocol(format!(
            "{command}: the answer has no boolean `ok`: {}",
            truncate(&answer.to_string(), 200)
        ))),
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Forwards binding calls (filtered by [`EpochTracker`]), crashes and browser-gone to `tx`.
async fn pump(
    mut bindings: chromiumoxide::listeners::EventStream<EventBindingCalled>,
    mut crashes: chromiumoxide::listeners::EventStream<EventTargetCrashed>,
    mut gone: watch::Receiver<bool>,
    tx: mpsc::Sender<PageSignal>,
) {
    /// What woke the pump.
    enum Step {
        Binding(Option<Arc<EventBindingCalled>>),
        Crash(bool),
        Gone,
    }
    let mut tracker = EpochTracker::default();
    let mut crashes_open = true;
    loop {
        let step = tokio::select! {
            // Events first: what the page emitted before the end is delivered before it.
            biased;
            event = bindings.next() => Step::Binding(event),
            crash = crashes.next(), if crashes_open => Step::Crash(crash.is_some()),
            // Err: the browser was dropped, which also means gone.
            _ = wait_gone(&mut gone) => Step::Gone,
        };
        let signal = match step {
            Step::Binding(Some(call)) => match tracker.accept(&call, Instant::now()) {
                Some(event) => PageSignal::Event(event),
                None => continue,
            },
            // The target's listeners were dropped: the browser's handler ended (gone) or the
            // page was closed (the receiver then just ends).
            Step::Binding(None) => {
                match tokio::time::timeout(GONE_GRACE, wait_gone(&mut gone)).await {
                    Ok(()) => PageSignal::BrowserGone,
                    Err(_) => return,
                }
            }
            Step::Crash(true) => PageSignal::Crashed,
            Step::Crash(false) => {
                crashes_open = false;
                continue;
            }
            Step::Gone => PageSignal::BrowserGone,
        };
        let last = matches!(signal, PageSignal::BrowserGone);
        if tx.send(signal).await.is_err() || last {
            return;
        }
    }
}

/// Resolves once the browser is marked gone (or its sender was dropped).
async fn wait_gone(gone: &mut watch::Receiver<bool>) {
    let _ = gone.wait_for(|g| *g).await;
}

/// The wire shape of an event envelope.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    v: Option<u64>,
    seq: u64,
    epoch: String,
    t0: f64,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Value,
}

/// Follows the newest page context and drops duplicates.
#[derive(Debug, Default)]
struct EpochTracker {
    current: Option<CurrentEpoch>,
}

#[derive(Debug)]
struct CurrentEpoch {
    epoch: Arc<str>,
    t0: f64,
    /// The highest seq seen.
    max_seq: u64,
    /// Seqs seen within `SEQ_WINDOW` of `max_seq`.
    seen: BTreeSet<u64>,
}

impl CurrentEpoch {
    fn new(epoch: &str, t0: f64) -> Self {
        Self {
            epoch: Arc::from(epoch),
            t0,
            max_seq: 0,
            seen: BTreeSet::new(),
        }
    }

    /// Records `seq`; false when it was seen already (or is too old to tell).
    fn record(&mut self, seq: u64) -> bool {
        let floor = self.max_seq.saturating_sub(SEQ_WINDOW);
        if (self.max_seq > SEQ_WINDOW && seq <= floor) || !self.seen.insert(seq) {
            return false;
        }
        if seq > self.max_seq {
            self.max_seq = seq;
            let floor = self.max_seq.saturating_sub(SEQ_WINDOW);
            self.seen = self.seen.split_off(&floor);
        }
        true
    }
}

impl EpochTracker {
    /// The event carried by a binding call, or `None` when it is not ours, malformed, stale
    /// (an older page context) or a duplicate.
    fn accept(&mut self, call: &EventBindingCalled, received_at: Instant) -> Option<BridgeEvent> {
        if call.name != BINDING_NAME {
            tracing::debug!(binding = %call.name, "ignoring a call of another binding");
            return None;
        }
        self.accept_payload(&call.payload, received_at)
    }

    fn accept_payload(&mut self, payload: &str, received_at: Instant) -> Option<BridgeEvent> {
        let envelope: Envelope = match serde_json::from_str(payload) {
            Ok(envelope) => envelope,
            Err(e) => {
                tracing::warn!(error = %e, payload = %truncate(payload, 200), "dropping a malformed bridge event");
                return None;
            }
        };
        if let Some(v) = envelope.v
            && v != PROTOCOL_VERSION
        {
            tracing::warn!(v, "dropping a bridge event of another protocol version");
            return None;
        }
        if envelope.epoch.is_empty() || !envelope.t0.is_finite() {
            tracing::warn!(payload = %truncate(payload, 200), "dropping a bridge event without epoch or t0");
            return None;
        }
        let current = match &mut self.current {
            Some(current) if *current.epoch == *envelope.epoch => current,
            Some(current) if envelope.t0 <= current.t0 => {
                tracing::debug!(
                    epoch = %envelope.epoch,
                    seq = envelope.seq,
                    kind = %envelope.kind,
                    "dropping an event of an older page context"
                );
                return None;
            }
            slot => {
                if let Some(old) = slot.as_ref() {
                    tracing::debug!(from = %old.epoch, to = %envelope.epoch, "new page context");
                }
                slot.insert(CurrentEpoch::new(&envelope.epoch, envelope.t0))
            }
        };
        if !current.record(envelope.seq) {
            tracing::debug!(epoch = %envelope.epoch, seq = envelope.seq, "dropping a duplicate event");
            return None;
        }
        Some(BridgeEvent {
            epoch: envelope.epoch,
            seq: envelope.seq,
            t0: envelope.t0,
            kind: envelope.kind,
            data: envelope.data,
            received_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn envelope(epoch: &str, t0: f64, seq: u64, kind: &str) -> String {
        json!({"v": 1, "seq": seq, "epoch": epoch, "t0": t0, "type": kind, "data": {"n": seq}})
            .to_string()
    }

    fn seqs(tracker: &mut EpochTracker, payloads: &[String]) -> Vec<(String, u64)> {
        payloads
            .iter()
            .filter_map(|p| tracker.accept_payload(p, Instant::now()))
            .map(|e| (e.epoch, e.seq))
            .collect()
    }

    #[test]
    fn duplicates_are_dropped_and_order_is_kept() {
        let mut t = EpochTracker::default();
        let got = seqs(
            &mut t,
            &[
                envelope("a", 10.0, 1, "x"),
                envelope("a", 10.0, 2, "x"),
                envelope("a", 10.0, 2, "x"),
                envelope("a", 10.0, 4, "x"),
                envelope("a", 10.0, 3, "x"),
                envelope("a", 10.0, 3, "x"),
                envelope("a", 10.0, 1, "x"),
            ],
        );
        let want: Vec<(String, u64)> = [1, 2, 4, 3].iter().map(|s| ("a".into(), *s)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn the_newest_context_wins() {
        let mut t = EpochTracker::default();
        let got = seqs(
            &mut t,
            &[
                envelope("a", 10.0, 1, "x"),
                envelope("b", 20.0, 1, "x"),
                envelope("a", 10.0, 2, "x"), // late event of the old context
                envelope("b", 20.0, 2, "x"),
                envelope("c", 5.0, 1, "x"), // an even older context
            ],
        );
        assert_eq!(got, vec![("a".into(), 1), ("b".into(), 1), ("b".into(), 2)]);
    }

    #[test]
    fn malformed_and_foreign_payloads_are_dropped() {
        let mut t = EpochTracker::default();
        for bad in [
            "not json".to_string(),
            "{}".to_string(),
            json!({"seq": 1, "epoch": "a", "t0": 1.0}).to_string(),
            json!({"seq": -1, "epoch": "a", "t0": 1.0, "type": "x"}).to_string(),
            json!({"v": 2, "seq": 1, "epoch": "a", "t0": 1.0, "type": "x"}).to_string(),
            json!({"seq": 1, "epoch": "", "t0": 1.0, "type": "x"}).to_string(),
        ] {
            assert!(t.accept_payload(&bad, Instant::now()).is_none(), "{bad}");
        }
        let call = EventBindingCalled {
            name: "other".into(),
            payload: envelope("a", 1.0, 1, "x"),
            execution_context_id: chromiumoxide::cdp::js_protocol::runtime::ExecutionContextId::new(
                1,
            ),
        };
        assert!(t.accept(&call, Instant::now()).is_none());
        // data is optional
        let ok = json!({"seq": 1, "epoch": "a", "t0": 1.0, "type": "x"}).to_string();
        let event = t.accept_payload(&ok, Instant::now());
        assert_eq!(event.map(|e| e.data), Some(Value::Null));
    }

    #[test]
    fn the_memory_of_seen_seqs_is_bounded() {
        let mut epoch = CurrentEpoch::new("a", 1.0);
        for seq in 1..=10_000 {
            assert!(epoch.record(seq));
        }
        assert!(epoch.seen.len() as u64 <= SEQ_WINDOW + 1);
        assert!(!epoch.record(10_000));
        assert!(!epoch.record(5)); // far below the window: counted as seen
        assert!(epoch.record(10_002));
        assert!(epoch.record(10_001)); // out of order within the window
        assert!(!epoch.record(10_001));
    }

    #[test]
    fn answers_are_parsed() {
        assert_eq!(
            parse_answer("c", json!({"ok": true, "value": {"a": 1}})).ok(),
            Some(json!({"a": 1}))
        );
        assert_eq!(
            parse_answer("c", json!({"ok": true})).ok(),
            Some(Value::Null)
        );
        match parse_answer(
            "c",
            json!({"ok": false, "error": {"name": "NotReady", "message": "m"}}),
        ) {
            Err(SessionError::Page {
                command,
                name,
                message,
            }) => {
                assert_eq!(
                    (command.as_str(), name.as_str(), message.as_str()),
                    ("c", "NotReady", "m")
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            parse_answer("c", json!(42)),
            Err(SessionError::Protocol(_))
        ));
    }

    #[test]
    fn the_call_expression_quotes_its_arguments() {
        let expr = call_expression("send\"Text", &json!({"body": "it's </script>\n"}));
        let expr = expr.unwrap_or_default();
        assert!(
            expr.contains(r#"call("send\"Text", "{\"body\":\"it's </script>\\n\"}")"#),
            "{expr}"
        );
    }
}
