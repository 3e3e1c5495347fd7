//! `POST /contacts/upload`: CSV import (rule C-6). Spreadsheets (.xlsx/.xls) are refused with
//! a request to save them as CSV: the build has no spreadsheet reader.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, post, web};
use serde_json::Value;
use tiktickets_domain::ids::{TagId, UserId};
use tiktickets_domain::phone::{self, ContactNumber};
use tiktickets_domain::store::contacts::{Contact, ContactInput};
use tiktickets_domain::{DomainError, TenantCtx};
use utoipa::ToSchema;

use super::csv;
use super::dto::{IdRef, distinct};
use super::relations::{check_tags, check_users};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::multipart::{Form, UploadedFile};
use crate::state::ApiState;

/// Most data rows one file may hold.
const MAX_ROWS: usize = 50_000;
/// Fewest digits a row's number must have (rule C-6).
const MIN_IMPORT_DIGITS: usize = 10;

/// `POST /contacts/upload` form (multipart).
#[derive(Debug, ToSchema)]
#[allow(dead_code, reason = "documents the multipart form for OpenAPI only")]
pub struct UploadForm {
    /// The CSV file: header row with `nome`/`name`, `numero`/`número`/`number`/`telefone` and
    /// `email`/`e-mail` columns (any case or accents), comma or semicolon separated, UTF-8.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// JSON text of an array of tag ids, applied to every row (replacing its tags).
    #[schema(value_type = Option<String>)]
    tags_ids: Option<String>,
    /// Comma-separated tag ids (alternative to `tagsIds`).
    #[schema(value_type = Option<String>)]
    tags: Option<String>,
    /// User id(s) whose wallet every row joins (replacing its wallets).
    #[schema(value_type = Option<String>)]
    wallets: Option<String>,
}

/// One usable row of an import file.
#[derive(Debug, Clone, PartialEq)]
struct ImportRow {
    number: ContactNumber,
    name: String,
    email: Option<String>,
}

fn invalid_file(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("ERR_INVALID_FILE", message)
}

/// Refuses spreadsheets by extension or by content (zip container or OLE2 document).
fn refuse_spreadsheets(file: &UploadedFile) -> ApiResult<()> {
    let name = file.file_name.to_ascii_lowercase();
    let by_name = [".xlsx", ".xls", ".xlsm", ".xlsb", ".ods"]
        .iter()
        .any(|ext| name.ends_with(ext));
    let by_content =
        file.bytes.starts_with(b"PK\x03\x04") || file.bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if by_name || by_content {
        return Err(ApiError::bad_request(
            "ERR_UNSUPPORTED_FILE_TYPE",
            "spreadsheet files (.xlsx, .xls, .ods) cannot be read; save the sheet as CSV \
             (comma or semicolon separated, UTF-8) with a header row (nome, numero, email) and \
             upload that file",
        ));
    }
    Ok(())
}

/// Column positions found in the header row.
struct Columns {
    name: Option<usize>,
    number: usize,
    email: Option<usize>,
}

impl Columns {
    fn from_header(header: &[String]) -> ApiResult<Self> {
        let keys: Vec<String> = header.iter().map(|c| csv::header_key(c)).collect();
        let find = |names: &[&str]| keys.iter().position(|k| names.contains(&k.as_str()));
        let number = find(&[
            "numero", "number", "telefone", "phone", "celular", "whatsapp",
        ])
        .ok_or_else(|| {
            invalid_file(
                "the first row must be a header naming the columns; no number column \
                     (numero, número, number or telefone) was found",
            )
        })?;
        Ok(Self {
            name: find(&["nome", "name"]),
            number,
            email: find(&["email"]),
        })
    }

    fn cell(row: &[String], at: Option<usize>) -> &str {
        at.and_then(|i| row.get(i)).map_or("", |c| c.trim())
    }

