//! From the bridge's serialised message to the domain's inbound message (behaviour.md §7.2,
//! §7.3, §7.4): what is kept, who the contact is, which group, the body and the kind.

use tiktickets_domain::enums::MediaType;
use tiktickets_domain::ids::WhatsappId;
use tiktickets_domain::media_files::{known_extension, media_type_of};
use tiktickets_domain::phone;
use tiktickets_domain::services::ingest::InboundMessage;
use tiktickets_domain::store::contacts::InboundContact;

use crate::wa_message::WaMessage;

/// A file the message carries, to download before ingest.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaToFetch {
    /// The message's full id (what `downloadMedia` takes).
    pub message_id: String,
    /// MIME type, when WhatsApp gives one.
    pub mimetype: Option<String>,
    /// The sender's file name.
    pub filename: Option<String>,
}

/// What to do with a message the page reported.
#[derive(Debug, Clone, PartialEq)]
pub enum Normalised {
    /// Store it (after downloading `media`, when present).
    Ingest {
        /// The message, without its stored file yet.
        message: Box<InboundMessage>,
        /// The file to download.
        media: Option<MediaToFetch>,
    },
    /// Not a conversation message; the reason is for the logs.
    Ignore(&'static str),
}

/// Kinds of message stored as they are (§7.2); everything else is a notification or a kind we
/// do not handle.
const TEXT_KINDS: &[&str] = &["chat", "location", "vcard", "multi_vcard"];
const MEDIA_KINDS: &[&str] = &["image", "video", "audio", "ptt", "document", "sticker"];

/// Classifies and converts one message seen on `channel`.
pub fn normalise(channel: WhatsappId, msg: &WaMessage) -> Normalised {
    let remote = msg.id.remote.as_str();
    if msg.is_status || msg.broadcast || remote.ends_with("@broadcast") {
        return Normalised::Ignore("status or broadcast");
    }
    if remote.ends_with("@newsletter") {
        return Normalised::Ignore("channel (newsletter) post");
    }
    let kind = msg.kind.as_str();
    let is_media = MEDIA_KINDS.contains(&kind);
    if !is_media && !TEXT_KINDS.contains(&kind) {
        return Normalised::Ignore("not a conversation message");
    }
    let Ok(chat_number) = phone::normalize(remote) else {
        return Normalised::Ignore("unsupported chat id");
    };
    let is_group = chat_number.is_group();
    let (contact, group) = if is_group {
        let group = InboundContact {
            number: chat_number,
            name: msg.chat_name.clone(),
            pushname: None,
            profile_pic_url: None,
            is_user: Some(false),
            is_wa_contact: Some(false),
        };
        let author = msg.author.as_deref().or(msg.id.participant.as_deref());
        let sender = match author.map(phone::normalize) {
            Some(Ok(number)) if !msg.id.from_me => person(number, msg.notify_name.clone()),
            Some(Err(_)) if !msg.id.from_me => {
                return Normalised::Ignore("unsupported participant id");
            }
            // Sent from the phone into the group, or no participant known: the group itself.
            _ => group.clone(),
        };
        (sender, Some(group))
    } else {
        let name = if msg.id.from_me {
            None
        } else {
            msg.notify_name.clone()
        };
        (person(chat_number, name), None)
    };
    let media_type = media_type(msg, is_media);
    let media = (is_media && msg.has_media).then(|| MediaToFetch {
        message_id: msg.id.serialized.clone(),
        mimetype: msg.mimetype.clone(),
        filename: msg.filename.clone(),
    });
    if is_media && media.is_none() {
        return Normalised::Ignore("media without a downloadable file");
    }
    Normalised::Ingest {
        message: Box::new(InboundMessage {
            channel,
            contact,
            group,
            from_me: msg.id.from_me,
            provider_id: msg.id.serialized.clone(),
            body: body(msg),
            media_type,
            media_file: None,
            quoted_provider_id: msg.quoted_msg_id.clone().filter(|q| !q.is_empty()),
            timestamp: msg.timestamp,
        }),
        media,
    }
}

fn person(number: phone::ContactNumber, pushname: Option<String>) -> InboundContact {
    InboundContact {
        name: pushname.clone(),
        number,
        pushname,
        profile_pic_url: None,
        is_user: Some(true),
        is_wa_contact: Some(true),
    }
}

/// The text stored: a maps link for locations (§7.4), the caption (or the file name) for
/// media, the text otherwise.
fn body(msg: &WaMessage) -> String {
    let text = msg.body.clone().unwrap_or_default();
    match msg.kind.as_str() {
        "location" => match &msg.location {
            Some(at) => {
                let link = format!(
                    "https://maps.google.com/maps?q={}%2C{}&z=17",
                    at.lat, at.lng
                );
                match at.loc.as_deref().filter(|l| !l.trim().is_empty()) {
                    Some(description) => format!("{link}\n{description}"),
                    None => link,
                }
            }
            None => text,
        },
        "vcard" | "multi_vcard" if text.is_empty() => msg.v_cards.join("\n"),
        "document" if text.is_empty() => msg.filename.clone().unwrap_or_default(),
        _ => text,
    }
}

fn media_type(msg: &WaMessage, is_media: bool) -> MediaType {
    if is_media {
        let extension = msg.filename.as_deref().and_then(known_extension);
        return media_type_of(msg.mimetype.as_deref(), extension.as_deref());
    }
    match msg.kind.as_str() {
        "location" => MediaType::Location,
        "vcard" => MediaType::Vcard,
        "multi_vcard" => MediaType::MultiVcard,
        _ => MediaType::Chat,
    }
}

#[cfg(test)]
#[path = "normalise_tests.rs"]
mod tests;
