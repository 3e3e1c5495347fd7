//! The serialised WhatsApp message the page bridge emits (docs/whatsapp-bridge-protocol.md,
//! "Message").

use serde::Deserialize;

/// A message's key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaMessageKey {
    /// Sent by the connected account.
    pub from_me: bool,
    /// The chat: a person, a group, a broadcast.
    pub remote: String,
    /// WhatsApp's short id.
    pub id: String,
    /// The group participant who wrote it.
    #[serde(default)]
    pub participant: Option<String>,
    /// The full id, unique across chats (what we store as the provider id).
    #[serde(rename = "_serialized")]
    pub serialized: String,
}

/// A shared location.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WaLocation {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// Description.
    #[serde(default)]
    pub loc: Option<String>,
}

/// One message as the bridge serialises it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaMessage {
    /// Key.
    pub id: WaMessageKey,
    /// Group participant who wrote it.
    #[serde(default)]
    pub author: Option<String>,
    /// Text, caption, or vCard.
    #[serde(default)]
    pub body: Option<String>,
    /// WhatsApp's message type (`chat`, `image`, `location`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// Unix seconds.
    #[serde(default)]
    pub timestamp: i64,
    /// Carries a downloadable file.
    #[serde(default)]
    pub has_media: bool,
    /// The file's MIME type.
    #[serde(default)]
    pub mimetype: Option<String>,
    /// The file's name.
    #[serde(default)]
    pub filename: Option<String>,
    /// Full id of the quoted message.
    #[serde(default)]
    pub quoted_msg_id: Option<String>,
    /// A status update.
    #[serde(default)]
    pub is_status: bool,
    /// Sent to a broadcast list or status.
    #[serde(default)]
    pub broadcast: bool,
    /// Written in a group.
    #[serde(default)]
    pub is_group: bool,
    /// The location of a `location` message.
    #[serde(default)]
    pub location: Option<WaLocation>,
    /// vCards of `vcard` / `multi_vcard` messages.
    #[serde(default)]
    pub v_cards: Vec<String>,
    /// The sender's push name.
    #[serde(default)]
    pub notify_name: Option<String>,
    /// The group's subject.
    #[serde(default)]
    pub chat_name: Option<String>,
}
