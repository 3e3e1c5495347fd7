//! Contact tags ("etiquetas"): client-contract.md §11, behaviour.md §3.6.

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use serde_json::{Value, json};
use tiktickets_domain::ids::TagId;
use tiktickets_domain::store::tags::TagInput;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::{Validate, ValidationError};

use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody, validated};
use crate::query::QueryParams;
use crate::state::ApiState;
use crate::views::to_json;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tags)
        .service(create_tag)
        .service(update_tag)
        .service(delete_tag);
}

/// A CSS hex colour: `#rgb` or `#rrggbb` (either case).
fn hex_color(value: &str) -> Result<(), ValidationError> {
    let ok = value.strip_prefix('#').is_some_and(|hex| {
        matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
    });
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("color")
            .with_message("must be a hex colour like #1a2b3c or #abc".into()))
    }
}

/// Body of `POST /tags` and `PUT /tags/{id}`: `{id, tag, color, isActive, autoTag}`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TagRequest {
    /// Label (1 to 255 characters, unique in the tenant).
    #[validate(length(min = 1, max = 255))]
    pub tag: String,
    /// Colour, `#rrggbb` or `#rgb`.
    #[validate(custom(function = "hex_color"))]
    pub color: String,
    /// Active flag: `true` when absent on create, unchanged when absent on update.
    pub is_active: Option<bool>,
    /// Keyword that attaches the tag automatically (empty = none).
    #[validate(length(max = 255))]
    pub auto_tag: Option<String>,
    /// Sent by the client (`null` on create); ignored, the path decides.
    #[schema(value_type = Option<i32>)]
    pub id: Option<Value>,
}

impl TagRequest {
    fn into_input(self, current_active: bool) -> TagInput {
        TagInput {
            tag: self.tag.trim().to_owned(),
            color: self.color,
            is_active: self.is_active.unwrap_or(current_active),
            auto_tag: self
                .auto_tag
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty()),
        }
    }
}

/// Tags of the caller's tenant ordered by label; `isActive=true` lists only active ones,
/// `null`, `false` or no value list all (as the reference does).
#[utoipa::path(
    tag = "tags",
    security(("bearer" = [])),
    params(("isActive" = Option<bool>, Query, description = "`true`: active tags only")),
    responses(
        (status = 200, description = "Tag rows `{id, tag, color, isActive, autoTag, userId, tenantId, createdAt, updatedAt}`", body = [Object]),
        (status = 400, description = "isActive is not a boolean", body = ErrorBody),
    )
)]
#[get("/tags")]
async fn list_tags(
    state: web::Data<ApiState>,
    auth: Auth,
    query: QueryParams,
) -> ApiResult<HttpResponse> {
    let only_active = query.flag("isActive")? == Some(true);
    let tags = state.stores.tags.list(&auth.cx, only_active).await?;
    let rows = tags.iter().map(to_json).collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Creates a tag (admins); a label already used in the tenant is 409 `ERR_TAG_ALREADY_EXISTS`.
#[utoipa::path(
    tag = "tags",
    security(("bearer" = [])),
    request_body = TagRequest,
    responses(
        (status = 200, description = "The created tag row", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "The label is taken", body = ErrorBody),
        (status = 422, description = "Invalid label or colour", body = ErrorBody),
    )
)]
#[post("/tags")]
async fn create_tag(
    state: web::Data<ApiState>,
    auth: Auth,
    body: web::Json<TagRequest>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let input = validated(body.into_inner())?.into_input(true);
    let tag = state.stores.tags.create(&auth.cx, input).await?;
    Ok(HttpResponse::Ok().json(to_json(&tag)?))
}

/// Replaces a tag's fields (admins).
#[utoipa::path(
    tag = "tags",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Tag id")),
    request_body = TagRequest,
    responses(
        (status = 200, description = "The updated tag row", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such tag in the caller's tenant", body = ErrorBody),
        (status = 409, description = "The label is taken", body = ErrorBody),
        (status = 422, description = "Invalid label or colour", body = ErrorBody),
    )
)]
#[put("/tags/{id}")]
async fn update_tag(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
    body: web::Json<TagRequest>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let body = validated(body.into_inner())?;
    let id = TagId::new(path.into_inner());
    let current = state.stores.tags.get(&auth.cx, id).await?;
    let tag = state
        .stores
        .tags
        .update(&auth.cx, id, body.into_input(current.is_active))
        .await?;
    Ok(HttpResponse::Ok().json(to_json(&tag)?))
}

/// Deletes a tag (admins); refused with 409 `ERR_TAG_CONTACTS_EXISTS` while contacts carry it.
#[utoipa::path(
    tag = "tags",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Tag id")),
    responses(
        (status = 200, description = "`{message: \"Tag deleted\"}`", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such tag in the caller's tenant", body = ErrorBody),
        (status = 409, description = "Contacts carry the tag", body = ErrorBody),
    )
)]
#[delete("/tags/{id}")]
async fn delete_tag(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let id = TagId::new(path.into_inner());
    state.stores.tags.delete(&auth.cx, id).await?;
    Ok(HttpResponse::Ok().json(json!({"message": "Tag deleted"})))
}
