//! Typed identifiers. Each wraps the column type of the reference schema (integers; message ids
//! are UUID text), so a `TicketId` can never be passed where a `ContactId` is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

macro_rules! int_id {
    ($(#[$doc:meta])* $name:ident, $entity:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i32);

        impl $name {
            /// Wraps a raw id (from a path, a body or a row). Whether the row exists in the
            /// caller's tenant is decided by the store, never by the id itself.
            pub const fn new(raw: i32) -> Self {
                Self(raw)
            }

            /// The raw integer, for storage and wire formats.
            pub const fn get(self) -> i32 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse::<i32>().ok().filter(|v| *v > 0).map(Self).ok_or_else(|| {
                    DomainError::invalid("ERR_INVALID_ID", format!("{} id must be a positive integer: {s:?}", $entity))
                })
            }
        }
    };
}

int_id!(/// A user (agent, admin or super-admin).
    UserId, "user");
int_id!(/// A department queue ("fila").
    QueueId, "queue");
int_id!(/// A customer contact.
    ContactId, "contact");
int_id!(/// A ticket: one conversation between a contact and the tenant on one channel.
    TicketId, "ticket");
int_id!(/// A channel (a row of `Whatsapps`: WhatsApp Web, Telegram, ...).
    WhatsappId, "channel");
int_id!(/// A contact tag.
    TagId, "tag");
int_id!(/// A quick reply.
    FastReplyId, "fast reply");
int_id!(/// A bulk-message campaign.
    CampaignId, "campaign");
int_id!(/// A protocol event row.
    ProtocolId, "protocol");
int_id!(/// A ticket audit-log row.
    TicketLogId, "ticket log");
int_id!(/// A chat-bot flow.
    ChatFlowId, "chat flow");
int_id!(/// A setting row.
    SettingId, "setting");
int_id!(/// A custom field of a contact.
    CustomFieldId, "custom field");

/// A tenant (company). There is deliberately no `FromStr` and no `new`: a tenant id is never
/// taken from a request path or body. It comes from a verified token, a job envelope or a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TenantId(i32);

impl TenantId {
    /// Wraps a tenant id that was *verified*: read from a signed token, a job envelope written by
    /// us, or a stored row. Allowed callers: the HTTP auth extractor, persistence, the job
    /// decoder, the CLI and tests. Never call it with a value taken from client input.
    pub const fn from_verified(raw: i32) -> Self {
        Self(raw)
    }

    /// The raw integer, for storage and wire formats.
    pub const fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The internal id of a message: a UUID in text form (`Messages.id`). Not the WhatsApp id,
/// which is `Message::message_id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(String);

impl MessageId {
    /// A fresh random id for a new message.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps a stored id (rows imported from the reference system may hold WhatsApp ids here).
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for MessageId {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() || s.len() > 255 {
            return Err(DomainError::invalid(
                "ERR_INVALID_ID",
                "message id must be 1 to 255 characters",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_positive_integers_only() {
        assert_eq!("42".parse::<TicketId>(), Ok(TicketId::new(42)));
        for bad in ["", "0", "-1", "abc", "1.5", "99999999999"] {
            let err = bad.parse::<TicketId>().expect_err(bad);
            assert_eq!(err.code(), "ERR_INVALID_ID");
        }
    }

    #[test]
    fn ids_serialize_as_plain_numbers() {
        assert_eq!(
            serde_json::to_string(&ContactId::new(7)).ok().as_deref(),
            Some("7")
        );
        assert_eq!(
            serde_json::to_string(&TenantId::from_verified(3))
                .ok()
                .as_deref(),
            Some("3")
        );
    }

    #[test]
    fn message_ids_are_uuids_and_bounded() {
        let id = MessageId::generate();
        assert!(uuid::Uuid::parse_str(id.as_str()).is_ok());
        assert!("".parse::<MessageId>().is_err());
        assert!("x".repeat(256).parse::<MessageId>().is_err());
    }
}
