//! The events the page bridge emits (docs/whatsapp-bridge-protocol.md, "Page → host"), typed.

use serde::Deserialize;
use serde_json::{Value, json};
use tiktickets_domain::enums::MessageAck;

use crate::wa_message::WaMessage;

/// One event of the page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum PageEvent {
    /// The bridge's phase changed (`loading`, `booting`, `unpaired`, `syncing`, `ready`).
    Phase {
        /// The new phase.
        phase: String,
    },
    /// A QR code is shown or rotated.
    Qr {
        /// What the phone scans.
        payload: String,
    },
    /// The QR codes ran out.
    QrIdle {},
    /// Logged in and synced.
    Ready {
        /// Own id, `<digits>@c.us` (absent when WhatsApp did not tell).
        #[serde(default)]
        me: Option<String>,
        /// Own push name.
        #[serde(default)]
        pushname: Option<String>,
        /// WhatsApp Web version.
        #[serde(default, rename = "waVersion")]
        wa_version: Option<String>,
    },
    /// What the adapter found (at ready and after each `capabilities` command).
    Capabilities {
        /// Missing capabilities.
        #[serde(default)]
        missing: Vec<String>,
    },
    /// Capabilities are missing: WhatsApp Web changed.
    Degraded {
        /// Missing capabilities.
        #[serde(default)]
        missing: Vec<String>,
    },
    /// The account was opened elsewhere.
    Conflict {},
    /// Logged out (from the phone, or by us).
    LoggedOut {
        /// WhatsApp's reason.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Another socket state.
    SocketState {
        /// WhatsApp's socket state.
        state: String,
    },
    /// A new message, either direction.
    Message {
        /// The message.
        msg: Box<WaMessage>,
    },
    /// A delivery ack.
    Ack {
        /// Full id of the message.
        id: String,
        /// WhatsApp's ack value.
        ack: i32,
    },
    /// A message's text was edited.
    Edit {
        /// Full id of the message.
        id: String,
        /// The new text.
        body: String,
    },
    /// A message was deleted for everyone.
    Revoke {
        /// Full id of the original message.
        id: String,
    },
    /// A reaction was set or removed.
    Reaction {
        /// The reaction's id.
        id: String,
        /// Full id of the message reacted to.
        #[serde(rename = "parentId")]
        parent_id: String,
        /// The emoji (empty: removed).
        #[serde(default)]
        text: String,
        /// Milliseconds or seconds since the epoch.
        #[serde(default)]
        timestamp: i64,
        /// Who reacted.
        #[serde(default)]
        from: Option<String>,
    },
    /// Sync progress, diagnostics, and kinds this host does not act on.
    #[serde(skip)]
    Other,
}

/// The kinds [`PageEvent`] has a variant for.
const KNOWN_KINDS: &[&str] = &[
    "phase",
    "qr",
    "qr_idle",
    "ready",
    "capabilities",
    "degraded",
    "conflict",
    "logged_out",
    "socket_state",
    "message",
    "ack",
    "edit",
    "revoke",
    "reaction",
];

impl PageEvent {
    /// Parses an envelope's type and data; `Err` explains a known type with a bad shape.
    pub fn parse(kind: &str, data: &Value) -> Result<PageEvent, String> {
        if !KNOWN_KINDS.contains(&kind) {
            return Ok(PageEvent::Other);
        }
        serde_json::from_value(json!({"type": kind, "data": data}))
            .map_err(|e| format!("{kind}: {e}"))
    }
}

/// WhatsApp's ack value as ours: negatives are failures, values above "played" are clamped.
pub fn ack_of(raw: i32) -> MessageAck {
    match raw {
        i32::MIN..=-1 => MessageAck::Error,
        0 => MessageAck::Pending,
        1 => MessageAck::Server,
        2 => MessageAck::Delivered,
        3 => MessageAck::Read,
        _ => MessageAck::Played,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_parse_from_type_and_data() {
        assert_eq!(
            PageEvent::parse("qr", &json!({"payload": "FAKE-REF-1,a,b,c,d", "seq": 1})),
            Ok(PageEvent::Qr {
                payload: "FAKE-REF-1,a,b,c,d".into()
            })
        );
        assert_eq!(
            PageEvent::parse("qr_idle", &json!({})),
            Ok(PageEvent::QrIdle {})
        );
        assert_eq!(
            PageEvent::parse("ack", &json!({"id": "x", "ack": 3})),
            Ok(PageEvent::Ack {
                id: "x".into(),
                ack: 3
            })
        );
        assert_eq!(
            PageEvent::parse("loading", &json!({"percent": 40})),
            Ok(PageEvent::Other)
        );
        assert!(PageEvent::parse("ack", &json!({"id": 5})).is_err());
        assert!(matches!(
            PageEvent::parse(
                "reaction",
                &json!({"id": "r", "parentId": "p", "text": "👍", "timestamp": 5})
            ),
            Ok(PageEvent::Reaction { .. })
        ));
    }

    #[test]
    fn acks_are_clamped() {
        assert_eq!(ack_of(-7), MessageAck::Error);
        assert_eq!(ack_of(2), MessageAck::Delivered);
        assert_eq!(ack_of(5), MessageAck::Played);
    }
}
