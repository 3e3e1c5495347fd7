//! Media files: `GET /public/media/{tenantId}/{file}` with the signed `token` of the link
//! (media are loaded by the browser without an Authorization header), or a bearer token of
//! the same tenant. Other tenants' files are never served.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use tiktickets_domain::ids::TenantId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::extractor::{authenticate, bearer_token};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::query::QueryParams;
use crate::state::ApiState;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(media_file);
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, e)| e) {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("mp4") => "video/mp4",
        Some("3gp") => "video/3gpp",
        Some("mov") => "video/quicktime",
        Some("ogg" | "oga" | "opus") => "audio/ogg",
        Some("mp3") => "audio/mpeg",
        Some("m4a" | "aac") => "audio/aac",
        Some("wav") => "audio/wav",
        Some("txt") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xml") => "application/xml",
        Some("json") => "application/json",
        Some("vcf") => "text/vcard",
        _ => "application/octet-stream",
    }
}

fn missing() -> ApiError {
    ApiError::from(tiktickets_domain::DomainError::not_found(
        "media file",
        "ERR_MEDIA_NOT_FOUND",
    ))
}

/// One media file.
#[utoipa::path(
    tag = "media",
    params(
        ("tenantId" = i32, Path, description = "Owner tenant"),
        ("file" = String, Path, description = "Stored file name"),
        ("token" = Option<String>, Query, description = "The link's signature"),
    ),
    responses(
        (status = 200, description = "The file"),
        (status = 404, description = "Unknown file, wrong tenant or bad signature", body = ErrorBody),
    )
)]
#[get("/public/media/{tenantId}/{file}")]
async fn media_file(
    state: web::Data<ApiState>,
    req: HttpRequest,
    path: web::Path<(i32, String)>,
    query: QueryParams,
) -> ApiResult<HttpResponse> {
    let (tenant_raw, file) = path.into_inner();
    // Verified below: by the link's signature or by the caller's token.
    let tenant = TenantId::from_verified(tenant_raw);
    let signed = query
        .one("token")
        .is_some_and(|t| state.keys.verify_media(t, tenant, &file));
    let allowed = if signed {
        true
    } else if let Some(token) = bearer_token(&req) {
        authenticate(&state, token).await?.cx.tenant() == tenant
    } else {
        false
    };
    if !allowed {
        return Err(missing());
    }
    let path = state.media.find(tenant, &file).await.ok_or_else(missing)?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| ApiError::Internal(format!("reading {}: {e}", path.display())))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type(&file)))
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .body(bytes))
}
