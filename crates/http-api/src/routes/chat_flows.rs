//! Chat flows, the bot definitions: client-contract.md §13 (and the bot selector of §8),
//! behaviour.md §3.13 rows 71–74.
//!
//! The client sends two body shapes: `{name, ..., flow: {nodeList, lineList}}` (the contract),
//! and the reference's own, where the body itself is the graph `{name, nodeList, lineList, ...}`.
//! Both are accepted. Node media travel inline as base64 data URLs and are stored as sent
//! (unlike the reference, which wrote them to files): bodies can be several MB, within the
//! JSON limit.

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tiktickets_domain::ids::{ChatFlowId, UserId};
use tiktickets_domain::store::chat_flows::{ChatFlow, ChatFlowInput};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::{Validate, ValidationError};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, validated};
use crate::ids::{IdValue, present};
use crate::state::ApiState;
use crate::views::to_json;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_chat_flows)
        .service(create_chat_flow)
        .service(update_chat_flow)
        .service(delete_chat_flow);
}

/// Row fields the client mixes into a body that is itself the graph; they are columns, so
/// they are not kept inside the stored graph.
const ROW_FIELDS: &[&str] = &[
    "id",
    "userId",
    "action",
    "isActive",
    "isDeleted",
    "isDuplicate",
    "celularTeste",
    "tenantId",
    "createdAt",
    "updatedAt",
];

/// Body of `POST /chat-flow` and `PUT /chat-flow/{id}`. Unknown fields are ignored, except
/// that a body without `flow` but with `nodeList`/`lineList` is taken as the graph itself.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatFlowRequest {
    /// Name, 1 to 255 characters after trimming. Required on create; absent on update keeps it.
    #[validate(custom(function = "flow_name"))]
    pub name: Option<String>,
    /// Test number (digits and `+`; spaces, dashes, dots and parentheses are dropped);
    /// `null` or '' clears it, absent on update keeps it.
    #[serde(default, deserialize_with = "present")]
    #[validate(length(max = 255))]
    #[schema(value_type = Option<String>)]
    pub celular_teste: Option<Option<String>>,
    /// Active flag: `true` when absent on create, unchanged when absent on update.
    pub is_active: Option<bool>,
    /// Author: a user of the caller's tenant (number or numeric text). Absent or `null`: the
    /// caller on create, unchanged on update.
    pub user_id: Option<IdValue>,
    /// The graph `{nodeList: [...], lineList: [...], ...}` (also accepted wrapped once more as
    /// `{flow: {...}}`). Absent on update keeps the stored graph.
    #[schema(value_type = Option<Object>)]
    pub flow: Option<Value>,
    /// The reference's shape: the body itself is the graph.
    #[schema(value_type = Option<Vec<Object>>)]
    pub node_list: Option<Value>,
    /// The reference's shape: the body itself is the graph.
    #[schema(value_type = Option<Vec<Object>>)]
    pub line_list: Option<Value>,
    /// Sent by the client (`null` on create); ignored, the path decides.
    #[schema(value_type = Option<i32>)]
    pub id: Option<Value>,
    /// Sent by the client's dialog; ignored.
    #[schema(value_type = Option<i32>)]
    pub action: Option<Value>,
}

fn flow_name(name: &str) -> Result<(), ValidationError> {
    let chars = name.trim().chars().count();
    if (1..=255).contains(&chars) {
        Ok(())
    } else {
        Err(ValidationError::new("length")
            .with_message("the name must have 1 to 255 characters".into()))
    }
}

/// A body split into its row fields and the graph it carries.
struct ParsedBody {
    fields: ChatFlowRequest,
    /// `flow` of the body, when sent and not `null`.
    wrapped: Option<Value>,
    /// The body without `flow` and the row fields: the graph in the reference's shape.
    inline: Map<String, Value>,
}

impl ParsedBody {
    /// Reads the body: a JSON object, with the field types of [`ChatFlowRequest`].
    fn parse(body: Value) -> ApiResult<Self> {
        let Value::Object(mut map) = body else {
            return Err(ApiError::bad_request(
                "ERR_INVALID_BODY",
                "the body must be a JSON object",
            ));
        };
        // Taken out first so that a multi-MB graph is moved, not copied, by the field parsing.
        let wrapped = map
            .remove("flow")
            .filter(|f| !f.is_null())
            .map(unwrap_nested);
        let rest = Value::Object(map);
        let fields = ChatFlowRequest::deserialize(&rest).map_err(|e| {
            ApiError::bad_request("ERR_INVALID_BODY", format!("invalid field: {e}"))
        })?;
        let fields = validated(fields)?;
        let Value::Object(mut inline) = rest else {
            return Err(ApiError::Internal(
                "the body stopped being an object".into(),
            ));
        };
        for key in ROW_FIELDS {
            inline.remove(*key);
        }
        Ok(Self {
            fields,
            wrapped,
            inline,
        })
    }

