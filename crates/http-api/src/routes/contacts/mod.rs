//! Contacts (client-contract.md §5, the contact calls of §4.3/§4.6; behaviour.md §3.7; rules
//! C-1..C-9 of data-model.md §7.1). Fixes of the reference: the search is a bound, escaped
//! pattern; tag, wallet and custom-field ids are checked in the caller's tenant before
//! anything is written; the number is optional on update (C-3); the contact list
//! has one row per contact and a numeric `count`.

mod csv;
mod dto;
mod export;
mod import;
mod relations;

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde_json::{Value, json};
use tiktickets_domain::ids::{ContactId, TagId, UserId};
use tiktickets_domain::phone::{self, ContactNumber};
use tiktickets_domain::store::PageRequest;
use tiktickets_domain::store::contacts::{Contact, ContactInput, ContactQuery};
use tiktickets_domain::{DomainError, TenantCtx};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, validated};
use crate::query::QueryParams;
use crate::state::ApiState;
use crate::views;

pub use dto::{ContactBody, ExtraInfoItem, IdRef, TagsBody, WalletsBody};
use relations::Relations;

/// Rows per page of `GET /contacts` (the reference's size).
const PAGE_SIZE: u64 = 40;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(import::upload)
        .service(export::export)
        .service(sync)
        .service(import_from_phone)
        .service(show)
        .service(create)
        .service(update)
        .service(remove)
        .service(set_tags)
        .service(set_wallets);
}

/// A contact row as the contact list reads it.
fn contact_row(contact: &Contact) -> ApiResult<Value> {
    views::to_json(contact)
}

/// The answer of every single-contact route: the contact with tags, wallets and extraInfo.
async fn full_contact(
    state: &ApiState,
    cx: &TenantCtx,
    contact: &Contact,
) -> ApiResult<HttpResponse> {
    let value = views::contact_full(state, cx, contact).await?;
    Ok(HttpResponse::Ok().json(value))
}

/// Required text: trimmed, not blank.
fn required_name(name: Option<&str>) -> ApiResult<String> {
    match name.map(str::trim) {
        Some(n) if !n.is_empty() => Ok(n.to_owned()),
        _ => Err(ApiError::unprocessable(
            "ERR_VALIDATION",
            "name: required (1 to 255 characters)",
        )),
    }
}

/// `""` (or blanks) means no e-mail.
fn email_of(email: Option<String>) -> Option<String> {
    email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty())
}

fn not_a_phone() -> ApiError {
    ApiError::bad_request(
        phone::ERR_INVALID_NUMBER,
        "number must be a phone number (8 to 15 digits, formatting is ignored)",
    )
}

/// A typed number normalised (rule C-1): formatting stripped, 8 to 15 digits. Group and
/// linked ids are accepted only when they are the contact's current number (an edit form
/// sending back a group's id unchanged).
fn number_of(raw: &str, current: Option<&Contact>) -> ApiResult<ContactNumber> {
    let number = phone::normalize(raw)?;
    match &number {
        ContactNumber::Phone(_) => Ok(number),
        ContactNumber::Group(id) | ContactNumber::Lid(id)
            if current.and_then(|c| c.number.as_deref()) == Some(id.as_str()) =>
        {
            Ok(number)
        }
        _ => Err(not_a_phone()),
    }
}

/// Lists contacts: 40 per page by name; search on name or number; filters by tags and
/// wallets; agents see only contacts without a wallet or in their own (rule C-9).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(
        ("searchParam" = Option<String>, Query, description = "Text contained in the name or number"),
        ("pageNumber" = Option<u64>, Query, description = "1-based page (40 rows per page)"),
        ("tags[]" = Option<Vec<i32>>, Query, description = "Only contacts with one of these tags"),
        ("wallets[]" = Option<Vec<i32>>, Query, description = "Only contacts in the wallet of one of these users"),
    ),
    responses(
        (status = 200, description = "`{contacts, count, hasMore}`"),
        (status = 400, description = "Bad page number or filter", body = ErrorBody),
    )
)]
#[get("/contacts")]
async fn list(
    state: web::Data<ApiState>,
    auth: Auth,
    query: QueryParams,
) -> ApiResult<HttpResponse> {
    let page = PageRequest::new(query.page_number()?, PAGE_SIZE)?;
    let mut filter = ContactQuery::all(page);
    filter.search = query.text("searchParam")?;
    filter.tag_ids = query.parsed_many::<TagId>("tags")?;
    filter.wallet_ids = query.parsed_many::<UserId>("wallets")?;
    if !auth.cx.is_admin() {
        filter.visible_to = Some(auth.user.id);
    }
    let found = state.stores.contacts.query(&auth.cx, &filter).await?;
    let contacts = found
        .items
        .iter()
        .map(contact_row)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(json!({
        "contacts": contacts,
        "count": found.count,
        "hasMore": found.has_more,
    })))
}

