//! Authentication: signed tokens, the request extractor that turns a bearer token into a
//! [`tiktickets_domain::TenantCtx`], role guards and login throttling.

pub mod extractor;
pub mod passwords;
pub mod session_port;
pub mod throttle;
pub mod tokens;

pub use extractor::{Auth, SuperAdmin};
pub use session_port::ApiAccess;
pub use throttle::LoginThrottle;
pub use tokens::{AccessClaims, RefreshClaims, TokenKeys};
