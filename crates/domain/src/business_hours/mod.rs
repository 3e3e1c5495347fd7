//! A tenant's business hours (`Tenants.businessHours`, data-model.md §2.11) and rule H-1
//! (§7.7): is the tenant open when a message arrives?
//!
//! The JSON shape is the reference's, byte for byte: an array of
//! `{day, label, type, hr1, hr2, hr3, hr4}` objects, `day` 0 (Sunday) to 6 (Saturday), `type`
//! `O` (open all day), `C` (closed all day) or `H` (open inside hr1–hr2 and hr3–hr4), times
//! `HH:mm`.
//!
//! Time is always a parameter: the caller converts the message's instant to the tenant's local
//! time and passes a [`chrono::NaiveDateTime`].

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::DomainError;

/// Error code of every refusal in this module.
pub const ERR_INVALID_BUSINESS_HOURS: &str = "ERR_INVALID_BUSINESS_HOURS";

/// The away text every tenant starts with (`Tenants.messageBusinessHours`, data-model.md §6.1).
pub const DEFAULT_MESSAGE_BUSINESS_HOURS: &str = "Olá! Fantástico receber seu contato! No momento estamos ausentes e não poderemos lhe atender, mas vamos priorizar seu atendimento e retornaremos logo mais. Agradecemos muito o contato.";

/// Longest accepted `label`, in characters.
pub const MAX_LABEL_CHARS: usize = 255;

/// How a weekday is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DayType {
    /// `"O"`: open all day.
    #[serde(rename = "O")]
    Open,
    /// `"C"`: closed all day.
    #[serde(rename = "C")]
    Closed,
    /// `"H"`: open only inside hr1–hr2 and hr3–hr4.
    #[serde(rename = "H")]
    Hours,
}

impl DayType {
    /// The stored spelling: `O`, `C` or `H`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DayType::Open => "O",
            DayType::Closed => "C",
            DayType::Hours => "H",
        }
    }

    /// Parses the stored spelling; anything but `O`, `C`, `H` (case matters) is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "O" => Some(DayType::Open),
            "C" => Some(DayType::Closed),
            "H" => Some(DayType::Hours),
            _ => None,
        }
    }
}

/// One weekday's entry of `Tenants.businessHours`.
///
/// The fields are public for building and reading; only [`BusinessHours::new`] and
/// [`BusinessHours::parse_json`] guarantee they are valid. [`BusinessHours::is_open_at`] copes
/// with invalid values without panicking (see there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours {
    /// Weekday: 0 = Sunday ... 6 = Saturday.
    pub day: u8,
    /// Display name of the day, e.g. `Segunda-Feira`.
    pub label: String,
    /// How the day is handled.
    #[serde(rename = "type")]
    pub r#type: DayType,
    /// Start of the first range, `HH:mm`.
    pub hr1: String,
    /// End of the first range, `HH:mm`.
    pub hr2: String,
    /// Start of the second range, `HH:mm`.
    pub hr3: String,
    /// End of the second range, `HH:mm`.
    pub hr4: String,
}

/// A tenant's weekly business hours: at most one entry per weekday, in the order given.
///
/// Serialises as the bare JSON array stored in `Tenants.businessHours`. Deserialising checks
/// only the shape (types and the `O`/`C`/`H` spelling), so rows written by the reference system
/// stay readable; input from clients goes through [`BusinessHours::parse_json`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BusinessHours(Vec<DayHours>);

const DEFAULT_LABELS: [&str; 7] = [
    "Domingo",
    "Segunda-Feira",
    "Terça-Feira",
    "Quarta-Feira",
    "Quinta-Feira",
    "Sexta-Feira",
    "Sábado",
];

