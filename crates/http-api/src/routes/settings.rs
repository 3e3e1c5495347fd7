//! Tenant settings: client-contract.md §9, behaviour.md §3.4.

use actix_web::{HttpResponse, get, put, web};
use serde::Deserialize;
use serde_json::Value;
use tiktickets_domain::setting_rules::check_setting;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, validated};
use crate::state::ApiState;
use crate::views::to_json;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_settings).service(update_setting);
}

/// Body of `PUT /settings/{key}`: `{key, value}`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SettingRequest {
    /// The key again (the client sends it); when present it must equal the path's key.
    #[validate(length(max = 255))]
    pub key: Option<String>,
    /// The new value: text, or a number or boolean (stored as its text).
    #[schema(value_type = String)]
    pub value: Value,
}

/// The stored text of a JSON value: strings as they are, numbers and booleans as their text.
fn value_text(value: &Value) -> ApiResult<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Err(ApiError::unprocessable(
            "ERR_VALIDATION",
            "value: required (text, number or boolean)",
        )),
        Value::Array(_) | Value::Object(_) => Err(ApiError::bad_request(
            "ERR_INVALID_BODY",
            "value must be text, a number or a boolean",
        )),
    }
}

/// The settings of the caller's tenant, by key.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Setting rows `{id, key, value, tenantId, createdAt, updatedAt}`", body = [Object]),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
#[get("/settings")]
async fn list_settings(state: web::Data<ApiState>, auth: Auth) -> ApiResult<HttpResponse> {
    let settings = state.stores.settings.list(&auth.cx).await?;
    let rows = settings
        .iter()
        .map(to_json)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Sets one setting (admins) and publishes `{t}:settings`. The path's key decides (the
/// reference used the body's); a different `key` in the body is refused.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = [])),
    params(("key" = String, Path, description = "Setting key, e.g. `rejectCalls`")),
    request_body = SettingRequest,
    responses(
        (status = 200, description = "The setting row", body = Object),
        (status = 400, description = "Bad value, or the body's key differs from the path's", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "Unknown key (`ERR_NO_SETTING_FOUND`)", body = ErrorBody),
    )
)]
#[put("/settings/{key}")]
async fn update_setting(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<String>,
    body: web::Json<SettingRequest>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let key = path.into_inner();
    let body = validated(body.into_inner())?;
    if let Some(body_key) = body.key.as_deref()
        && body_key != key
    {
        return Err(ApiError::bad_request(
            "ERR_SETTING_KEY_MISMATCH",
            format!("the body's key {body_key:?} differs from the path's key {key:?}"),
        ));
    }
    let value = value_text(&body.value)?;
    check_setting(&key, &value)?;
    let setting = state.services.set_setting(&auth.cx, &key, &value).await?;
    Ok(HttpResponse::Ok().json(to_json(&setting)?))
}
