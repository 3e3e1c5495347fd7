//! The super-admin's platform routes (`/admin/*`, profile `super` only): client-contract.md
//! §15, behaviour.md §3.18. The [`crate::auth::SuperAdmin`] extractor refuses everyone else
//! with 403, which fixes the reference's guard that let any user in.

mod tenants;
mod users;

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use serde_json::{Value, json};
use tiktickets_domain::PlatformCtx;
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::store::tenants::Tenant;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::SuperAdmin;
use crate::error::{ApiResult, ErrorBody};
use crate::query::QueryParams;
use crate::state::ApiState;
use crate::views::to_json;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    tenants::configure(cfg);
    users::configure(cfg);
    cfg.service(list_channels);
}

/// `{id, name}` of every tenant, to label rows of other tables.
async fn tenant_names(state: &ApiState, p: &PlatformCtx) -> ApiResult<HashMap<TenantId, Value>> {
    let tenants = state.stores.tenants.list(p).await?;
    Ok(tenants
        .into_iter()
        .map(|t| (t.id, json!({"id": t.id.get(), "name": t.name})))
        .collect())
}

/// The tenant filter of a list (`tenantId`), resolved to a stored tenant (404 when unknown).
async fn tenant_filter(
    state: &ApiState,
    p: &PlatformCtx,
    query: &QueryParams,
) -> ApiResult<Option<Tenant>> {
    match query.parsed::<i32>("tenantId")? {
        Some(raw) => Ok(Some(state.services.find_tenant(p, raw).await?)),
        None => Ok(None),
    }
}

/// Adds `tenant: {id, name}` to a row.
fn with_tenant(mut row: Value, names: &HashMap<TenantId, Value>, tenant: TenantId) -> Value {
    if let Some(obj) = row.as_object_mut() {
        let label = names
            .get(&tenant)
            .cloned()
            .unwrap_or_else(|| json!({"id": tenant.get(), "name": ""}));
        obj.insert("tenant".into(), label);
    }
    row
}

/// Channels of every company (or of `tenantId`), each with `tenant: {id, name}`. The QR code
/// is left out: it would let the viewer pair a phone with another company's session.
#[utoipa::path(
    tag = "super-admin",
    security(("bearer" = [])),
    params(("tenantId" = Option<i32>, Query, description = "Only this company's channels")),
    responses(
        (status = 200, description = "Channel rows `{id, name, type, status, isDefault, tenantId, updatedAt, ..., tenant: {id, name}}`", body = [Object]),
        (status = 400, description = "Bad tenantId", body = ErrorBody),
        (status = 403, description = "Not a super-admin", body = ErrorBody),
        (status = 404, description = "No such company", body = ErrorBody),
    )
)]
#[get("/admin/channels")]
async fn list_channels(
    state: web::Data<ApiState>,
    sa: SuperAdmin,
    query: QueryParams,
) -> ApiResult<HttpResponse> {
    let tenant = tenant_filter(&state, &sa.platform, &query).await?;
    let names = tenant_names(&state, &sa.platform).await?;
    let channels = state
        .stores
        .tenants
        .list_channels(&sa.platform, tenant.map(|t| t.id))
        .await?;
    let mut rows = Vec::with_capacity(channels.len());
    for channel in &channels {
        let mut row = to_json(channel)?;
        if let Some(obj) = row.as_object_mut() {
            obj.remove("qrcode");
        }
        rows.push(with_tenant(row, &names, channel.tenant_id));
    }
    Ok(HttpResponse::Ok().json(rows))
}