impl BusinessHours {
    /// Validates typed entries: `day` 0..=6 and not repeated, non-empty `label` of at most
    /// [`MAX_LABEL_CHARS`] characters, all four hours `HH:mm` (00–23, 00–59), `hr1 <= hr2` and
    /// `hr3 <= hr4` (for every day type, as the client always sends all four). Fewer than seven
    /// entries is allowed: a missing weekday counts as open (rule H-1).
    pub fn new(days: Vec<DayHours>) -> Result<Self, DomainError> {
        let mut seen = BTreeSet::new();
        for (i, d) in days.iter().enumerate() {
            if d.day > 6 {
                return Err(invalid(format!(
                    "businessHours[{i}].day must be an integer from 0 (Sunday) to 6 (Saturday)"
                )));
            }
            if !seen.insert(d.day) {
                return Err(invalid(format!(
                    "businessHours[{i}].day {} is repeated",
                    d.day
                )));
            }
            check_label(i, &d.label)?;
            let [h1, h2, h3, h4] = [
                ("hr1", &d.hr1),
                ("hr2", &d.hr2),
                ("hr3", &d.hr3),
                ("hr4", &d.hr4),
            ]
            .map(|(name, v)| {
                parse_hhmm(v).ok_or_else(|| {
                    invalid(format!(
                        "businessHours[{i}].{name} is not valid: expected HH:mm"
                    ))
                })
            });
            let (h1, h2, h3, h4) = (h1?, h2?, h3?, h4?);
            if h1 > h2 {
                return Err(invalid(format!(
                    "businessHours[{i}].hr2 must not be earlier than hr1"
                )));
            }
            if h3 > h4 {
                return Err(invalid(format!(
                    "businessHours[{i}].hr4 must not be earlier than hr3"
                )));
            }
        }
        Ok(Self(days))
    }

