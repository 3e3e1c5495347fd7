//! Uploaded media on disk: `<media_dir>/<tenantId>/<generated name>`. Nothing the client sends
//! becomes part of a path: names are random, extensions come from a fixed list.

use std::path::PathBuf;

use tiktickets_domain::enums::MediaType;
use tiktickets_domain::ids::TenantId;
pub use tiktickets_domain::media_files::media_type_of;
use tiktickets_domain::media_files::{generated_name, is_generated_name, known_extension};

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
        let file_name = generated_name(extension.as_deref());
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