    /// The row as a contact, or `None` when its number is unusable (skipped, as the
    /// reference does): fewer than 10 digits, letters, more than 15 digits.
    fn read(&self, row: &[String]) -> Option<ImportRow> {
        let raw = Self::cell(row, Some(self.number));
        let digits = raw.chars().filter(char::is_ascii_digit).count();
        if digits < MIN_IMPORT_DIGITS {
            return None;
        }
        let number = match phone::normalize(raw) {
            Ok(n @ ContactNumber::Phone(_)) => n,
            _ => return None,
        };
        let name: String = Self::cell(row, self.name).chars().take(255).collect();
        let name = if name.trim().is_empty() {
            number.as_str().to_owned()
        } else {
            name.trim().to_owned()
        };
        let email = Some(Self::cell(row, self.email).to_owned()).filter(|e| !e.is_empty());
        Some(ImportRow {
            number,
            name,
            email,
        })
    }
}

/// The usable rows of a CSV file, and how many were skipped.
fn read_rows(bytes: &[u8]) -> ApiResult<(Vec<ImportRow>, usize)> {
    let text = csv::decode_text(bytes)?;
    let delimiter = csv::detect_delimiter(&text);
    let too_many = || {
        ApiError::bad_request(
            "ERR_TOO_MANY_ROWS",
            format!("a file may hold at most {MAX_ROWS} contacts; split it into smaller files"),
        )
    };
    let records = csv::parse(&text, delimiter, MAX_ROWS + 1, too_many)?;
    let Some((header, data)) = records.split_first() else {
        return Err(invalid_file(
            "the file is empty; expected a header row and one contact per row",
        ));
    };
    let columns = Columns::from_header(header)?;
    let rows: Vec<ImportRow> = data.iter().filter_map(|r| columns.read(r)).collect();
    let skipped = data.len() - rows.len();
    Ok((rows, skipped))
}

/// Ids from a form field: JSON text of an array (`[1, "2", {"id": 3}]`), or comma-separated
/// ids. Every value of every given name counts; blanks, `null` and `undefined` are nothing.
fn form_ids(form: &Form, names: &[&str]) -> ApiResult<Vec<i32>> {
    let mut ids = Vec::new();
    for value in names.iter().flat_map(|n| form.texts(n)) {
        let value = value.trim();
        if value.is_empty() || value == "null" || value == "undefined" {
            continue;
        }
        if value.starts_with('[') {
            let refs: Vec<IdRef> = serde_json::from_str(value).map_err(|e| {
                ApiError::bad_request(
                    "ERR_INVALID_BODY",
                    format!("invalid id list {value:?}: {e}"),
                )
            })?;
            ids.extend(refs.iter().map(|r| r.0));
            continue;
        }
        for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let id: IdRef =
                serde_json::from_value(Value::String(part.to_owned())).map_err(|_| {
                    ApiError::bad_request(
                        "ERR_INVALID_BODY",
                        format!("ids are positive integers, not {part:?}"),
                    )
                })?;
            ids.push(id.0);
        }
    }
    Ok(distinct(
        &ids.into_iter().map(IdRef).collect::<Vec<_>>(),
        |v| v,
    ))
}

/// What every imported row receives.
struct Assign {
    tags: Vec<TagId>,
    wallets: Vec<UserId>,
}

