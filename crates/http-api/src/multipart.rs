//! Multipart form data as the client sends it (messages, fast replies, contact import): text
//! fields and file parts, read with limits.

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::error::{ApiError, ApiResult};

/// One uploaded file, in memory.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// Form field name (`medias`, `file`).
    pub field: String,
    /// The client's file name.
    pub file_name: String,
    /// The declared MIME type.
    pub mime: Option<String>,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// A parsed form.
#[derive(Debug, Clone, Default)]
pub struct Form {
    /// Text fields in order (a name may repeat).
    pub fields: Vec<(String, String)>,
    /// File parts in order.
    pub files: Vec<UploadedFile>,
}

/// Largest text field.
const MAX_TEXT_FIELD: usize = 1024 * 1024;
/// Most parts in one form.
const MAX_PARTS: usize = 50;

impl Form {
    /// Reads a whole form; files over `file_limit` bytes are refused with 413.
    pub async fn read(mut payload: Multipart, file_limit: usize) -> ApiResult<Form> {
        let mut form = Form::default();
        let mut parts = 0usize;
        while let Some(item) = payload.next().await {
            let mut field = item.map_err(|e| {
                ApiError::bad_request("ERR_INVALID_MULTIPART", format!("malformed form: {e}"))
            })?;
            parts += 1;
            if parts > MAX_PARTS {
                return Err(ApiError::bad_request(
                    "ERR_INVALID_MULTIPART",
                    format!("a form may have at most {MAX_PARTS} parts"),
                ));
            }
            let (name, file_name) = match field.content_disposition() {
                Some(cd) => (
                    cd.get_name().unwrap_or_default().to_owned(),
                    cd.get_filename().map(str::to_owned),
                ),
                None => (String::new(), None),
            };
            let mime = field.content_type().map(|m| m.essence_str().to_owned());
            let limit = if file_name.is_some() {
                file_limit
            } else {
                MAX_TEXT_FIELD
            };
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::bad_request("ERR_INVALID_MULTIPART", format!("malformed form: {e}"))
                })?;
                if bytes.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge {
                        message: format!("form field {name:?} is over the limit of {limit} bytes"),
                    });
                }
                bytes.extend_from_slice(&chunk);
            }
            match file_name {
                Some(file_name) => form.files.push(UploadedFile {
                    field: name,
                    file_name,
                    mime,
                    bytes,
                }),
                None => {
                    let text = String::from_utf8(bytes).map_err(|_| {
                        ApiError::bad_request(
                            "ERR_INVALID_MULTIPART",
                            format!("form field {name:?} is not UTF-8 text"),
                        )
                    })?;
                    form.fields.push((name, text));
                }
            }
        }
        Ok(form)
    }

    /// The last value of a text field.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == name || k.strip_suffix("[]") == Some(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a text field (repeats and `name[]`).
    pub fn texts(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name || k.strip_suffix("[]") == Some(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A boolean text field (`true`/`false`), `None` when absent or empty.
    pub fn flag(&self, name: &str) -> ApiResult<Option<bool>> {
        match self.text(name).map(str::trim) {
            None | Some("") | Some("null") | Some("undefined") => Ok(None),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(other) => Err(ApiError::unprocessable(
                "ERR_VALIDATION",
                format!("{name} must be true or false, not {other:?}"),
            )),
        }
    }

    /// File parts of a field.
    pub fn files(&self, field: &str) -> impl Iterator<Item = &UploadedFile> {
        self.files
            .iter()
            .filter(move |f| f.field == field || f.field.strip_suffix("[]") == Some(field))
    }
}
