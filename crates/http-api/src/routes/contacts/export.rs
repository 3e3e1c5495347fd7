//! `POST /contacts/export`: the tenant's contacts as a CSV file (`id,name,number,email`) behind
//! a signed link that opens without a token.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde_json::json;
use tiktickets_domain::store::PageRequest;
use tiktickets_domain::store::contacts::ContactQuery;

use super::csv;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::ApiState;

/// Rows per page when reading the tenant's contacts.
const EXPORT_PAGE: u64 = 1_000;

/// The tenant's contacts (for agents: those they may list, rule C-9) as CSV bytes.
async fn export_csv(state: &ApiState, auth: &Auth) -> ApiResult<Vec<u8>> {
    let mut writer = csv::Writer::new();
    writer.record(&["id", "name", "number", "email"]);
    let mut page = 1;
    loop {
        let mut query = ContactQuery::all(PageRequest::new(page, EXPORT_PAGE)?);
        if !auth.cx.is_admin() {
            query.visible_to = Some(auth.user.id);
        }
        let found = state.stores.contacts.query(&auth.cx, &query).await?;
        for c in &found.items {
            writer.record(&[
                c.id.get().to_string().as_str(),
                c.name.as_str(),
                c.number.as_deref().unwrap_or(""),
                c.email.as_deref().unwrap_or(""),
            ]);
        }
        if !found.has_more || found.items.is_empty() {
            break;
        }
        page += 1;
    }
    Ok(writer.into_bytes())
}

/// Writes the tenant's contacts to a CSV file (`id,name,number,email`) and answers a link that
/// opens without a token.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{downloadLink}`: absolute URL of the CSV file"),
    )
)]
#[post("/contacts/export")]
pub async fn export(
    state: web::Data<ApiState>,
    auth: Auth,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let bytes = export_csv(&state, &auth).await?;
    let tenant = auth.cx.tenant();
    let stored = state
        .media
        .save(tenant, "contatos.csv", Some("text/csv"), &bytes)
        .await?;
    let base = state.public_base(&req);
    let link = state
        .media_url(&base, tenant, &stored.file_name)
        .ok_or_else(|| ApiError::Internal("signing the export link failed".into()))?;
    Ok(HttpResponse::Ok().json(json!({"downloadLink": link})))
}
