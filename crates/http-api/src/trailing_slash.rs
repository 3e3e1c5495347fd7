//! Paths with and without a trailing slash are the same route (the client sends
//! `/settings/:key/`, `/tags/?isActive=`); the API docs page keeps its own slashes.

use std::future::{Ready, ready};

use actix_web::Error;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::Uri;

/// Middleware that removes trailing slashes (and doubled slashes) from request paths.
pub struct TrimTrailingSlash;

impl<S, B> Transform<S, ServiceRequest> for TrimTrailingSlash
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = TrimTrailingSlashService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(TrimTrailingSlashService { service }))
    }
}

/// The service of [`TrimTrailingSlash`].
pub struct TrimTrailingSlashService<S> {
    service: S,
}

fn normalized(path: &str) -> Option<String> {
    if path == "/" || path.starts_with("/api-docs") {
        return None;
    }
    let needs = path.ends_with('/') || path.contains("//");
    if !needs {
        return None;
    }
    let joined: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    Some(format!("/{}", joined.join("/")))
}

impl<S, B> Service<ServiceRequest> for TrimTrailingSlashService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = S::Future;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        if let Some(path) = normalized(req.path()) {
            let uri = req.uri();
            let rebuilt = match uri.query() {
                Some(q) => format!("{path}?{q}"),
                None => path,
            };
            if let Ok(new_uri) = rebuilt.parse::<Uri>() {
                req.match_info_mut().get_mut().update(&new_uri);
                req.head_mut().uri = new_uri;
            }
        }
        self.service.call(req)
    }
}

#[cfg(test)]
mod tests {
    use super::normalized;

    #[test]
    fn trims_trailing_and_double_slashes_except_docs() {
        assert_eq!(normalized("/settings/x/").as_deref(), Some("/settings/x"));
        assert_eq!(normalized("/tags/").as_deref(), Some("/tags"));
        assert_eq!(normalized("//tickets//1").as_deref(), Some("/tickets/1"));
        assert_eq!(normalized("/tickets"), None);
        assert_eq!(normalized("/"), None);
        assert_eq!(normalized("/api-docs/"), None);
    }
}
