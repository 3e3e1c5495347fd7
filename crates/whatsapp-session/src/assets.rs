//! The page-side JavaScript, embedded in the binary.

/// Transport, envelope, dispatcher and phase machine; names no WhatsApp module.
pub const BRIDGE_CORE: &str = include_str!("../assets/bridge-core.js");

/// Every WhatsApp Web module name and signature, for WhatsApp Web 2.3000.x.
pub const WA_ADAPTER: &str = include_str!("../assets/wa-adapter-2.3000.js");

/// The adapter's id, as it reports it in `capabilities`.
pub const WA_ADAPTER_ID: &str = "wa-adapter-2.3000";

/// The script installed on every new document: the adapter registers itself, then the core
/// starts and finds it.
pub fn init_script() -> String {
    format!("{WA_ADAPTER}\n;\n{BRIDGE_CORE}\n")
}