    /// Parses and validates the body of `PUT /tenants/business-hours`: a JSON array of day
    /// objects. Each needs an integer `day` (a JSON integer, not a string or a float), strings
    /// `label` and `type` (`O`, `C` or `H`) and strings `hr1`..`hr4`; unknown keys are ignored.
    /// Then the rules of [`BusinessHours::new`] apply. Every refusal is
    /// `ERR_INVALID_BUSINESS_HOURS` with a message naming the field, e.g.
    /// `businessHours[2].hr1 is not valid: expected HH:mm`.
    pub fn parse_json(value: &Value) -> Result<Self, DomainError> {
        let Some(items) = value.as_array() else {
            return Err(invalid("businessHours must be an array of days"));
        };
        if items.len() > 7 {
            return Err(invalid("businessHours must have at most 7 days"));
        }
        let mut days = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let Some(obj) = item.as_object() else {
                return Err(invalid(format!("businessHours[{i}] must be an object")));
            };
            let day = obj
                .get("day")
                .and_then(Value::as_u64)
                .filter(|d| *d <= 6)
                .and_then(|d| u8::try_from(d).ok())
                .ok_or_else(|| {
                    invalid(format!(
                        "businessHours[{i}].day must be an integer from 0 (Sunday) to 6 (Saturday)"
                    ))
                })?;
            let label = required_str(obj, i, "label")?;
            let type_text = required_str(obj, i, "type")?;
            let r#type = DayType::parse(type_text).ok_or_else(|| {
                invalid(format!("businessHours[{i}].type must be one of O, C, H"))
            })?;
            let hr = |name: &str| -> Result<String, DomainError> {
                match obj.get(name).and_then(Value::as_str) {
                    Some(s) if parse_hhmm(s).is_some() => Ok(s.to_owned()),
                    _ => Err(invalid(format!(
                        "businessHours[{i}].{name} is not valid: expected HH:mm"
                    ))),
                }
            };
            days.push(DayHours {
                day,
                label: label.to_owned(),
                r#type,
                hr1: hr("hr1")?,
                hr2: hr("hr2")?,
                hr3: hr("hr3")?,
                hr4: hr("hr4")?,
            });
        }
        Self::new(days)
    }

    /// The hours every new tenant gets (the reference seed, data-model.md §6.1): all seven days
    /// `O`, with 08:00/12:00/14:00/18:00 filled in, labels in Portuguese starting with Domingo.
    pub fn default_all_open() -> Self {
        Self(
            (0u8..)
                .zip(DEFAULT_LABELS)
                .map(|(day, label)| DayHours {
                    day,
                    label: label.to_owned(),
                    r#type: DayType::Open,
                    hr1: "08:00".to_owned(),
                    hr2: "12:00".to_owned(),
                    hr3: "14:00".to_owned(),
                    hr4: "18:00".to_owned(),
                })
                .collect(),
        )
    }

    /// The entries, in stored order.
    pub fn days(&self) -> &[DayHours] {
        &self.0
    }

    /// The entry for a weekday (0 = Sunday). If a stored row repeats a day, the first entry
    /// wins, as in the reference.
    pub fn day(&self, weekday: u8) -> Option<&DayHours> {
        self.0.iter().find(|d| d.day == weekday)
    }

    /// Rule H-1: is the tenant open at this local date and time?
    ///
    /// Take the entry for the weekday; no entry or `O` → open; `C` → closed; `H` → open iff the
    /// time falls inside hr1–hr2 or hr3–hr4.
    ///
    /// Bounds, decided explicitly: times are compared at **minute** resolution (seconds are
    /// ignored) and both ends of a range are **inclusive**, so `08:00–12:00` is open from
    /// 08:00:00 through 12:00:59 and `08:00–23:59` reaches midnight. A range whose start equals
    /// its end (`00:00–00:00`) is **empty**: clients use it to switch a range off. This matches
    /// the reference (an inclusive interval of whole minutes) except for the zero-length case,
    /// which the reference treats as open for one instant.
    ///
    /// A range holding an unparsable time (possible only for rows that bypassed validation)
    /// never matches.
    pub fn is_open_at(&self, local: NaiveDateTime) -> bool {
        // num_days_from_sunday() is 0..=6, so the conversion cannot fail.
        let weekday = u8::try_from(local.weekday().num_days_from_sunday()).unwrap_or(u8::MAX);
        let Some(entry) = self.day(weekday) else {
            return true;
        };
        match entry.r#type {
            DayType::Open => true,
            DayType::Closed => false,
            DayType::Hours => {
                let minute = local.hour() * 60 + local.minute();
                in_range(minute, &entry.hr1, &entry.hr2) || in_range(minute, &entry.hr3, &entry.hr4)
            }
        }
    }

    /// The entries, consuming the value.
    pub fn into_days(self) -> Vec<DayHours> {
        self.0
    }
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::invalid(ERR_INVALID_BUSINESS_HOURS, message)
}

fn required_str<'a>(
    obj: &'a Map<String, Value>,
    i: usize,
    name: &str,
) -> Result<&'a str, DomainError> {
    obj.get(name).and_then(Value::as_str).ok_or_else(|| {
        invalid(format!(
            "businessHours[{i}].{name} is required and must be a string"
        ))
    })
}

fn check_label(i: usize, label: &str) -> Result<(), DomainError> {
    if label.trim().is_empty() {
        return Err(invalid(format!("businessHours[{i}].label is required")));
    }
    if label.chars().take(MAX_LABEL_CHARS + 1).count() > MAX_LABEL_CHARS {
        return Err(invalid(format!(
            "businessHours[{i}].label must be at most {MAX_LABEL_CHARS} characters"
        )));
    }
    Ok(())
}

/// `HH:mm` (exactly five ASCII characters, 00–23 and 00–59) as minutes since midnight.
fn parse_hhmm(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    let digit = |i: usize| -> Option<u32> { b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0')) };
    let hour = digit(0)? * 10 + digit(1)?;
    let minute = digit(3)? * 10 + digit(4)?;
    (hour <= 23 && minute <= 59).then_some(hour * 60 + minute)
}

/// Inclusive range of whole minutes; empty when start == end, never matches when unparsable.
fn in_range(minute: u32, start: &str, end: &str) -> bool {
    match (parse_hhmm(start), parse_hhmm(end)) {
        (Some(s), Some(e)) => s < e && s <= minute && minute <= e,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
