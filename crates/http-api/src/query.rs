//! Query strings as the reference client sends them: arrays as `name[]=a&name[]=b`, also plain
//! repeats `name=a&name=b` and single values, the literal text `null` for "no value", and
//! booleans as `true`/`false`. `serde_urlencoded` cannot read repeats, so this is our own.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::str::FromStr;

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use chrono::NaiveDate;

use crate::error::{ApiError, ApiResult};

/// Every `name=value` pair of the request's query string, decoded.
#[derive(Debug, Clone, Default)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

/// Longest accepted text of one query value.
const MAX_VALUE_CHARS: usize = 1_000;

impl QueryParams {
    /// Parses a raw query string.
    pub fn parse(raw: &str) -> Self {
        let pairs = form_urlencoded::parse(raw.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self { pairs }
    }

    fn matches(key: &str, name: &str) -> bool {
        if key == name {
            return true;
        }
        // `name[]` and indexed `name[0]` forms.
        key.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('['))
            .and_then(|rest| rest.strip_suffix(']'))
            .is_some_and(|inner| inner.chars().all(|c| c.is_ascii_digit()))
    }

    /// Every value of `name` (all spellings), without empty values and the text `null`.
    pub fn many(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| Self::matches(k, name))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty() && *v != "null" && *v != "undefined")
            .collect()
    }

    /// The last value of `name`, unless absent, empty or `null`.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.many(name).last().copied()
    }

    /// A text filter: trimmed, `None` when blank; refused when absurdly long.
    pub fn text(&self, name: &str) -> ApiResult<Option<String>> {
        match self.one(name).map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) if v.chars().count() > MAX_VALUE_CHARS => Err(ApiError::bad_request(
                "ERR_INVALID_QUERY",
                format!("{name} is longer than {MAX_VALUE_CHARS} characters"),
            )),
            other => Ok(other.map(str::to_owned)),
        }
    }

    /// A boolean: `true`/`false` (also `1`/`0`); absent, empty or `null` is `None`.
    pub fn flag(&self, name: &str) -> ApiResult<Option<bool>> {
        match self.one(name) {
            None => Ok(None),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(other) => Err(ApiError::bad_request(
                "ERR_INVALID_QUERY",
                format!("{name} must be true or false, not {other:?}"),
            )),
        }
    }

    /// A parsed value of `name`, `None` when absent.
    pub fn parsed<T: FromStr>(&self, name: &str) -> ApiResult<Option<T>> {
        self.one(name)
            .map(|v| {
                v.trim().parse::<T>().map_err(|_| {
                    ApiError::bad_request("ERR_INVALID_QUERY", format!("invalid {name}: {v:?}"))
                })
            })
            .transpose()
    }

    /// Every value of `name`, parsed (ids in arrays).
    pub fn parsed_many<T: FromStr>(&self, name: &str) -> ApiResult<Vec<T>> {
        self.many(name)
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<T>().map_err(|_| {
                    ApiError::bad_request("ERR_INVALID_QUERY", format!("invalid {name}: {v:?}"))
                })
            })
            .collect()
    }

    /// The 1-based page number (`pageNumber`); absent is 1, anything but a positive integer
    /// is refused.
    pub fn page_number(&self) -> ApiResult<u64> {
        match self.one("pageNumber") {
            None => Ok(1),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
                _ => Err(ApiError::bad_request(
                    "ERR_INVALID_PAGE",
                    format!("pageNumber must be a positive integer, not {v:?}"),
                )),
            },
        }
    }

    /// A calendar date in `yyyy-MM-dd`.
    pub fn date(&self, name: &str) -> ApiResult<Option<NaiveDate>> {
        self.one(name)
            .map(|v| {
                NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
                    ApiError::bad_request(
                        "ERR_INVALID_DATE",
                        format!("{name} must be a date as yyyy-MM-dd, not {v:?}"),
                    )
                })
            })
            .transpose()
    }
}

impl FromRequest for QueryParams {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Ok(QueryParams::parse(req.query_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bracket_arrays_plain_repeats_and_single_values() {
        let q = QueryParams::parse("status[]=open&status[]=pending&q=1&q=2&one=x&idx[0]=5");
        assert_eq!(q.many("status"), vec!["open", "pending"]);
        assert_eq!(q.many("q"), vec!["1", "2"]);
        assert_eq!(q.many("one"), vec!["x"]);
        assert_eq!(q.many("idx"), vec!["5"]);
        assert!(q.many("stat").is_empty());
    }

    #[test]
    fn null_and_empty_mean_absent() {
        let q = QueryParams::parse("isActive=null&searchParam=&x=undefined");
        assert_eq!(q.flag("isActive").ok(), Some(None));
        assert_eq!(q.text("searchParam").ok(), Some(None));
        assert_eq!(q.one("x"), None);
    }

    #[test]
    fn page_numbers_must_be_positive_integers() {
        assert_eq!(QueryParams::parse("").page_number().ok(), Some(1));
        assert_eq!(
            QueryParams::parse("pageNumber=3").page_number().ok(),
            Some(3)
        );
        for bad in ["0", "-1", "abc", "1.5"] {
            let q = QueryParams::parse(&format!("pageNumber={bad}"));
            assert_eq!(
                q.page_number().map_err(|e| e.code()).err(),
                Some("ERR_INVALID_PAGE")
            );
        }
    }

    #[test]
    fn typed_values_are_checked() {
        let q = QueryParams::parse("ids[]=1&ids[]=2,3&bad[]=x&flag=maybe&d=2026-02-30");
        assert_eq!(q.parsed_many::<i32>("ids").ok(), Some(vec![1, 2, 3]));
        assert!(q.parsed_many::<i32>("bad").is_err());
        assert!(q.flag("flag").is_err());
        assert!(q.date("d").is_err());
    }
}
