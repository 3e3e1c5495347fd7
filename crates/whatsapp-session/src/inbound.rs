//! What the page reports about messages, handed to the domain (architecture.md "Messages in
//! and out"): new messages through ingest (after downloading their file), and acks, edits,
//! revokes and reactions applied to the stored message of this channel's tenant.

use std::sync::Arc;
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use tiktickets_domain::TenantCtx;
use tiktickets_domain::enums::MediaType;
use tiktickets_domain::services::InboundReaction;
use tiktickets_domain::services::ingest::Ingested;

use crate::bridge::BridgePage;
use crate::error::{Result, SessionError};
use crate::normalise::{MediaToFetch, Normalised, normalise};
use crate::page_event::{PageEvent, ack_of};
use crate::session::SessionCtx;
use crate::wa_message::WaMessage;

/// Bytes per `mediaTake` call (the page base64-encodes them).
const CHUNK_BYTES: u64 = 512 * 1024;

/// Largest file accepted from WhatsApp (its own limit for documents is 2 GB; we keep what
/// the API would accept as an upload, with room).
const MAX_MEDIA_BYTES: u64 = 100 * 1024 * 1024;

/// Ingests a new message; failures are logged (a replay of the page's event is harmless).
pub(crate) async fn message(
    ctx: &SessionCtx,
    page: &Arc<BridgePage>,
    msg: &WaMessage,
    received_at: Instant,
) {
    let channel = ctx.live.channel;
    let (mut inbound, media) = match normalise(channel, msg) {
        Normalised::Ignore(why) => {
            tracing::debug!(%channel, id = %msg.id.serialized, kind = %msg.kind, why, "message not stored");
            return;
        }
        Normalised::Ingest { message, media } => (*message, media),
    };
    if let Some(media) = media {
        match download(ctx, page, &media).await {
            Ok(file) => inbound.media_file = Some(file),
            Err(e) => {
                // Keep the message: the conversation must not lose a turn because a file
                // expired; the agent sees that a file was sent.
                tracing::warn!(%channel, id = %media.message_id, error = %e, "media download failed");
                let caption = std::mem::take(&mut inbound.body);
                inbound.body = format!("[file not available: {e}] {caption}")
                    .trim_end()
                    .to_owned();
                inbound.media_type = MediaType::Chat;
            }
        }
    }
    let cx = TenantCtx::system(ctx.live.tenant);
    match ctx.services.ingest(&cx, inbound).await {
        Ok(Ingested::Stored { .. }) => {
            let took = received_at.elapsed();
            ctx.live.update(|s| {
                s.last_ingest = Some(took);
                s.ingested += 1;
            });
            tracing::debug!(%channel, id = %msg.id.serialized, took_us = took.as_micros() as u64, "message stored");
        }
        Ok(other) => {
            tracing::debug!(%channel, id = %msg.id.serialized, ?other, "message not stored")
        }
        Err(e) => {
            tracing::warn!(%channel, id = %msg.id.serialized, error = %e, "could not store a message");
        }
    }
}

/// Downloads a message's file through the page, in chunks, and stores it.
async fn download(ctx: &SessionCtx, page: &BridgePage, media: &MediaToFetch) -> Result<String> {
    let timeout = ctx.config.media_timeout;
    let held = page
        .call("downloadMedia", json!({"id": media.message_id}), timeout)
        .await?;
    let token = held
        .get("token")
        .and_then(|t| t.as_str())
        .ok_or_else(|| SessionError::Protocol("downloadMedia answered without a token".into()))?
        .to_owned();
    let size = held.get("size").and_then(|s| s.as_u64()).unwrap_or(0);
    if size > MAX_MEDIA_BYTES {
        return Err(SessionError::Protocol(format!(
            "the file has {size} bytes, over the limit of {MAX_MEDIA_BYTES}"
        )));
    }
    let mimetype = held
        .get("mimetype")
        .and_then(|m| m.as_str())
        .map(str::to_owned)
        .or_else(|| media.mimetype.clone());
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut offset = 0u64;
    loop {
        let part = page
            .call(
                "mediaTake",
                json!({"token": token, "offset": offset, "length": CHUNK_BYTES}),
                timeout,
            )
            .await?;
        let chunk = part.get("chunk").and_then(|c| c.as_str()).unwrap_or("");
        let decoded = STANDARD
            .decode(chunk)
            .map_err(|e| SessionError::Protocol(format!("media chunk is not base64: {e}")))?;
        offset += decoded.len() as u64;
        bytes.extend_from_slice(&decoded);
        if offset > MAX_MEDIA_BYTES {
            return Err(SessionError::Protocol(
                "the file grew over the limit".into(),
            ));
        }
        if part.get("done").and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        if decoded.is_empty() {
            return Err(SessionError::Protocol(
                "the page sent an empty chunk".into(),
            ));
        }
    }
    ctx.media
        .save(
            ctx.live.tenant,
            &bytes,
            mimetype.as_deref(),
            media.filename.as_deref(),
        )
        .await
}

/// Applies an ack, edit, revoke or reaction to the tenant's stored message.
pub(crate) async fn change(ctx: &SessionCtx, event: PageEvent) {
    let cx = TenantCtx::system(ctx.live.tenant);
    let services = &ctx.services;
    let outcome = match event {
        PageEvent::Ack { id, ack } => services.apply_ack(&cx, &id, ack_of(ack)).await.map(drop),
        PageEvent::Edit { id, body } => services.apply_edit(&cx, &id, &body).await.map(drop),
        PageEvent::Revoke { id } => services.apply_revoke(&cx, &id).await.map(drop),
        PageEvent::Reaction {
            id,
            parent_id,
            text,
            timestamp,
            from,
        } => {
            let me = ctx.live.status().me;
            let from_me = match (&from, &me) {
                (Some(from), Some(me)) => from == me,
                _ => false,
            };
            let seconds = if timestamp > 100_000_000_000 {
                timestamp / 1000
            } else {
                timestamp
            };
            services
                .apply_reaction(
                    &cx,
                    InboundReaction {
                        provider_id: id,
                        parent_provider_id: parent_id,
                        text,
                        from_me,
                        timestamp: seconds,
                    },
                )
                .await
                .map(drop)
        }
        _ => Ok(()),
    };
    if let Err(e) = outcome {
        tracing::warn!(channel = %ctx.live.channel, error = %e, "could not apply a message change");
    }
}
