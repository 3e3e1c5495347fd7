//! Uploaded media on disk: `<media_dir>/<tenantId>/<generated name>`. Nothing the client sends
//! becomes part of a path: names are random, extensions come from a fixed list.

use std::path::PathBuf;

use tiktickets_domain::enums::MediaType;
use tiktickets_domain::ids::TenantId;

use crate::error::{ApiError, ApiResult};

/// Where media files live.
pub struct MediaStorage {
    root: PathBuf,
    limit: usize,
}

/// A stored upload.
#[derive(Debug, Clone)]
pub struct StoredMedia {
    /// Generated file name (the `mediaUrl` column).
    pub file_name: String,
    /// The client's file name, for display only (message body).
    pub original_name: String,
    /// Kind of medium, from the MIME type.
    pub media_type: MediaType,
}

/// Extensions we keep (lower case); anything else is stored without one.
const KNOWN_EXTENSIONS: &[&str] = &[
    "txt", "xml", "csv", "jpg", "jpeg", "png", "gif", "webp", "pdf", "doc", "docx", "xls", "xlsx",
    "ppt", "pptx", "mp4", "3gp", "mov", "ogg", "oga", "opus", "mp3", "m4a", "aac", "wav", "rar",
    "zip", "vcf", "json",
];

/// The extension of a client file name, if it is one we know.
fn known_extension(original: &str) -> Option<String> {
    let ext = original.rsplit_once('.')?.1.to_ascii_lowercase();
    KNOWN_EXTENSIONS.contains(&ext.as_str()).then_some(ext)
}

/// The media type of a MIME type (its major part), as the reference stores it.
pub fn media_type_of(mime: Option<&str>, extension: Option<&str>) -> MediaType {
    let major = mime.and_then(|m| m.split('/').next()).unwrap_or("");
    match major {
        "image" => MediaType::Image,
        "video" => MediaType::Video,
        "audio" => MediaType::Audio,
        "text" => MediaType::Text,
        _ => match extension {
            Some("jpg" | "jpeg" | "png" | "gif" | "webp") => MediaType::Image,
            Some("mp4" | "3gp" | "mov") => MediaType::Video,
            Some("ogg" | "oga" | "opus" | "mp3" | "m4a" | "aac" | "wav") => MediaType::Audio,
            _ => MediaType::Application,
        },
    }
}

/// True for names this module generates (32 hex digits and an optional known extension).
fn is_generated_name(name: &str) -> bool {
    let (stem, ext) = match name.split_once('.') {
        Some((stem, ext)) => (stem, Some(ext)),
        None => (name, None),
    };
    stem.len() == 32
        && stem
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        && ext.is_none_or(|e| KNOWN_EXTENSIONS.contains(&e))
}

impl MediaStorage {
    /// Media under `root`, files up to `limit` bytes.
    pub fn new(root: PathBuf, limit: usize) -> Self {
        Self { root, limit }
    }

    /// Largest accepted file.
    pub fn limit(&self) -> usize {
        self.limit
    }

    fn tenant_dir(&self, tenant: TenantId) -> PathBuf {
        self.root.join(tenant.get().to_string())
    }

    /// Writes an upload under a new name.
    pub async fn save(
        &self,
        tenant: TenantId,
        original_name: &str,
        mime: Option<&str>,
        bytes: &[u8],
    ) -> ApiResult<StoredMedia> {
        if bytes.len() > self.limit {
            return Err(ApiError::PayloadTooLarge {
                message: format!("the file is over the limit of {} bytes", self.limit),
            });
        }
        let extension = known_extension(original_name);
        let stem = uuid::Uuid::new_v4().simple().to_string();
        let file_name = match &extension {
            Some(ext) => format!("{stem}.{ext}"),
            None => stem,
        };
        let dir = self.tenant_dir(tenant);
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| ApiError::Internal(format!("creating {}: {e}", dir.display())))?;
        let path = dir.join(&file_name);
        tokio::fs::write(&path, bytes)
            .await
            .map_err(|e| ApiError::Internal(format!("writing {}: {e}", path.display())))?;
        let original_name: String = original_name.chars().take(255).collect();
        Ok(StoredMedia {
            file_name,
            original_name,
            media_type: media_type_of(mime, extension.as_deref()),
        })
    }

    /// The path of a stored file of a tenant, if the name is one of ours and it exists.
    pub async fn find(&self, tenant: TenantId, file_name: &str) -> Option<PathBuf> {
        if !is_generated_name(file_name) {
            return None;
        }
        let path = self.tenant_dir(tenant).join(file_name);
        tokio::fs::metadata(&path)
            .await
            .ok()
            .filter(|m| m.is_file())
            .map(|_| path)
    }

    /// Removes a stored file of a tenant (missing files are fine).
    pub async fn remove(&self, tenant: TenantId, file_name: &str) {
        if let Some(path) = self.find(tenant, file_name).await
            && let Err(e) = tokio::fs::remove_file(&path).await
        {
            tracing::warn!(path = %path.display(), error = %e, "could not remove a media file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_generated_names_are_served() {
        assert!(is_generated_name("0123456789abcdef0123456789abcdef.png"));
        assert!(is_generated_name("0123456789abcdef0123456789abcdef"));
        assert!(!is_generated_name("../0123456789abcdef0123456789abcdef"));
        assert!(!is_generated_name(
            "0123456789abcdef0123456789abcdef.png/../x"
        ));
        assert!(!is_generated_name("0123456789ABCDEF0123456789abcdef.png"));
        assert!(!is_generated_name("passwd"));
    }

    #[test]
    fn extensions_come_from_the_known_list() {
        assert_eq!(known_extension("photo.JPG").as_deref(), Some("jpg"));
        assert_eq!(known_extension("evil.sh"), None);
        assert_eq!(known_extension("../../etc/passwd"), None);
        assert_eq!(media_type_of(Some("image/png"), None), MediaType::Image);
        assert_eq!(media_type_of(None, Some("mp3")), MediaType::Audio);
        assert_eq!(
            media_type_of(Some("application/pdf"), Some("pdf")),
            MediaType::Application
        );
    }
}
