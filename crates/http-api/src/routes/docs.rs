//! The OpenAPI 3 document (`/api-docs/openapi.json`, generated from the handlers) and the
//! interactive page (`/api-docs`, Swagger UI served from the binary, no CDN).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder};
use utoipa_swagger_ui::SwaggerUi;

/// The document's header and security scheme; paths are added by the route modules.
pub fn base_document() -> OpenApi {
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("TikTickets API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "REST API of TikTickets, compatible with the TikTickets-zing web client. \
                     Authenticate with POST /auth/login and send the token as \
                     `Authorization: Bearer <token>`.",
                ))
                .build(),
        )
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme(
                    "bearer",
                    SecurityScheme::Http(
                        HttpBuilder::new()
                            .scheme(HttpAuthScheme::Bearer)
                            .bearer_format("JWT")
                            .build(),
                    ),
                )
                .build(),
        ))
        .build()
}

/// The JSON document and the Swagger UI page.
pub fn service(openapi: OpenApi) -> SwaggerUi {
    SwaggerUi::new("/api-docs/{_:.*}").url("/api-docs/openapi.json", openapi)
}
