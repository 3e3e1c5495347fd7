//! The `tiktickets` application: configuration, wiring of the adapters, and the commands of
//! the binary. A library too, so that end-to-end tests start the real server in process.

pub mod background;
pub mod bench;
pub mod cli;
pub mod commands;
pub mod serve;
pub mod settings;
