//! Long-polling (to be written): until then a polling request is refused with Engine.IO's
//! "Transport unknown" error, which the client reports as a connection error.

use actix_web::HttpResponse;

use crate::transport::engine_error;

/// Answers a long-polling request.
pub fn refuse() -> HttpResponse {
    engine_error(0, "Transport unknown")
}
