//! The enumerations of the reference schema (data-model.md §5) as Rust enums.
//!
//! The database stores them as text with the reference's exact spellings. Parsing is strict:
//! an unknown value is a `DomainError::Invalid`, never a silently stored string. Legacy
//! spellings the reference accepts on input (`close`, channel type `w`) parse to the canonical
//! value.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

macro_rules! text_enum {
    (
        $(#[$doc:meta])*
        $name:ident, $what:literal, $code:literal {
            $( $(#[$vdoc:meta])* $variant:ident = $text:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling stored in the database and sent on the wire.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text $(| $alias)* => Ok($name::$variant),)+
                    other => Err(DomainError::invalid(
                        $code,
                        format!(concat!("unknown ", $what, " {:?}; expected one of: {}"),
                            other.chars().take(64).collect::<String>(),
                            [$($text),+].join(", ")),
                    )),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                raw.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

text_enum! {
    /// `Tickets.status`. Input alias `close` means `closed`.
    TicketStatus, "ticket status", "ERR_INVALID_STATUS" {
        /// Waiting in the inbox for an agent.
        Pending = "pending",
        /// Being handled by an agent.
        Open = "open",
        /// Finished.
        Closed = "closed" | "close",
    }
}

text_enum! {
    /// `Tickets.channel`: the kind of conversation.
    TicketChannel, "ticket channel", "ERR_INVALID_CHANNEL" {
        /// WhatsApp Web.
        Whatsapp = "whatsapp",
        /// Telegram bot.
        Telegram = "telegram",
        /// Instagram direct.
        Instagram = "instagram",
        /// Facebook Messenger.
        Messenger = "messenger",
        /// WhatsApp Business API.
        Waba = "waba",
    }
}

text_enum! {
    /// `Whatsapps.type`: the kind of channel. Legacy rows may hold `w` (WhatsApp).
    ChannelType, "channel type", "ERR_INVALID_CHANNEL_TYPE" {
        /// WhatsApp Web.
        Whatsapp = "whatsapp" | "w",
        /// Telegram bot.
        Telegram = "telegram",
        /// Instagram direct.
        Instagram = "instagram",
        /// Facebook Messenger.
        Messenger = "messenger",
        /// WhatsApp Business API.
        Waba = "waba",
    }
}

text_enum! {
    /// `Whatsapps.status`: the state of a channel's session. `DESTROYED` is read as
    /// `DISCONNECTED`, as the reference's migration rewrote it.
    ChannelStatus, "channel status", "ERR_INVALID_CHANNEL_STATUS" {
        /// Starting the browser / connecting.
        Opening = "OPENING",
        /// Waiting for the QR code to be scanned.
        Qrcode = "qrcode",
        /// Pairing after a scan.
        Pairing = "PAIRING",
        /// Logged in and working.
        Connected = "CONNECTED",
        /// Not running or logged out.
        Disconnected = "DISCONNECTED" | "DESTROYED",
        /// The QR code was not scanned in time.
        Timeout = "TIMEOUT",
        /// WhatsApp Web was opened elsewhere.
        Conflict = "CONFLICT",
        /// Connected, but WhatsApp Web's modules changed: sending is refused until fixed.
        Degraded = "DEGRADED",
    }
}

text_enum! {
    /// `Whatsapps.wabaBSP`: the WhatsApp Business API provider.
    WabaBsp, "WABA provider", "ERR_INVALID_WABA_BSP" {
        /// 360dialog.
        D360 = "360",
        /// Gupshup.
        Gupshup = "gupshup",
    }
}

text_enum! {
    /// `Messages.status`.
    MessageStatus, "message status", "ERR_INVALID_MESSAGE_STATUS" {
        /// In the outbox (or sent immediately by the system when `messageId` is set).
        Pending = "pending",
        /// Sent by a worker (the reference's spelling).
        Sended = "sended",
        /// Inbound, or the echo of an outbound text.
        Received = "received",
        /// Cancelled before sending.
        Canceled = "canceled",
        /// Refused for good by the channel (ack -1; the reason is in `sendError`).
        Failed = "failed",
    }
}

text_enum! {
    /// `Messages.sendType`: who or what produced an outbound message.
    SendType, "send type", "ERR_INVALID_SEND_TYPE" {
        /// Typed by an agent.
        Chat = "chat",
        /// Chat-bot, away and farewell texts.
        Bot = "bot",
        /// External API.
        Api = "API",
        /// Call-rejection text.
        Call = "call",
        /// Campaign send.
        Campaign = "campaign",
        /// External integration.
        External = "external",
        /// Scheduled message.
        Schedule = "schedule",
        /// Synchronised history.
        Sync = "sync",
        /// Sent from WhatsApp Web.
        Web = "web",
        /// Sent from the phone.
        Celular = "celular",
    }
}

text_enum! {
    /// `Messages.mediaType`: the message kind, or the MIME major type of a file.
    MediaType, "media type", "ERR_INVALID_MEDIA_TYPE" {
        /// Plain text.
        Chat = "chat",
        /// Chat-bot text.
        Bot = "bot",
        /// A location (body is a maps link).
        Location = "location",
        /// A contact card.
        Vcard = "vcard",
        /// Several contact cards.
        MultiVcard = "multi_vcard",
        /// A poll.
        PollCreation = "poll_creation",
        /// A vote in a poll.
        PollVote = "poll_vote",
        /// An image file.
        Image = "image",
        /// A video file.
        Video = "video",
        /// An audio file (voice notes are stored as audio).
        Audio = "audio",
        /// A voice note as WhatsApp names it.
        Ptt = "ptt",
        /// A sticker.
        Sticker = "sticker",
        /// A document of any other MIME type.
        Application = "application",
        /// A document as WhatsApp names it.
        Document = "document",
        /// A text file.
        Text = "text",
        /// A reaction.
        Reaction = "reaction",
        /// A call log entry.
        CallLog = "call_log",
    }
}

text_enum! {
    /// `Users.profile`: the role of a user.
    UserProfile, "profile", "ERR_INVALID_PROFILE" {
        /// An agent.
        User = "user",
        /// A tenant administrator.
        Admin = "admin",
        /// The platform's super-administrator.
        Super = "super",
    }
}

text_enum! {
    /// `Users.status`: presence.
    UserStatus, "user status", "ERR_INVALID_USER_STATUS" {
        /// Connected.
        Online = "online",
        /// Not connected.
        Offline = "offline",
    }
}

text_enum! {
    /// `Tenants.status`. Only `active` tenants can log in.
    TenantStatus, "tenant status", "ERR_INVALID_TENANT_STATUS" {
        /// Working.
        Active = "active",
        /// Suspended.
        Inactive = "inactive",
    }
}

text_enum! {
    /// `Campaigns.status`.
    CampaignStatus, "campaign status", "ERR_INVALID_CAMPAIGN_STATUS" {
        /// Created, not started.
        Pending = "pending",
        /// Jobs created, waiting for the start time.
        Scheduled = "scheduled",
        /// Sending.
        Processing = "processing",
        /// Every contact was handled.
        Finished = "finished",
        /// Stopped by an admin.
        Canceled = "canceled",
    }
}

text_enum! {
    /// `Protocols.status`: an attendance opened (`ABER`) or closed (`FECH`).
    ProtocolStatus, "protocol status", "ERR_INVALID_PROTOCOL_STATUS" {
        /// Attendance opened ("aberto").
        Aber = "ABER",
        /// Attendance closed ("fechado").
        Fech = "FECH",
    }
}

text_enum! {
    /// `LogTickets.type`: what happened to a ticket.
    TicketLogType, "ticket log type", "ERR_INVALID_LOG_TYPE" {
        /// Created.
        Create = "create",
        /// Opened by an agent.
        Open = "open",
        /// Sent back to pending.
        Pending = "pending",
        /// Closed.
        Closed = "closed",
        /// Viewed.
        Access = "access",
        /// Deleted.
        Delete = "delete",
        /// Transferred away by the requester.
        Transfered = "transfered",
        /// Received by a transfer.
        ReceivedTransfer = "receivedTransfer",
        /// Routed to a queue.
        Queue = "queue",
        /// Assigned to a user.
        UserDefine = "userDefine",
        /// Bot started.
        ChatBot = "chatBot",
        /// Closed automatically.
        AutoClose = "autoClose",
        /// Bot retries exhausted, routed to a queue.
        RetriesLimitQueue = "retriesLimitQueue",
        /// Bot retries exhausted, routed to a user.
        RetriesLimitUserDefine = "retriesLimitUserDefine",
    }
}

text_enum! {
    /// `CampaignContacts.messageRandom`: which of the campaign's three texts was picked.
    MessageRandom, "campaign message choice", "ERR_INVALID_MESSAGE_RANDOM" {
        /// `message1`.
        Message1 = "message1",
        /// `message2`.
        Message2 = "message2",
        /// `message3`.
        Message3 = "message3",
    }
}

/// `Messages.ack`: delivery state, WhatsApp's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageAck {
    /// Sending failed (-1).
    Error,
    /// Not yet accepted by the server (0).
    Pending,
    /// Accepted by WhatsApp's server (1).
    Server,
    /// Delivered to the device (2).
    Delivered,
    /// Read (3).
    Read,
    /// Played, for voice notes (4).
    Played,
}

impl MessageAck {
    /// The integer stored in `Messages.ack`.
    pub const fn as_i32(self) -> i32 {
        match self {
            MessageAck::Error => -1,
            MessageAck::Pending => 0,
            MessageAck::Server => 1,
            MessageAck::Delivered => 2,
            MessageAck::Read => 3,
            MessageAck::Played => 4,
        }
    }
}

impl TryFrom<i32> for MessageAck {
    type Error = DomainError;
    fn try_from(v: i32) -> Result<Self, DomainError> {
        Ok(match v {
            -1 => MessageAck::Error,
            0 => MessageAck::Pending,
            1 => MessageAck::Server,
            2 => MessageAck::Delivered,
            3 => MessageAck::Read,
            4 => MessageAck::Played,
            other => {
                return Err(DomainError::invalid(
                    "ERR_INVALID_ACK",
                    format!("unknown message ack {other}; expected -1 to 4"),
                ));
            }
        })
    }
}

impl Serialize for MessageAck {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(self.as_i32())
    }
}

impl<'de> Deserialize<'de> for MessageAck {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        MessageAck::try_from(i32::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_spelling() {
        for s in TicketStatus::ALL {
            assert_eq!(s.as_str().parse::<TicketStatus>(), Ok(*s));
        }
        for s in TicketLogType::ALL {
            assert_eq!(s.as_str().parse::<TicketLogType>(), Ok(*s));
        }
        for s in ChannelStatus::ALL {
            assert_eq!(s.as_str().parse::<ChannelStatus>(), Ok(*s));
        }
    }

    #[test]
    fn accepts_the_reference_aliases() {
        assert_eq!("close".parse::<TicketStatus>(), Ok(TicketStatus::Closed));
        assert_eq!("w".parse::<ChannelType>(), Ok(ChannelType::Whatsapp));
        assert_eq!(
            "DESTROYED".parse::<ChannelStatus>(),
            Ok(ChannelStatus::Disconnected)
        );
        assert_eq!(TicketStatus::Closed.as_str(), "closed");
    }

    #[test]
    fn rejects_unknown_values_with_a_code() {
        let err = "archived".parse::<TicketStatus>().expect_err("unknown");
        assert_eq!(err.code(), "ERR_INVALID_STATUS");
        assert!(err.to_string().contains("pending, open, closed"));
        assert!(
            "OPEN".parse::<TicketStatus>().is_err(),
            "case matters, as in the reference"
        );
        assert!("".parse::<UserProfile>().is_err());
        assert!("root".parse::<UserProfile>().is_err());
        assert!("x".repeat(10_000).parse::<CampaignStatus>().is_err());
    }

    #[test]
    fn serde_uses_the_stored_spelling_and_rejects_unknowns() {
        assert_eq!(
            serde_json::to_string(&TicketLogType::ReceivedTransfer)
                .ok()
                .as_deref(),
            Some("\"receivedTransfer\"")
        );
        assert_eq!(
            serde_json::from_str::<TicketStatus>("\"open\"").ok(),
            Some(TicketStatus::Open)
        );
        assert!(serde_json::from_str::<TicketStatus>("\"opened\"").is_err());
        assert!(serde_json::from_str::<TicketStatus>("1").is_err());
    }

    #[test]
    fn acks_map_to_whatsapp_integers() {
        for v in -1..=4 {
            assert_eq!(MessageAck::try_from(v).map(MessageAck::as_i32), Ok(v));
        }
        assert_eq!(
            MessageAck::try_from(5).map_err(|e| e.code()),
            Err("ERR_INVALID_ACK")
        );
        assert_eq!(
            MessageAck::try_from(-2).map_err(|e| e.code()),
            Err("ERR_INVALID_ACK")
        );
        assert!(serde_json::from_str::<MessageAck>("9").is_err());
    }
}
