//! Field checks shared by every write model: lengths that fit the schema's columns, non-empty
//! names. Each failure names the field, so the API can say exactly what to fix.

use crate::error::DomainError;

/// `varchar(255)` columns.
pub const VARCHAR_MAX: usize = 255;
/// `text` columns that hold human text (message bodies, templates): 64 KiB of characters.
pub const TEXT_MAX: usize = 65_536;

/// Requires `value` to have between `min` and `max` characters (after trimming for `min`).
pub fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), DomainError> {
    let chars = value.chars().count();
    if chars > max {
        return Err(DomainError::invalid(
            "ERR_FIELD_TOO_LONG",
            format!("{field} is too long: {chars} characters, at most {max}"),
        ));
    }
    if value.trim().chars().count() < min {
        return Err(DomainError::invalid(
            "ERR_FIELD_REQUIRED",
            format!("{field} must have at least {min} non-blank character(s)"),
        ));
    }
    Ok(())
}

/// A `varchar(255)` that must not be blank.
pub fn name(field: &str, value: &str) -> Result<(), DomainError> {
    length(field, value, 1, VARCHAR_MAX)
}

/// An optional `varchar(255)`.
pub fn opt_varchar(field: &str, value: Option<&str>) -> Result<(), DomainError> {
    value.map_or(Ok(()), |v| length(field, v, 0, VARCHAR_MAX))
}

/// An optional `text` column.
pub fn opt_text(field: &str, value: Option<&str>) -> Result<(), DomainError> {
    value.map_or(Ok(()), |v| length(field, v, 0, TEXT_MAX))
}

/// A count or limit that must not be negative.
pub fn non_negative(field: &str, value: i32) -> Result<(), DomainError> {
    if value < 0 {
        return Err(DomainError::invalid(
            "ERR_INVALID_NUMBER_VALUE",
            format!("{field} must not be negative"),
        ));
    }
    Ok(())
}

/// A plausible e-mail address: one `@`, something on both sides, a dot in the domain, no spaces.
pub fn email(field: &str, value: &str) -> Result<(), DomainError> {
    length(field, value, 3, VARCHAR_MAX)?;
    let ok = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "ERR_INVALID_EMAIL",
            format!("{field} is not a valid e-mail address"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(name("name", &"é".repeat(255)).is_ok());
        let err = name("name", &"é".repeat(256)).expect_err("too long");
        assert_eq!(err.code(), "ERR_FIELD_TOO_LONG");
        assert!(err.to_string().contains("name"));
        assert_eq!(
            name("name", "   ").map_err(|e| e.code()),
            Err("ERR_FIELD_REQUIRED")
        );
    }

    #[test]
    fn emails_are_checked() {
        for ok in ["a@b.co", "admin@tiktickets.local"] {
            assert!(email("email", ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@.co", "a@b.", "a b@c.de", "a@b@c.de",
        ] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn negative_counts_are_refused() {
        assert!(non_negative("maxUsers", 0).is_ok());
        assert!(non_negative("maxUsers", -1).is_err());
    }
}
