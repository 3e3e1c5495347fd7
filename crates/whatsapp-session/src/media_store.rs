//! Media files of WhatsApp messages on disk, `<media dir>/<tenantId>/<generated name>`, the
//! same layout and names the HTTP API serves (domain `media_files`).

use std::path::PathBuf;

use tiktickets_domain::ids::TenantId;
use tiktickets_domain::media_files::{
    extension_for_mime, generated_name, is_generated_name, known_extension,
};

use crate::error::{Result, SessionError};

/// Where media files live.
#[derive(Debug, Clone)]
pub struct MediaStore {
    root: PathBuf,
}

impl MediaStore {
    /// Media under `root`.
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn tenant_dir(&self, tenant: TenantId) -> PathBuf {
        self.root.join(tenant.get().to_string())
    }

    /// Writes a received file under a new name; the extension comes from the MIME type, else
    /// from the sender's file name when it is one we know.
    pub async fn save(
        &self,
        tenant: TenantId,
        bytes: &[u8],
        mimetype: Option<&str>,
        filename: Option<&str>,
    ) -> Result<String> {
        let extension = mimetype
            .and_then(extension_for_mime)
            .map(str::to_owned)
            .or_else(|| filename.and_then(known_extension));
        let name = generated_name(extension.as_deref());
        let dir = self.tenant_dir(tenant);
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| SessionError::Io(format!("creating {}: {e}", dir.display())))?;
        let path = dir.join(&name);
        tokio::fs::write(&path, bytes)
            .await
            .map_err(|e| SessionError::Io(format!("writing {}: {e}", path.display())))?;
        Ok(name)
    }

    /// Reads a stored file of the tenant (an outbound medium).
    pub async fn read(&self, tenant: TenantId, name: &str) -> Result<Vec<u8>> {
        if !is_generated_name(name) {
            return Err(SessionError::Io(format!(
                "{name:?} is not a stored media name"
            )));
        }
        let path = self.tenant_dir(tenant).join(name);
        tokio::fs::read(&path)
            .await
            .map_err(|e| SessionError::Io(format!("reading {}: {e}", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_are_written_per_tenant_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let store = MediaStore::new(dir.path().to_path_buf());
        let tenant = TenantId::from_verified(3);
        let name = store
            .save(tenant, b"bytes", Some("image/png"), Some("x.jpg"))
            .await
            .expect("saved");
        assert!(name.ends_with(".png"));
        assert!(dir.path().join("3").join(&name).is_file());
        assert_eq!(store.read(tenant, &name).await.expect("read"), b"bytes");
        let other = TenantId::from_verified(4);
        assert!(store.read(other, &name).await.is_err());
        assert!(store.read(tenant, "../3/x").await.is_err());
        let named = store
            .save(tenant, b"%PDF", None, Some("report.PDF"))
            .await
            .expect("saved");
        assert!(named.ends_with(".pdf"));
    }
}
