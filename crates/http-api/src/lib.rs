//! actix-web REST API: routes, auth extractor, DTOs, error mapping, OpenAPI.
//!
//! Not built yet: this crate is filled by a later issue.