/// One contact with its tags, wallets and custom fields (`extraInfo`).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Contact id")),
    responses(
        (status = 200, description = "The contact"),
        (status = 404, description = "No such contact in this tenant", body = ErrorBody),
    )
)]
#[get("/contacts/{id}")]
async fn show(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    let contact = state
        .stores
        .contacts
        .get(&auth.cx, ContactId::new(path.into_inner()))
        .await?;
    full_contact(&state, &auth.cx, &contact).await
}

/// Creates a contact by hand; tags, wallets and custom fields are checked before anything is
/// written. A number already known (also in its other Brazilian form) is a 409.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    request_body = ContactBody,
    responses(
        (status = 200, description = "The new contact with tags, wallets and extraInfo"),
        (status = 400, description = "Invalid number or field", body = ErrorBody),
        (status = 404, description = "A tag or wallet user of another tenant", body = ErrorBody),
        (status = 409, description = "ERR_DUPLICATED_CONTACT", body = ErrorBody),
        (status = 422, description = "Missing or over-long field", body = ErrorBody),
    )
)]
#[post("/contacts")]
async fn create(
    state: web::Data<ApiState>,
    auth: Auth,
    body: web::Json<ContactBody>,
) -> ApiResult<HttpResponse> {
    let body = validated(body.into_inner())?;
    let name = required_name(body.name.as_deref())?;
    let raw_number = body
        .number
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| {
            ApiError::unprocessable("ERR_VALIDATION", "number: required (at least 8 digits)")
        })?;
    let input = ContactInput {
        name,
        number: Some(number_of(raw_number, None)?),
        email: email_of(body.email.clone()),
        profile_pic_url: None,
    };
    input.validate()?;
    let relations = Relations::checked(&state, &auth.cx, &body, None).await?;
    let contact = state.services.create_contact(&auth.cx, input).await?;
    let contact = match relations.apply(&state, &auth.cx, contact.id).await {
        Ok(false) => contact,
        Ok(true) => state.services.contact_changed(&auth.cx, contact.id).await?,
        Err(e) => {
            // Everything was checked first, so only a failing database gets here: take the
            // half-made contact back rather than leave it without what was asked for.
            if let Err(undo) = state.services.delete_contact(&auth.cx, contact.id).await {
                tracing::error!(contact = contact.id.get(), error = %undo, "undo of a failed contact creation failed");
            }
            return Err(e);
        }
    };
    full_contact(&state, &auth.cx, &contact).await
}

/// Edits a contact. Absent fields keep their value (the number too); `extraInfo`, `wallets`
/// and `tags` are replaced only when present.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Contact id")),
    request_body = ContactBody,
    responses(
        (status = 200, description = "The contact with tags, wallets and extraInfo"),
        (status = 400, description = "Invalid number or field", body = ErrorBody),
        (status = 404, description = "No such contact, tag, user or custom field in this tenant", body = ErrorBody),
        (status = 409, description = "ERR_DUPLICATED_CONTACT", body = ErrorBody),
        (status = 422, description = "Blank or over-long field", body = ErrorBody),
    )
)]
#[put("/contacts/{id}")]
async fn update(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
    body: web::Json<ContactBody>,
) -> ApiResult<HttpResponse> {
    let id = ContactId::new(path.into_inner());
    let body = validated(body.into_inner())?;
    let current = state.stores.contacts.get(&auth.cx, id).await?;
    let name = match body.name.as_deref() {
        Some(name) => required_name(Some(name))?,
        None => current.name.clone(),
    };
    let number = match body.number.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(raw) => Some(number_of(raw, Some(&current))?),
        None => None,
    };
    let email = match body.email.clone() {
        Some(email) => email_of(Some(email)),
        None => current.email.clone(),
    };
    let input = ContactInput {
        name,
        number,
        email,
        profile_pic_url: None,
    };
    input.validate()?;
    let relations = Relations::checked(&state, &auth.cx, &body, Some(&current)).await?;
    let mut contact = state.services.update_contact(&auth.cx, id, input).await?;
    if relations.apply(&state, &auth.cx, id).await? {
        contact = state.services.contact_changed(&auth.cx, id).await?;
    }
    full_contact(&state, &auth.cx, &contact).await
}

