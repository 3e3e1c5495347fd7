//! Chat-bot flow definitions (`ChatFlow`, behaviour.md §3.13 and §9.1).
//!
//! The flow itself is the builder's JSON graph `{name, nodeList, lineList, ...}`. It is stored
//! as sent: the engine reads only part of it, and the builder needs its layout fields back.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::ctx::TenantCtx;
use crate::error::{DomainError, Result};
use crate::ids::{ChatFlowId, TenantId, UserId};
use crate::validate;

/// Code of a flow JSON that is not a flow graph.
pub const ERR_INVALID_CHAT_FLOW: &str = "ERR_INVALID_CHAT_FLOW";
/// Code of a test number that is not a phone number.
pub const ERR_INVALID_CELULAR_TESTE: &str = "ERR_INVALID_CELULAR_TESTE";
/// Longest `celularTeste`, in characters.
pub const CELULAR_TESTE_MAX: usize = 30;

/// A chat-flow row (`ChatFlow`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatFlow {
    /// Id.
    pub id: ChatFlowId,
    /// Name shown in the list and the bot selectors.
    pub name: String,
    /// The builder's graph `{nodeList, lineList, ...}`, as sent (media inline).
    pub flow: Value,
    /// Active flag (only active flows are assigned to new tickets).
    pub is_active: bool,
    /// Soft-deleted flag (deleted flows are invisible to the store's reads).
    pub is_deleted: bool,
    /// Test number: when set, the bot answers only contacts whose number contains it.
    pub celular_teste: Option<String>,
    /// Author.
    pub user_id: Option<UserId>,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// A flow to create, or the full new state of one.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatFlowInput {
    /// Name (1 to 255 characters after trimming).
    pub name: String,
    /// The graph: a JSON object whose `nodeList` and `lineList`, when present, are arrays.
    pub flow: Value,
    /// Active flag.
    pub is_active: bool,
    /// Test number (digits and `+`, at most [`CELULAR_TESTE_MAX`] characters).
    pub celular_teste: Option<String>,
    /// Author; must be a user of the caller's tenant.
    pub user_id: Option<UserId>,
}

impl ChatFlowInput {
    /// Checks the name, the shape of the graph and the test number.
    pub fn validate(&self) -> Result<()> {
        validate::name("name", &self.name)?;
        check_flow_shape(&self.flow)?;
        if let Some(number) = &self.celular_teste {
            check_celular_teste(number)?;
        }
        Ok(())
    }
}

/// The graph must be an object; its `nodeList` and `lineList` (when present) arrays.
fn check_flow_shape(flow: &Value) -> Result<()> {
    let Some(obj) = flow.as_object() else {
        return Err(DomainError::invalid(
            ERR_INVALID_CHAT_FLOW,
            "flow must be a JSON object with nodeList and lineList arrays",
        ));
    };
    for key in ["nodeList", "lineList"] {
        if obj.get(key).is_some_and(|v| !v.is_array()) {
            return Err(DomainError::invalid(
                ERR_INVALID_CHAT_FLOW,
                format!("flow.{key} must be an array"),
            ));
        }
    }
    Ok(())
}

/// Digits and `+` only, at most [`CELULAR_TESTE_MAX`] characters (empty means "none" and is
/// refused here: callers pass `None` instead).
fn check_celular_teste(number: &str) -> Result<()> {
    let chars = number.chars().count();
    let ok = (1..=CELULAR_TESTE_MAX).contains(&chars)
        && number.chars().all(|c| c.is_ascii_digit() || c == '+');
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            ERR_INVALID_CELULAR_TESTE,
            format!(
                "celularTeste must have 1 to {CELULAR_TESTE_MAX} digits (and optionally +), not {chars} characters of other text"
            ),
        ))
    }
}

/// Chat flows of the caller's tenant. Soft-deleted flows behave as missing.
#[async_trait]
pub trait ChatFlowStore: Send + Sync {
    /// Creates a flow; a `user_id` outside the tenant is `ERR_NO_USER_FOUND`.
    async fn create(&self, cx: &TenantCtx, input: ChatFlowInput) -> Result<ChatFlow>;
    /// One flow; missing or deleted is `ERR_NO_CHAT_FLOW_FOUND`.
    async fn get(&self, cx: &TenantCtx, id: ChatFlowId) -> Result<ChatFlow>;
    /// The flows that are not deleted, by name.
    async fn list(&self, cx: &TenantCtx) -> Result<Vec<ChatFlow>>;
    /// Replaces a flow's fields (the graph included).
    async fn update(
        &self,
        cx: &TenantCtx,
        id: ChatFlowId,
        input: ChatFlowInput,
    ) -> Result<ChatFlow>;
    /// Soft delete: `isActive = false`, `isDeleted = true`.
    async fn delete(&self, cx: &TenantCtx, id: ChatFlowId) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input(flow: Value) -> ChatFlowInput {
        ChatFlowInput {
            name: "Bot".into(),
            flow,
            is_active: true,
            celular_teste: None,
            user_id: None,
        }
    }

    fn code(r: Result<()>) -> &'static str {
        r.map_or_else(|e| e.code(), |()| "OK")
    }

    #[test]
    fn flows_must_be_objects_with_array_lists() {
        assert_eq!(code(input(json!({})).validate()), "OK");
        assert_eq!(
            code(input(json!({"nodeList": [], "lineList": [], "x": 1})).validate()),
            "OK"
        );
        for bad in [
            json!([]),
            json!("flow"),
            json!(null),
            json!(3),
            json!({"nodeList": {}}),
            json!({"nodeList": [], "lineList": "a"}),
        ] {
            assert_eq!(
                code(input(bad.clone()).validate()),
                ERR_INVALID_CHAT_FLOW,
                "{bad}"
            );
        }
    }

    #[test]
    fn names_and_test_numbers_are_checked() {
        let mut i = input(json!({}));
        i.name = "  ".into();
        assert_eq!(code(i.validate()), "ERR_FIELD_REQUIRED");
        i.name = "x".repeat(256);
        assert_eq!(code(i.validate()), "ERR_FIELD_TOO_LONG");
        i.name = "Bot".into();
        for ok in ["5511987654321", "+5511987654321", "1"] {
            i.celular_teste = Some(ok.into());
            assert_eq!(code(i.validate()), "OK", "{ok}");
        }
        for bad in ["", "55 11", "abc", "55-11", &"1".repeat(31)] {
            i.celular_teste = Some(bad.into());
            assert_eq!(code(i.validate()), ERR_INVALID_CELULAR_TESTE, "{bad}");
        }
    }
}
