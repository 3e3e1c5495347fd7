//! WhatsApp Web sessions end to end (issue 6): the real server with its session manager drives
//! real Chromium over CDP, running the production page bridge against the fake WhatsApp Web
//! (crates/whatsapp-session/tests/fake) served on 127.0.0.1. Everything is observed where a
//! user would see it: the REST API, the realtime events, and the fake's own record of what it
//! was asked to send.
//!
//! One Chromium test runs at a time (each launches one or two browsers; the machine has two
//! cores). Without Chromium the tests are skipped with a printed reason, unless
//! `REQUIRE_SERVICES=1`.

#[allow(
    dead_code,
    reason = "shared with the api tests; not every helper is used here"
)]
#[path = "../api/harness.rs"]
mod harness;

#[allow(
    dead_code,
    reason = "shared with the realtime tests; not every helper is used here"
)]
#[path = "../realtime/node.rs"]
mod node;

#[allow(
    dead_code,
    reason = "shared with the sessions crate's tests; not every helper is used here"
)]
#[path = "../../crates/whatsapp-session/tests/support/static_site.rs"]
mod static_site;

mod rig;

mod contacts;
mod isolation;
mod lifecycle;
mod messages;
mod ownership;
mod recovery;
