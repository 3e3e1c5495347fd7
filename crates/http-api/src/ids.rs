//! Ids as the web client sends them in bodies: JSON numbers, numeric text (`userId` from
//! localStorage), `null`, or `{id}` objects. Deserialising checks the shape; the range is
//! checked by [`IdValue::get`].

use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};

/// One id from a request body.
#[derive(Debug, Clone, PartialEq, ToSchema)]
#[schema(value_type = i32)]
pub struct IdValue(Option<i64>);

impl<'de> Deserialize<'de> for IdValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Text(String),
            Object { id: i64 },
        }
        let raw = Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom("expected an id: a positive integer, numeric text or {id}")
        })?;
        Ok(IdValue(match raw {
            Raw::Number(n) | Raw::Object { id: n } => Some(n),
            Raw::Text(s) => match s.trim() {
                "" | "null" | "undefined" => None,
                t => Some(t.parse::<i64>().map_err(|_| {
                    serde::de::Error::custom(format!("expected a numeric id, not {t:?}"))
                })?),
            },
        }))
    }
}

impl IdValue {
    /// The id as the column type, `None` for empty text; refuses zero, negatives and
    /// overflow with 400.
    pub fn get(&self, field: &str) -> ApiResult<Option<i32>> {
        match self.0 {
            None => Ok(None),
            Some(n) => i32::try_from(n)
                .ok()
                .filter(|v| *v > 0)
                .map(Some)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "ERR_INVALID_BODY",
                        format!("{field} must be a positive integer, not {n}"),
                    )
                }),
        }
    }
}

/// For `Option<Option<T>>` fields: absent stays `None`, `null` becomes `Some(None)`.
pub fn present<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
