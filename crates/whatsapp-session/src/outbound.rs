//! Sending through a running session's page (the `WhatsAppGateway` side): text, media with a
//! caption, quoted replies, mark read, profile pictures and number checks.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tiktickets_domain::enums::MediaType;
use tiktickets_domain::gateway::{GatewayError, OutboundMessage, SentMessage};
use tiktickets_domain::media_files::known_extension;

use crate::bridge::BridgePage;
use crate::config::SessionsConfig;
use crate::error::SessionError;
use crate::live::{Live, Phase};
use crate::media_store::MediaStore;
use crate::page_event::ack_of;

/// Bytes per `mediaPut` call.
const UPLOAD_CHUNK_BYTES: usize = 512 * 1024;

/// The chat id of a recipient: digits become a person's id; group and linked ids stay.
pub(crate) fn chat_id(to: &str) -> String {
    if to.contains('@') {
        to.to_owned()
    } else {
        format!("{to}@c.us")
    }
}

/// The page to use, refusing while the session is not connected or lacks `capability`.
pub(crate) fn ready_page(
    live: &Live,
    capability: &str,
) -> Result<std::sync::Arc<BridgePage>, GatewayError> {
    let status = live.status();
    match status.phase {
        Phase::Connected | Phase::Degraded => {}
        other => {
            return Err(GatewayError::Transient(format!(
                "the WhatsApp session of channel {} is not connected ({other:?})",
                live.channel
            )));
        }
    }
    if status.missing.iter().any(|m| m == capability) {
        return Err(GatewayError::Transient(format!(
            "WhatsApp Web changed and the session of channel {} is degraded: capability \
             {capability} is missing; the message stays pending until the session is fixed",
            live.channel
        )));
    }
    live.page().ok_or_else(|| {
        GatewayError::Transient(format!(
            "the WhatsApp session of channel {} has no page open",
            live.channel
        ))
    })
}

/// A page failure as the gateway reports it: the page's own refusals of bad input are
/// permanent; a session that is not ready, degraded, slow or gone is temporary.
pub(crate) fn gateway_error(e: SessionError) -> GatewayError {
    match e.page_error_name() {
        Some("BadArgs" | "NotFound" | "MediaUnavailable") => GatewayError::Permanent(e.to_string()),
        _ => GatewayError::Transient(e.to_string()),
    }
}

/// Sends one outbound message.
pub(crate) async fn send(
    live: &Live,
    config: &SessionsConfig,
    media: &MediaStore,
    message: &OutboundMessage,
) -> Result<SentMessage, GatewayError> {
    let to = chat_id(&message.to);
    let key = message.id.to_string();
    let value = match &message.media_file {
        None => {
            let page = ready_page(live, "sendText")?;
            let mut args = json!({"to": to, "body": message.body, "key": key});
            if let Some(quoted) = &message.quoted_provider_id {
                args["quotedId"] = json!(quoted);
            }
            page.call("sendText", args, config.command_timeout)
                .await
                .map_err(gateway_error)?
        }
        Some(file) => {
            let page = ready_page(live, "sendMedia")?;
            let bytes = media
                .read(live.tenant, file)
                .await
                .map_err(|e| GatewayError::Permanent(e.to_string()))?;
            upload(&page, &key, &bytes, config.media_timeout).await?;
            let as_voice = message.media_type == Some(MediaType::Audio);
            let mut args = json!({
                "to": to,
                "token": key,
                "mimetype": mime_of(file, message.media_type),
                "filename": file,
                "caption": if as_voice { "" } else { message.body.as_str() },
                "asVoice": as_voice,
                "key": key,
            });
            if let Some(quoted) = &message.quoted_provider_id {
                args["quotedId"] = json!(quoted);
            }
            page.call("sendMedia", args, config.media_timeout)
                .await
                .map_err(gateway_error)?
        }
    };
    sent_message(&value)
}

async fn upload(
    page: &BridgePage,
    token: &str,
    bytes: &[u8],
    timeout: Duration,
) -> Result<(), GatewayError> {
    for chunk in bytes.chunks(UPLOAD_CHUNK_BYTES) {
        page.call(
            "mediaPut",
            json!({"token": token, "chunk": STANDARD.encode(chunk)}),
            timeout,
        )
        .await
        .map_err(gateway_error)?;
    }
    Ok(())
}

/// A MIME type for a stored file (its extension decides).
fn mime_of(file: &str, kind: Option<MediaType>) -> &'static str {
    match known_extension(file).as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("mp4") => "video/mp4",
        Some("3gp") => "video/3gpp",
        Some("mov") => "video/quicktime",
        Some("ogg" | "oga" | "opus") => "audio/ogg; codecs=opus",
        Some("mp3") => "audio/mpeg",
        Some("m4a") => "audio/mp4",
        Some("aac") => "audio/aac",
        Some("wav") => "audio/wav",
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("csv") => "text/csv",
        Some("vcf") => "text/vcard",
        Some("json") => "application/json",
        Some("zip") => "application/zip",
        _ => match kind {
            Some(MediaType::Image) => "image/jpeg",
            Some(MediaType::Video) => "video/mp4",
            Some(MediaType::Audio) => "audio/ogg; codecs=opus",
            _ => "application/octet-stream",
        },
    }
}

fn sent_message(value: &Value) -> Result<SentMessage, GatewayError> {
    let provider_id = value
        .get("id")
        .and_then(|i| i.as_str())
        .filter(|i| !i.is_empty())
        .ok_or_else(|| {
            GatewayError::Transient(format!("the page's send answer has no id: {value}"))
        })?;
    let ack = value
        .get("ack")
        .and_then(|a| a.as_i64())
        .and_then(|a| i32::try_from(a).ok())
        .unwrap_or(0);
    Ok(SentMessage {
        provider_id: provider_id.to_owned(),
        ack: ack_of(ack).max(tiktickets_domain::enums::MessageAck::Server),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_ids_and_mime_types() {
        assert_eq!(chat_id("5511999990001"), "5511999990001@c.us");
        assert_eq!(chat_id("1203630@g.us"), "1203630@g.us");
        assert_eq!(chat_id("123@lid"), "123@lid");
        assert_eq!(mime_of("a.PDF", None), "application/pdf");
        assert_eq!(mime_of("abc", Some(MediaType::Image)), "image/jpeg");
    }

    #[test]
    fn send_answers_become_sent_messages() {
        let sent = sent_message(&json!({"id": "true_1@c.us_X", "ack": 0})).expect("sent");
        assert_eq!(sent.provider_id, "true_1@c.us_X");
        assert_eq!(sent.ack, tiktickets_domain::enums::MessageAck::Server);
        assert!(sent_message(&json!({"ack": 1})).is_err());
    }
}