    /// The graph of a new flow: `flow`, else the body itself.
    fn graph_for_create(&mut self) -> Value {
        self.wrapped
            .take()
            .unwrap_or_else(|| Value::Object(std::mem::take(&mut self.inline)))
    }

    /// The new graph of an edited flow: `flow`, else the body if it carries a graph, else none
    /// (the list dialog sends only the row fields; the stored graph stays).
    fn graph_for_update(&mut self) -> Option<Value> {
        if let Some(flow) = self.wrapped.take() {
            return Some(flow);
        }
        let carries_graph =
            self.inline.contains_key("nodeList") || self.inline.contains_key("lineList");
        carries_graph.then(|| Value::Object(std::mem::take(&mut self.inline)))
    }

    fn user_id(&self) -> ApiResult<Option<UserId>> {
        match &self.fields.user_id {
            Some(v) => Ok(v.get("userId")?.map(UserId::new)),
            None => Ok(None),
        }
    }
}

/// `{flow: {nodeList, ...}}` sent as `flow` (behaviour.md §3.13 row 73) is unwrapped once.
fn unwrap_nested(flow: Value) -> Value {
    match flow {
        Value::Object(mut obj)
            if !obj.contains_key("nodeList") && obj.get("flow").is_some_and(Value::is_object) =>
        {
            obj.remove("flow").unwrap_or_default()
        }
        other => other,
    }
}

/// A test number as typed: trimmed, common formatting dropped; '' means none.
fn celular_teste(raw: Option<String>) -> Option<String> {
    let cleaned: String = raw?
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '(' | ')' | '.'))
        .collect();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// The name as stored (trimmed).
fn trimmed(name: &str) -> String {
    name.trim().to_owned()
}

