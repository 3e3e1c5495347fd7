//! The realtime gateway: a Socket.IO v4 server (Engine.IO protocol 4, Socket.IO protocol 5) on
//! actix-ws at `/socket.io/`, for the reference web client's socket.io-client.
//!
//! Two layers that read alone:
//! - the protocol: [`protocol`] (packet codecs), [`transport`] (WebSocket, long-polling) and
//!   [`connection`] (the Socket.IO state machine of one client);
//! - rooms and events: [`hub`] (local sockets by room), [`rooms`], [`client_events`] (joins,
//!   presence), [`publisher`] (domain events → socket events), [`backplane`] (Redis pub/sub
//!   or in process, so every instance delivers every event) and [`presence`].

pub mod backplane;
pub mod client_events;
pub mod connection;
pub mod gateway;
pub mod hub;
pub mod payloads;
pub mod presence;
pub mod protocol;
pub mod publisher;
pub mod rooms;
pub mod transport;

use actix_web::{HttpRequest, HttpResponse, web};

pub use gateway::{Gateway, GatewayConfig};

/// Mounts `/socket.io/` (with and without the trailing slash).
pub fn configure(cfg: &mut web::ServiceConfig, gateway: Gateway) {
    cfg.app_data(web::Data::new(gateway));
    for path in ["/socket.io", "/socket.io/"] {
        cfg.route(path, web::get().to(engine_io));
        cfg.route(path, web::post().to(engine_io));
    }
}

async fn engine_io(
    gateway: web::Data<Gateway>,
    req: HttpRequest,
    body: web::Payload,
) -> actix_web::Result<HttpResponse> {
    let query = req.query_string();
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    };
    if param("EIO").as_deref() != Some("4") {
        return Ok(transport::engine_error(5, "Unsupported protocol version"));
    }
    let sid = param("sid");
    let gateway = gateway.get_ref().clone();
    match param("transport").as_deref() {
        Some("websocket") => transport::websocket::upgrade(gateway, &req, body, sid.as_deref()),
        Some("polling") => {
            Ok(transport::polling::handle(gateway, &req, body, sid.as_deref()).await)
        }
        _ => Ok(transport::engine_error(0, "Transport unknown")),
    }
}
