//! Names of stored media files (`Messages.mediaUrl`), shared by everything that writes media
//! under `<media dir>/<tenantId>/`: a generated name (32 lower-case hex digits) and, when it is
//! one we know, the extension. Only names of this form are ever served back.

use crate::enums::MediaType;

/// Extensions we keep (lower case); anything else is stored without one.
pub const KNOWN_EXTENSIONS: &[&str] = &[
    "txt", "xml", "csv", "jpg", "jpeg", "png", "gif", "webp", "pdf", "doc", "docx", "xls", "xlsx",
    "ppt", "pptx", "mp4", "3gp", "mov", "ogg", "oga", "opus", "mp3", "m4a", "aac", "wav", "rar",
    "zip", "vcf", "json",
];

/// The extension of a file name, if it is one we know.
pub fn known_extension(original: &str) -> Option<String> {
    let ext = original.rsplit_once('.')?.1.to_ascii_lowercase();
    KNOWN_EXTENSIONS.contains(&ext.as_str()).then_some(ext)
}

/// The usual extension of a MIME type, if it is one we know.
pub fn extension_for_mime(mime: &str) -> Option<&'static str> {
    let essence = mime
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    Some(match essence.as_str() {
        "image/jpeg" | "image/jpg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "video/mp4" => "mp4",
        "video/3gpp" => "3gp",
        "video/quicktime" => "mov",
        "audio/ogg" | "application/ogg" => "ogg",
        "audio/opus" => "opus",
        "audio/mpeg" | "audio/mp3" => "mp3",
        "audio/mp4" | "audio/x-m4a" => "m4a",
        "audio/aac" => "aac",
        "audio/wav" | "audio/x-wav" => "wav",
        "application/pdf" => "pdf",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "application/vnd.ms-powerpoint" => "ppt",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "pptx",
        "application/zip" => "zip",
        "application/x-rar-compressed" | "application/vnd.rar" => "rar",
        "application/json" => "json",
        "text/plain" => "txt",
        "text/csv" => "csv",
        "text/xml" | "application/xml" => "xml",
        "text/vcard" | "text/x-vcard" => "vcf",
        _ => return None,
    })
}

/// A new stored-file name with `extension` (one of [`KNOWN_EXTENSIONS`], or none).
pub fn generated_name(extension: Option<&str>) -> String {
    let stem = uuid::Uuid::new_v4().simple().to_string();
    match extension.filter(|e| KNOWN_EXTENSIONS.contains(e)) {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem,
    }
}

/// True for names [`generated_name`] makes (so a name from a request can never reach outside
/// the tenant's folder).
pub fn is_generated_name(name: &str) -> bool {
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

/// The media type of a MIME type (its major part), as the reference stores it; the extension
/// decides when the MIME type says nothing useful.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_are_recognised_and_foreign_ones_are_not() {
        assert!(is_generated_name(&generated_name(Some("png"))));
        assert!(is_generated_name(&generated_name(None)));
        assert!(!generated_name(Some("sh")).contains('.'));
        assert!(is_generated_name("0123456789abcdef0123456789abcdef.png"));
        assert!(!is_generated_name("../0123456789abcdef0123456789abcdef"));
        assert!(!is_generated_name("0123456789ABCDEF0123456789abcdef.png"));
        assert!(!is_generated_name("0123456789abcdef0123456789abcdef.sh"));
        assert!(!is_generated_name("passwd"));
    }

    #[test]
    fn extensions_come_from_names_and_mime_types() {
        assert_eq!(known_extension("photo.JPG").as_deref(), Some("jpg"));
        assert_eq!(known_extension("evil.sh"), None);
        assert_eq!(known_extension("../../etc/passwd"), None);
        assert_eq!(extension_for_mime("image/jpeg"), Some("jpg"));
        assert_eq!(extension_for_mime("audio/ogg; codecs=opus"), Some("ogg"));
        assert_eq!(extension_for_mime("application/x-unknown"), None);
        assert_eq!(media_type_of(Some("audio/ogg"), None), MediaType::Audio);
        assert_eq!(media_type_of(None, Some("pdf")), MediaType::Application);
    }
}
