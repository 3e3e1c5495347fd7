//! Wall-clock time in milliseconds: the unit of run-at scores and lease TTLs.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// A duration in whole milliseconds, saturating (a `u64` beyond `i64::MAX` never occurs for
/// the durations this crate handles).
pub(crate) fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// A timestamp in milliseconds back into a UTC time (the epoch when out of range).
pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
