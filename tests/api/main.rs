//! End-to-end tests of the REST API: the real server on port 0, over HTTP, on SQLite and (when
//! configured) PostgreSQL. One module per area of client-contract.md.

mod fixtures;
mod harness;

mod admin;
mod auth;
mod bad_input;
mod channels;
mod chat_flows;
mod contacts;
mod fast_replies;
mod inbox_sequence;
mod isolation;
mod queues_tags;
mod settings;
mod statistics;
mod tickets;
mod users;
