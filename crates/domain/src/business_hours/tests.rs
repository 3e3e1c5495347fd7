//! Unit tests of the parent module.

use chrono::NaiveDate;
use serde_json::json;

use super::*;

/// 2024-06-02 was a Sunday, so day `d` of that week is 2024-06-(02 + d).
fn at(day: u8, h: u32, m: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 6, 2 + u32::from(day))
        .and_then(|d| d.and_hms_opt(h, m, s))
        .unwrap_or_default()
}

fn entry(day: u8, t: DayType, hours: [&str; 4]) -> DayHours {
    DayHours {
        day,
        label: format!("day {day}"),
        r#type: t,
        hr1: hours[0].into(),
        hr2: hours[1].into(),
        hr3: hours[2].into(),
        hr4: hours[3].into(),
    }
}

fn hours_day(day: u8, hours: [&str; 4]) -> BusinessHours {
    BusinessHours(vec![entry(day, DayType::Hours, hours)])
}

fn err_message(r: Result<BusinessHours, DomainError>) -> String {
    match r {
        Err(e) => {
            assert_eq!(e.code(), ERR_INVALID_BUSINESS_HOURS, "{e:?}");
            e.to_string()
        }
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

fn valid_day(day: u64) -> Value {
    json!({"day": day, "label": "Segunda-Feira", "type": "H",
           "hr1": "08:00", "hr2": "12:00", "hr3": "14:00", "hr4": "18:00"})
}

#[test]
fn test_calendar_helper_is_right() {
    assert_eq!(at(0, 0, 0, 0).weekday(), chrono::Weekday::Sun);
    assert_eq!(at(6, 0, 0, 0).weekday(), chrono::Weekday::Sat);
}

#[test]
fn default_message_is_the_seed_text() {
    assert!(DEFAULT_MESSAGE_BUSINESS_HOURS.starts_with("Olá! Fantástico receber seu contato!"));
    assert!(DEFAULT_MESSAGE_BUSINESS_HOURS.contains("ausentes e não poderemos lhe atender, mas"));
    assert!(DEFAULT_MESSAGE_BUSINESS_HOURS.ends_with("Agradecemos muito o contato."));
    assert!(!DEFAULT_MESSAGE_BUSINESS_HOURS.contains('\n'));
}

#[test]
fn default_is_seven_open_days_in_portuguese() {
    let d = BusinessHours::default_all_open();
    assert_eq!(d.days().len(), 7);
    let labels: Vec<&str> = d.days().iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, DEFAULT_LABELS);
    for (i, e) in d.days().iter().enumerate() {
        assert_eq!(usize::from(e.day), i);
        assert_eq!(e.r#type, DayType::Open);
        assert_eq!(
            [&*e.hr1, &*e.hr2, &*e.hr3, &*e.hr4],
            ["08:00", "12:00", "14:00", "18:00"]
        );
    }
    assert_eq!(BusinessHours::new(d.clone().into_days()), Ok(d.clone()));
    for day in 0..7 {
        assert!(d.is_open_at(at(day, 3, 0, 0)));
        assert!(d.is_open_at(at(day, 23, 59, 59)));
    }
}

#[test]
fn serialises_as_the_stored_json() {
    let d = BusinessHours::default_all_open();
    let v = serde_json::to_value(&d).unwrap_or_default();
    assert_eq!(
        v.get(0),
        Some(&json!({"day": 0, "label": "Domingo", "type": "O",
                     "hr1": "08:00", "hr2": "12:00", "hr3": "14:00", "hr4": "18:00"}))
    );
    assert_eq!(
        serde_json::from_value::<BusinessHours>(v.clone()).ok(),
        Some(d.clone())
    );
    assert_eq!(BusinessHours::parse_json(&v), Ok(d));
    let text = serde_json::to_string(&DayType::Hours).unwrap_or_default();
    assert_eq!(text, "\"H\"");
}

#[test]
fn day_type_spellings() {
    for t in [DayType::Open, DayType::Closed, DayType::Hours] {
        assert_eq!(DayType::parse(t.as_str()), Some(t));
        let json = serde_json::to_string(&t).unwrap_or_default();
        assert_eq!(serde_json::from_str::<DayType>(&json).ok(), Some(t));
    }
    for bad in ["o", "h", "X", "", "Open", "OO"] {
        assert_eq!(DayType::parse(bad), None, "{bad}");
        assert!(
            serde_json::from_value::<DayType>(json!(bad)).is_err(),
            "{bad}"
        );
    }
    assert!(serde_json::from_value::<DayType>(json!(1)).is_err());
}

#[test]
fn missing_day_and_open_day_are_open_closed_day_is_closed() {
    let bh = BusinessHours(vec![
        entry(1, DayType::Open, ["08:00", "12:00", "14:00", "18:00"]),
        entry(2, DayType::Closed, ["08:00", "12:00", "14:00", "18:00"]),
    ]);
    assert!(bh.is_open_at(at(0, 3, 0, 0)), "Sunday has no entry");
    assert!(
        bh.is_open_at(at(1, 3, 0, 0)),
        "Monday is O, even outside the ranges"
    );
    assert!(
        !bh.is_open_at(at(2, 10, 0, 0)),
        "Tuesday is C, even inside the ranges"
    );
    assert!(
        BusinessHours(vec![]).is_open_at(at(3, 12, 0, 0)),
        "no entries at all"
    );
}

#[test]
fn hours_day_edges_are_inclusive_at_minute_resolution() {
    let bh = hours_day(3, ["08:00", "12:00", "14:00", "18:00"]);
    let cases = [
        ((7, 59, 59), false),
        ((8, 0, 0), true),
        ((10, 30, 0), true),
        ((12, 0, 0), true),
        ((12, 0, 59), true),
        ((12, 1, 0), false),
        ((13, 0, 0), false),
        ((13, 59, 59), false),
        ((14, 0, 0), true),
        ((18, 0, 30), true),
        ((18, 1, 0), false),
        ((0, 0, 0), false),
        ((23, 59, 59), false),
    ];
    for ((h, m, s), open) in cases {
        assert_eq!(bh.is_open_at(at(3, h, m, s)), open, "{h:02}:{m:02}:{s:02}");
    }
    // another weekday has no entry → open
    assert!(bh.is_open_at(at(4, 13, 0, 0)));
}

#[test]
fn range_up_to_23_59_reaches_midnight() {
    let bh = hours_day(5, ["00:00", "23:59", "00:00", "00:00"]);
    assert!(bh.is_open_at(at(5, 0, 0, 0)));
    assert!(bh.is_open_at(at(5, 23, 59, 59)));
}

#[test]
fn zero_length_ranges_are_empty() {
    let bh = hours_day(2, ["09:00", "17:00", "00:00", "00:00"]);
    assert!(
        !bh.is_open_at(at(2, 0, 0, 0)),
        "00:00–00:00 is switched off"
    );
    assert!(bh.is_open_at(at(2, 9, 0, 0)));
    let none = hours_day(2, ["10:00", "10:00", "15:00", "15:00"]);
    assert!(!none.is_open_at(at(2, 10, 0, 0)));
    assert!(!none.is_open_at(at(2, 15, 0, 30)));
}

#[test]
fn overlapping_ranges_are_a_union() {
    let bh = hours_day(1, ["08:00", "14:00", "12:00", "18:00"]);
    assert!(bh.is_open_at(at(1, 13, 0, 0)));
    assert!(bh.is_open_at(at(1, 17, 0, 0)));
    assert!(!bh.is_open_at(at(1, 19, 0, 0)));
}

#[test]
fn unvalidated_rows_never_panic() {
    let bh = BusinessHours(vec![
        entry(0, DayType::Hours, ["garbage", "12:00", "", "99:99"]),
        entry(1, DayType::Hours, ["12:00", "08:00", "18:00", "14:00"]), // reversed
        entry(9, DayType::Closed, ["", "", "", ""]),                    // impossible day
        entry(2, DayType::Hours, ["08:00", "12:00", "14:00", "18:00"]),
        entry(2, DayType::Closed, ["", "", "", ""]), // duplicate: first wins
        entry(3, DayType::Hours, ["０８:00", "1２:00", "8:00", "08:0"]),
    ]);
    assert!(
        !bh.is_open_at(at(0, 10, 0, 0)),
        "unparsable ranges never match"
    );
    assert!(!bh.is_open_at(at(1, 10, 0, 0)), "reversed ranges are empty");
    assert!(bh.is_open_at(at(2, 10, 0, 0)), "first duplicate wins");
    assert!(!bh.is_open_at(at(3, 10, 0, 0)));
    assert!(bh.is_open_at(at(6, 10, 0, 0)));
    assert!(BusinessHours::new(bh.into_days()).is_err());
}

#[test]
fn parse_accepts_partial_weeks_and_ignores_unknown_keys() {
    let one = json!([{"day": 2, "label": "Terça-Feira", "type": "C", "value": 2,
                      "hr1": "00:00", "hr2": "00:00", "hr3": "23:59", "hr4": "23:59"}]);
    let parsed = BusinessHours::parse_json(&one);
    assert!(
        parsed.as_ref().is_ok_and(|b| b.days().len() == 1),
        "{parsed:?}"
    );
    assert!(
        parsed
            .as_ref()
            .is_ok_and(|b| b.day(2).is_some() && b.day(3).is_none())
    );
    assert_eq!(
        BusinessHours::parse_json(&json!([])),
        Ok(BusinessHours(vec![]))
    );
    let week: Vec<Value> = (0..7).map(valid_day).collect();
    assert!(BusinessHours::parse_json(&Value::Array(week)).is_ok());
}

#[test]
fn parse_rejects_non_arrays_and_bad_items() {
    for v in [
        json!(null),
        json!({}),
        json!("[]"),
        json!(7),
        json!({"day": 0}),
    ] {
        assert!(
            err_message(BusinessHours::parse_json(&v)).contains("array"),
            "{v}"
        );
    }
    for v in [json!([1]), json!([null]), json!([[]]), json!(["O"])] {
        assert!(
            err_message(BusinessHours::parse_json(&v))
                .contains("businessHours[0] must be an object")
        );
    }
    let eight: Vec<Value> = (0..8).map(|d| valid_day(d % 7)).collect();
    assert!(err_message(BusinessHours::parse_json(&Value::Array(eight))).contains("at most 7"));
}

fn with(field: &str, value: Value) -> Value {
    let mut day = valid_day(1);
    if let Some(o) = day.as_object_mut() {
        if value.is_null() {
            o.remove(field);
        } else {
            o.insert(field.to_owned(), value);
        }
    }
    json!([valid_day(0), day])
}

#[test]
fn parse_names_the_bad_field() {
    let cases = [
        ("day", json!(7), "businessHours[1].day"),
        ("day", json!(-1), "businessHours[1].day"),
        ("day", json!(1.5), "businessHours[1].day"),
        ("day", json!(1.0), "businessHours[1].day"),
        ("day", json!("1"), "businessHours[1].day"),
        ("day", json!(u64::MAX), "businessHours[1].day"),
        ("day", Value::Null, "businessHours[1].day"),
        ("day", json!(0), "businessHours[1].day 0 is repeated"),
        ("label", Value::Null, "businessHours[1].label"),
        ("label", json!(""), "businessHours[1].label is required"),
        ("label", json!("   "), "businessHours[1].label is required"),
        ("label", json!(3), "businessHours[1].label"),
        (
            "label",
            json!("x".repeat(256)),
            "businessHours[1].label must be at most",
        ),
        ("type", Value::Null, "businessHours[1].type"),
        (
            "type",
            json!("X"),
            "businessHours[1].type must be one of O, C, H",
        ),
        ("type", json!("o"), "businessHours[1].type"),
        ("type", json!(""), "businessHours[1].type"),
        ("hr1", Value::Null, "businessHours[1].hr1 is not valid"),
        ("hr1", json!("8:00"), "businessHours[1].hr1 is not valid"),
        ("hr2", json!("24:00"), "businessHours[1].hr2 is not valid"),
        ("hr3", json!("12:60"), "businessHours[1].hr3 is not valid"),
        (
            "hr4",
            json!("12:00:00"),
            "businessHours[1].hr4 is not valid",
        ),
        ("hr4", json!("12h00"), "businessHours[1].hr4 is not valid"),
        ("hr1", json!(" 8:00"), "businessHours[1].hr1 is not valid"),
        ("hr1", json!("ab:cd"), "businessHours[1].hr1 is not valid"),
        ("hr1", json!("０８:00"), "businessHours[1].hr1 is not valid"),
        ("hr1", json!(800), "businessHours[1].hr1 is not valid"),
        ("hr1", json!("-1:00"), "businessHours[1].hr1 is not valid"),
        (
            "hr2",
            json!("07:59"),
            "businessHours[1].hr2 must not be earlier than hr1",
        ),
        (
            "hr4",
            json!("13:59"),
            "businessHours[1].hr4 must not be earlier than hr3",
        ),
    ];
    for (field, value, expected) in cases {
        let msg = err_message(BusinessHours::parse_json(&with(field, value.clone())));
        assert!(msg.contains(expected), "{field}={value}: {msg}");
    }
}

#[test]
fn hour_format_edges() {
    assert_eq!(parse_hhmm("00:00"), Some(0));
    assert_eq!(parse_hhmm("23:59"), Some(23 * 60 + 59));
    assert_eq!(parse_hhmm("09:05"), Some(545));
    for bad in [
        "24:00",
        "23:60",
        "99:99",
        "",
        ":",
        "00:0",
        "000:00",
        "00-00",
        "ééééé",
        "0é:00",
    ] {
        assert_eq!(parse_hhmm(bad), None, "{bad}");
    }
}

#[test]
fn new_validates_typed_entries() {
    let ok = vec![entry(
        0,
        DayType::Hours,
        ["08:00", "08:00", "14:00", "18:00"],
    )];
    assert!(BusinessHours::new(ok).is_ok(), "equal bounds are allowed");
    let msg = err_message(BusinessHours::new(vec![entry(
        7,
        DayType::Open,
        ["08:00", "12:00", "14:00", "18:00"],
    )]));
    assert!(msg.contains("businessHours[0].day"));
    let mut blank = entry(0, DayType::Open, ["08:00", "12:00", "14:00", "18:00"]);
    blank.label.clear();
    assert!(err_message(BusinessHours::new(vec![blank])).contains("label"));
}

#[test]
fn shape_only_deserialisation_keeps_legacy_rows_readable() {
    let reversed = json!([{"day": 1, "label": "Seg", "type": "H",
                           "hr1": "12:00", "hr2": "08:00", "hr3": "", "hr4": ""}]);
    let read = serde_json::from_value::<BusinessHours>(reversed.clone());
    assert!(read.is_ok());
    assert!(BusinessHours::parse_json(&reversed).is_err());
    let unknown_type = json!([{"day": 1, "label": "Seg", "type": "Z",
                               "hr1": "", "hr2": "", "hr3": "", "hr4": ""}]);
    assert!(serde_json::from_value::<BusinessHours>(unknown_type).is_err());
}