/// The chat flows of the caller's tenant that are not deleted, by name:
/// `{chatFlow: [{id, name, flow, isActive, celularTeste, userId, ...}]}`.
#[utoipa::path(
    tag = "chat-flow",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{chatFlow: [rows]}`; rows `{id, name, flow, isActive, isDeleted, celularTeste, userId, tenantId, createdAt, updatedAt}`", body = Object),
    )
)]
#[get("/chat-flow")]
async fn list_chat_flows(state: web::Data<ApiState>, auth: Auth) -> ApiResult<HttpResponse> {
    let flows = state.stores.chat_flows.list(&auth.cx).await?;
    let rows = flows.iter().map(to_json).collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(json!({ "chatFlow": rows })))
}

/// Creates a flow (admins). The graph is `flow`, or the body itself when it has no `flow`.
#[utoipa::path(
    tag = "chat-flow",
    security(("bearer" = [])),
    request_body = ChatFlowRequest,
    responses(
        (status = 200, description = "The created row", body = Object),
        (status = 400, description = "Malformed body, graph or test number", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "userId is not a user of the tenant", body = ErrorBody),
        (status = 422, description = "Missing or invalid name", body = ErrorBody),
    )
)]
#[post("/chat-flow")]
async fn create_chat_flow(
    state: web::Data<ApiState>,
    auth: Auth,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let mut body = ParsedBody::parse(body.into_inner())?;
    let Some(name) = body.fields.name.as_deref().map(trimmed) else {
        return Err(ApiError::unprocessable("ERR_VALIDATION", "name: required"));
    };
    let input = ChatFlowInput {
        name,
        flow: body.graph_for_create(),
        is_active: body.fields.is_active.unwrap_or(true),
        celular_teste: celular_teste(body.fields.celular_teste.take().flatten()),
        user_id: body.user_id()?.or(auth.cx.user_id()),
    };
    let flow = state.stores.chat_flows.create(&auth.cx, input).await?;
    Ok(HttpResponse::Ok().json(to_json(&flow)?))
}

/// The full new state of `current`: what the body sends replaces, the rest stays.
fn overlay(mut body: ParsedBody, current: ChatFlow) -> ApiResult<ChatFlowInput> {
    let user_id = body.user_id()?.or(current.user_id);
    let flow = body.graph_for_update().unwrap_or(current.flow);
    let fields = body.fields;
    Ok(ChatFlowInput {
        name: fields.name.as_deref().map_or(current.name, trimmed),
        flow,
        is_active: fields.is_active.unwrap_or(current.is_active),
        celular_teste: match fields.celular_teste {
            Some(sent) => celular_teste(sent),
            None => current.celular_teste,
        },
        user_id,
    })
}

/// Edits a flow (admins): the list dialog sends the row fields only (the graph stays), the
/// builder the whole record with `flow` (the graph is replaced).
#[utoipa::path(
    tag = "chat-flow",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Chat flow id")),
    request_body = ChatFlowRequest,
    responses(
        (status = 200, description = "The updated row", body = Object),
        (status = 400, description = "Malformed body, graph or test number", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such flow (or userId) in the caller's tenant", body = ErrorBody),
        (status = 422, description = "Invalid name", body = ErrorBody),
    )
)]
#[put("/chat-flow/{id}")]
async fn update_chat_flow(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let body = ParsedBody::parse(body.into_inner())?;
    let id = ChatFlowId::new(path.into_inner());
    let current = state.stores.chat_flows.get(&auth.cx, id).await?;
    let input = overlay(body, current)?;
    let flow = state.stores.chat_flows.update(&auth.cx, id, input).await?;
    Ok(HttpResponse::Ok().json(to_json(&flow)?))
}

/// Deletes a flow (admins; the reference let any user do it): it is marked deleted and
/// inactive, and disappears from the list.
#[utoipa::path(
    tag = "chat-flow",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Chat flow id")),
    responses(
        (status = 200, description = "`{message: \"Flow deleted\"}`", body = Object),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such flow in the caller's tenant", body = ErrorBody),
    )
)]
#[delete("/chat-flow/{id}")]
async fn delete_chat_flow(
    state: web::Data<ApiState>,
    auth: Auth,
    path: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    auth.require_admin()?;
    let id = ChatFlowId::new(path.into_inner());
    state.stores.chat_flows.delete(&auth.cx, id).await?;
    Ok(HttpResponse::Ok().json(json!({"message": "Flow deleted"})))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> ParsedBody {
        ParsedBody::parse(v).unwrap_or_else(|e| panic!("parse: {e}"))
    }

    #[test]
    fn the_graph_is_flow_or_the_body_itself() {
        let mut wrapped = parse(json!({"name": "A", "flow": {"nodeList": [1], "lineList": []}}));
        assert_eq!(
            wrapped.graph_for_create(),
            json!({"nodeList": [1], "lineList": []})
        );
        let mut inline = parse(json!({
            "name": "A", "nodeList": [], "lineList": [], "id": null, "userId": 1,
            "action": 0, "isActive": true, "celularTeste": ""
        }));
        assert_eq!(
            inline.graph_for_create(),
            json!({"name": "A", "nodeList": [], "lineList": []})
        );
        let mut nested = parse(json!({"flow": {"flow": {"nodeList": []}}}));
        assert_eq!(nested.graph_for_update(), Some(json!({"nodeList": []})));
        let mut odd = parse(json!({"flow": {"flow": "x", "lineList": []}}));
        assert_eq!(
            odd.graph_for_update(),
            Some(json!({"flow": "x", "lineList": []})),
            "only an object is unwrapped"
        );
        let mut dialog = parse(json!({"name": "A", "isActive": false, "flow": null}));
        assert_eq!(dialog.graph_for_update(), None);
    }

    #[test]
    fn test_numbers_lose_their_formatting() {
        assert_eq!(
            celular_teste(Some(" +55 (11) 98765-4321 ".into())),
            Some("+5511987654321".into())
        );
        assert_eq!(celular_teste(Some("  ".into())), None);
        assert_eq!(celular_teste(None), None);
    }

    #[test]
    fn bodies_that_are_not_objects_or_have_wrong_types_are_refused() {
        for bad in [
            json!([]),
            json!("x"),
            json!({"name": 7}),
            json!({"isActive": "yes"}),
            json!({"userId": "abc"}),
        ] {
            assert!(ParsedBody::parse(bad.clone()).is_err(), "{bad}");
        }
    }
}