/// Deletes a contact; refused while it has tickets (rule C-7).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Contact id")),
    responses(
        (status = 200, description = "`{message: \"Contact deleted\"}`"),
        (status = 404, description = "No such contact in this tenant", body = ErrorBody),
        (status = 409, description = "ERR_CONTACT_TICKETS_REGISTERED", body = ErrorBody),
    )
)]
#[delete("/contacts/{id}")]
async fn remove(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    state
        .services
        .delete_contact(&auth.cx, ContactId::new(path.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"message": "Contact deleted"})))
}

/// Replaces a contact's tags.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("contactId" = i32, Path, description = "Contact id")),
    request_body = TagsBody,
    responses(
        (status = 200, description = "The contact with its new tags"),
        (status = 404, description = "No such contact or tag in this tenant", body = ErrorBody),
    )
)]
#[put("/contact-tags/{contactId}")]
async fn set_tags(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
    body: web::Json<TagsBody>,
) -> ApiResult<HttpResponse> {
    let id = ContactId::new(path.into_inner());
    let body = validated(body.into_inner())?;
    let tags = dto::distinct(&body.tags, TagId::new);
    state.stores.contacts.set_tags(&auth.cx, id, &tags).await?;
    let contact = state.services.contact_changed(&auth.cx, id).await?;
    full_contact(&state, &auth.cx, &contact).await
}

/// Replaces a contact's wallet owners (responsible agents).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("contactId" = i32, Path, description = "Contact id")),
    request_body = WalletsBody,
    responses(
        (status = 200, description = "The contact with its new wallets"),
        (status = 404, description = "No such contact or user in this tenant", body = ErrorBody),
    )
)]
#[put("/contact-wallet/{contactId}")]
async fn set_wallets(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
    body: web::Json<WalletsBody>,
) -> ApiResult<HttpResponse> {
    let id = ContactId::new(path.into_inner());
    let body = validated(body.into_inner())?;
    let users = dto::distinct(&body.wallets, UserId::new);
    state
        .stores
        .contacts
        .set_wallets(&auth.cx, id, &users)
        .await?;
    let contact = state.services.contact_changed(&auth.cx, id).await?;
    full_contact(&state, &auth.cx, &contact).await
}

fn no_session() -> ApiError {
    DomainError::conflict(
        "ERR_WAPP_SESSIONS_NOT_AVAILABLE",
        "reading contacts from WhatsApp needs a connected WhatsApp session, and none is \
         available; connect a channel first (meanwhile, import a CSV file with POST \
         /contacts/upload)",
    )
    .into()
}

/// Synchronises contacts from every connected WhatsApp session (not available yet: 409).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    responses((status = 409, description = "ERR_WAPP_SESSIONS_NOT_AVAILABLE", body = ErrorBody))
)]
#[post("/contacts/sync")]
async fn sync(_auth: Auth) -> ApiResult<HttpResponse> {
    Err(no_session())
}

/// Imports the phone's address book through the default WhatsApp (not available yet: 409).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    responses((status = 409, description = "ERR_WAPP_SESSIONS_NOT_AVAILABLE", body = ErrorBody))
)]
#[post("/contacts/import")]
async fn import_from_phone(_auth: Auth) -> ApiResult<HttpResponse> {
    Err(no_session())
}
