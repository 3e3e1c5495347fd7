//! The caller's tenant: business hours and the away message (client-contract.md §9.1,
//! behaviour.md §3.3).

use actix_web::{HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tiktickets_domain::business_hours::BusinessHours;
use tiktickets_domain::store::tenants::{Tenant, TenantPatch};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, validated};
use crate::state::ApiState;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_business_hours)
        .service(update_business_hours)
        .service(update_message_business_hours);
}

/// Longest away message, in characters.
const MAX_MESSAGE_CHARS: u64 = 10_000;

/// What the business-hours page reads.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BusinessHoursResponse {
    /// Days `{day, label, type: O|C|H, hr1, hr2, hr3, hr4}`.
    #[schema(value_type = Vec<Object>)]
    pub business_hours: Value,
    /// Text sent to customers outside business hours.
    pub message_business_hours: Option<String>,
}

impl BusinessHoursResponse {
    /// A tenant without stored hours is open all week (rule H-1), which the default week says.
    fn of(tenant: Tenant) -> ApiResult<Self> {
        let business_hours = match tenant.business_hours {
            Some(v) if !v.is_null() => v,
            _ => crate::views::to_json(&BusinessHours::default_all_open())?,
        };
        Ok(Self {
            business_hours,
            message_business_hours: tenant.message_business_hours,
        })
    }
}

/// Body of `PUT /tenants/message-business-hours`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageBusinessHoursRequest {
    /// The away text (1 to 10 000 characters).
    #[validate(length(max = MAX_MESSAGE_CHARS))]
    pub message_business_hours: Option<String>,
}

/// The client sends each day as `day` or as `value` (the select's value); a number that
/// arrives as text is read as the number. Everything else is left to the domain's parser.
fn normalise_days(body: Value) -> Value {
    // The day list may also arrive wrapped as `{businessHours: [...]}`.
    let body = match body {
        Value::Object(mut obj) if obj.contains_key("businessHours") => {
            obj.remove("businessHours").unwrap_or(Value::Null)
        }
        other => other,
    };
    let Value::Array(items) = body else {
        return body;
    };
    let items = items
        .into_iter()
        .map(|item| {
            let Value::Object(mut obj) = item else {
                return item;
            };
            if obj.get("day").is_none_or(Value::is_null)
                && let Some(value) = obj.get("value").cloned()
            {
                obj.insert("day".to_owned(), value);
            }
            if let Some(Value::String(text)) = obj.get("day")
                && let Ok(n) = text.trim().parse::<u8>()
            {
                obj.insert("day".to_owned(), Value::from(n));
            }
            Value::Object(obj)
        })
        .collect();
    Value::Array(items)
}

/// Business hours and away message of the caller's tenant.
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{businessHours, messageBusinessHours}`", body = BusinessHoursResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
#[get("/tenants/business-hours")]
async fn get_business_hours(state: web::Data<ApiState>, auth: Auth) -> ApiResult<HttpResponse> {
    let tenant = state.stores.tenants.current(&auth.cx).await?;
    Ok(HttpResponse::Ok().json(BusinessHoursResponse::of(tenant)?))
}

/// Replaces the week's business hours (admins). The body is the array of days.
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    request_body(content = Vec<Object>, description = "Days `{day (or value) 0..6, label, type O|C|H, hr1..hr4 HH:mm}`"),
    responses(
        (status = 200, description = "`{businessHours, messageBusinessHours}`", body = BusinessHoursResponse),
        (status = 400, description = "A bad day, type or time (`ERR_INVALID_BUSINESS_HOURS`)", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
#[put("/tenants/business-hours")]
async fn update_business_hours(
    state: web::Data<ApiState>,
    auth: Auth,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let hours = BusinessHours::parse_json(&normalise_days(body.into_inner()))?;
    let patch = TenantPatch {
        business_hours: Some(crate::views::to_json(&hours)?),
        ..TenantPatch::default()
    };
    let tenant = state.stores.tenants.update_current(&auth.cx, patch).await?;
    Ok(HttpResponse::Ok().json(BusinessHoursResponse::of(tenant)?))
}

/// Replaces the away message (admins); an empty one is 400 `ERR_NO_MESSAGE_INFORMATION`.
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    request_body = MessageBusinessHoursRequest,
    responses(
        (status = 200, description = "`{businessHours, messageBusinessHours}`", body = BusinessHoursResponse),
        (status = 400, description = "Empty message", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "Message over 10 000 characters", body = ErrorBody),
    )
)]
#[put("/tenants/message-business-hours")]
async fn update_message_business_hours(
    state: web::Data<ApiState>,
    auth: Auth,
    body: web::Json<MessageBusinessHoursRequest>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let body = validated(body.into_inner())?;
    let Some(message) = body.message_business_hours.filter(|m| !m.trim().is_empty()) else {
        return Err(ApiError::bad_request(
            "ERR_NO_MESSAGE_INFORMATION",
            "messageBusinessHours must not be empty",
        ));
    };
    let patch = TenantPatch {
        message_business_hours: Some(message),
        ..TenantPatch::default()
    };
    let tenant = state.stores.tenants.update_current(&auth.cx, patch).await?;
    Ok(HttpResponse::Ok().json(BusinessHoursResponse::of(tenant)?))
}
