//! `GET /contacts-report` (client-contract.md §12 and §14, behaviour.md §3.16 row 93): the
//! individual contacts created in the range, filtered by tags, wallets, Brazilian area codes
//! and a search text, with their tags. Agents see the contacts rule C-9 shows them (no wallet,
//! or in their wallet). At most [`MAX_ROWS`] contacts.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use serde_json::{Value, json};
use tiktickets_domain::ids::{ContactId, TagId, UserId};
use tiktickets_domain::statistics::{self, DateRange};
use tiktickets_domain::store::PageRequest;
use tiktickets_domain::store::contacts::{Contact, ContactQuery};
use utoipa_actix_web::service_config::ServiceConfig;

use super::range_of;
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::query::QueryParams;
use crate::state::ApiState;

/// Most contacts one report returns.
pub const MAX_ROWS: usize = 10_000;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(contacts_report);
}

/// The report's filters.
struct Filters {
    range: DateRange,
    tags: Vec<TagId>,
    wallets: Vec<UserId>,
    ddds: Vec<String>,
    search: Option<String>,
}

fn filters(state: &ApiState, q: &QueryParams) -> ApiResult<Filters> {
    let ddds = q
        .many("ddds")
        .into_iter()
        .map(statistics::parse_ddd)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Filters {
        range: range_of(state, q, "startDate", "endDate")?,
        tags: q.parsed_many::<TagId>("tags")?,
        wallets: q.parsed_many::<UserId>("wallets")?,
        ddds,
        search: q.text("searchParam")?,
    })
}

/// Reads the matching contacts page by page until [`MAX_ROWS`] pass the area-code filter
/// (the store has no number-prefix filter, so that one is applied here).
async fn matching_contacts(state: &ApiState, auth: &Auth, f: &Filters) -> ApiResult<Vec<Contact>> {
    let mut found = Vec::new();
    let mut page = 1;
    loop {
        let query = ContactQuery {
            search: f.search.clone(),
            tag_ids: f.tags.clone(),
            wallet_ids: f.wallets.clone(),
            visible_to: (!auth.cx.is_admin()).then_some(auth.user.id),
            created_from: Some(f.range.from),
            created_to: Some(f.range.to),
            exclude_groups: true,
            page: PageRequest::new(page, PageRequest::MAX_SIZE)?,
        };
        let batch = state.stores.contacts.query(&auth.cx, &query).await?;
        found.extend(batch.items.into_iter().filter(|c| {
            f.ddds.is_empty()
                || c.number
                    .as_deref()
                    .is_some_and(|n| statistics::number_has_ddd(n, &f.ddds))
        }));
        if found.len() >= MAX_ROWS || !batch.has_more {
            found.truncate(MAX_ROWS);
            return Ok(found);
        }
        page += 1;
    }
}

/// `{id, tag, color}` lists per contact, read in batches.
async fn tags_by_contact(
    state: &ApiState,
    auth: &Auth,
    contacts: &[Contact],
) -> ApiResult<HashMap<ContactId, Vec<Value>>> {
    let ids: Vec<ContactId> = contacts.iter().map(|c| c.id).collect();
    let mut tags: HashMap<ContactId, Vec<Value>> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        for (contact, tag) in state.stores.contacts.tags_of_many(&auth.cx, chunk).await? {
            tags.entry(contact)
                .or_default()
                .push(json!({"id": tag.id.get(), "tag": tag.tag, "color": tag.color}));
        }
    }
    Ok(tags)
}

/// The contacts report.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(
        ("startDate" = Option<String>, Query, description = "First creation day, yyyy-MM-dd (default: 6 days before endDate)"),
        ("endDate" = Option<String>, Query, description = "Last creation day, yyyy-MM-dd, inclusive (default: today, UTC)"),
        ("tags[]" = Option<Vec<i32>>, Query, description = "Only contacts with one of these tags"),
        ("wallets[]" = Option<Vec<i32>>, Query, description = "Only contacts in the wallet of one of these users"),
        ("ddds[]" = Option<Vec<String>>, Query, description = "Only numbers with one of these two-digit Brazilian area codes (55 + DDD)"),
        ("searchParam" = Option<String>, Query, description = "Text contained in the name or number"),
    ),
    responses(
        (status = 200, description = "`{contacts: [{id, name, number, email, tags: [{id, tag, color}]}]}`, by name, at most 10 000"),
        (status = 400, description = "Bad date, range, id or area code", body = ErrorBody),
    )
)]
#[get("/contacts-report")]
async fn contacts_report(
    state: web::Data<ApiState>,
    auth: Auth,
    q: QueryParams,
) -> ApiResult<HttpResponse> {
    let f = filters(&state, &q)?;
    let contacts = matching_contacts(&state, &auth, &f).await?;
    let mut tags = tags_by_contact(&state, &auth, &contacts).await?;
    let rows: Vec<Value> = contacts
        .iter()
        .map(|c| {
            json!({
                "id": c.id.get(),
                "name": c.name,
                "number": c.number,
                "email": c.email,
                "tags": tags.remove(&c.id).unwrap_or_default(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "contacts": rows })))
}