/// Finds the row's contact by number (either Brazilian form) or creates it; `true` when new.
/// `None` when the row cannot be stored (logged and skipped, as the reference does).
async fn find_or_create(
    state: &ApiState,
    cx: &TenantCtx,
    row: ImportRow,
) -> ApiResult<Option<(Contact, bool)>> {
    if let Some(found) = state
        .stores
        .contacts
        .find_by_number(cx, &row.number)
        .await?
    {
        return Ok(Some((found, false)));
    }
    let mut input = ContactInput {
        name: row.name,
        number: Some(row.number.clone()),
        email: row.email,
        profile_pic_url: None,
    };
    if input.validate().is_err() {
        // A malformed e-mail does not cost the contact: it is imported without one.
        input.email = None;
    }
    match state.services.create_contact(cx, input).await {
        Ok(contact) => Ok(Some((contact, true))),
        // Created meanwhile (a concurrent import or inbound message): use that one.
        Err(DomainError::Conflict { .. }) => Ok(state
            .stores
            .contacts
            .find_by_number(cx, &row.number)
            .await?
            .map(|c| (c, false))),
        Err(DomainError::Invalid { message, .. }) => {
            tracing::warn!(number = %row.number, %message, "contact import: row skipped");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

async fn import_rows(
    state: &ApiState,
    cx: &TenantCtx,
    rows: Vec<ImportRow>,
    assign: &Assign,
) -> ApiResult<Vec<Value>> {
    let mut created = Vec::new();
    for row in rows {
        let Some((contact, is_new)) = find_or_create(state, cx, row).await? else {
            continue;
        };
        // Rule C-6: given tags and wallets replace the row's own, new or existing.
        let mut changed = false;
        if !assign.tags.is_empty() {
            state
                .stores
                .contacts
                .set_tags(cx, contact.id, &assign.tags)
                .await?;
            changed = true;
        }
        if !assign.wallets.is_empty() {
            state
                .stores
                .contacts
                .set_wallets(cx, contact.id, &assign.wallets)
                .await?;
            changed = true;
        }
        if changed {
            state.services.contact_changed(cx, contact.id).await?;
        }
        if is_new {
            created.push(super::contact_row(&contact)?);
        }
    }
    Ok(created)
}

/// Imports contacts from a CSV file: find-or-create by number; rows with fewer than 10 digits
/// are skipped; the given tags and wallets replace those of every imported row.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    request_body(content = inline(UploadForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Array of the newly created contacts"),
        (status = 400, description = "No file, a spreadsheet, a malformed CSV, more than 50 000 rows or bad ids", body = ErrorBody),
        (status = 404, description = "A tag or wallet user of another tenant", body = ErrorBody),
        (status = 413, description = "File over the upload limit", body = ErrorBody),
    )
)]
#[post("/contacts/upload")]
pub async fn upload(
    state: web::Data<ApiState>,
    auth: Auth,
    payload: Multipart,
) -> ApiResult<HttpResponse> {
    let form = Form::read(payload, state.media.limit()).await?;
    let file = form.files("file").next().ok_or_else(|| {
        ApiError::bad_request(
            "ERR_NO_FILE",
            "send the contact list as a CSV file in the multipart field `file`",
        )
    })?;
    refuse_spreadsheets(file)?;
    let (rows, skipped) = read_rows(&file.bytes)?;
    let assign = Assign {
        tags: form_ids(&form, &["tagsIds", "tags"])?
            .into_iter()
            .map(TagId::new)
            .collect(),
        wallets: form_ids(&form, &["wallets", "walletsIds"])?
            .into_iter()
            .map(UserId::new)
            .collect(),
    };
    check_tags(&state, &auth.cx, &assign.tags).await?;
    check_users(&state, &auth.cx, &assign.wallets).await?;
    if skipped > 0 {
        tracing::info!(
            skipped,
            "contact import: rows without a usable number skipped"
        );
    }
    let created = import_rows(&state, &auth.cx, rows, &assign).await?;
    Ok(HttpResponse::Ok().json(created))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_by_header_names_in_any_case_or_accent() {
        let file = "\u{feff}Nome;Número;E-mail\n\
                    Ana;+55 (11) 99999-8888;ana@x.com\n\
                    Curto;12345678;\n\
                    ;5521988887777;\n\
                    Letras;55 11 9999 ramal 2;\n";
        let (rows, skipped) = read_rows(file.as_bytes()).unwrap_or_default();
        assert_eq!(skipped, 2);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "Ana");
        assert_eq!(rows[0].number.as_str(), "5511999998888");
        assert_eq!(rows[0].email.as_deref(), Some("ana@x.com"));
        assert_eq!(
            rows[1].name, "5521988887777",
            "name falls back to the number"
        );
    }

    #[test]
    fn a_file_without_a_number_column_is_refused() {
        assert!(read_rows(b"a,b\n1,2\n").is_err());
        assert!(read_rows(b"").is_err());
        assert!(read_rows(b"\n\n").is_err());
    }

    #[test]
    fn header_only_is_an_empty_import() {
        assert_eq!(read_rows(b"name,number\n").ok().map(|r| r.0.len()), Some(0));
    }
}
