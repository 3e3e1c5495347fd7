//! Phone-number normalisation (rules C-1 and C-4 of data-model.md §7.1).
//!
//! A contact's `number` column holds digits only for individuals and the raw WhatsApp id for
//! groups. [`normalize`] turns whatever a client, a spreadsheet or WhatsApp Web hands us into one
//! of three identities ([`ContactNumber`]); [`lookup_variants`] lists the stored forms that denote
//! the same person, so that a Brazilian mobile typed with or without its ninth digit resolves to
//! one contact.
//!
//! Everything here is pure and total: no input makes these functions panic.

use std::fmt;
use std::str::FromStr;

use crate::error::DomainError;

/// Error code of every refusal in this module.
pub const ERR_INVALID_NUMBER: &str = "ERR_INVALID_NUMBER";

/// Inputs longer than this many characters (after trimming surrounding whitespace) are refused
/// before any other work.
pub const MAX_RAW_CHARS: usize = 64;

/// Fewest digits an individual number may have after stripping.
pub const MIN_DIGITS: usize = 8;

/// Most digits an individual number may have after stripping (the E.164 maximum).
pub const MAX_DIGITS: usize = 15;

/// The identity of a contact on WhatsApp, as stored in `Contacts.number`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContactNumber {
    /// An individual: digits only, 8 to 15 of them, no `+`, no suffix.
    Phone(String),
    /// A WhatsApp group id kept whole as its identity, suffix included, e.g.
    /// `120363012345678901@g.us` or the legacy `5511999999999-1600000000@g.us`.
    Group(String),
    /// A WhatsApp "linked id" (privacy id that hides the phone number), kept whole as its
    /// identity: `<digits>@lid`.
    Lid(String),
}

impl ContactNumber {
    /// The value stored in `Contacts.number`.
    pub fn as_str(&self) -> &str {
        match self {
            ContactNumber::Phone(s) | ContactNumber::Group(s) | ContactNumber::Lid(s) => s,
        }
    }

    /// True for group chats (`Contacts.isGroup`).
    pub fn is_group(&self) -> bool {
        matches!(self, ContactNumber::Group(_))
    }

    /// True for WhatsApp linked ids (`@lid`), whose digits are not a phone number.
    pub fn is_lid(&self) -> bool {
        matches!(self, ContactNumber::Lid(_))
    }

    /// The stored value, consuming the number.
    pub fn into_string(self) -> String {
        match self {
            ContactNumber::Phone(s) | ContactNumber::Group(s) | ContactNumber::Lid(s) => s,
        }
    }
}

impl fmt::Display for ContactNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ContactNumber {
    type Err = DomainError;

    /// Same as [`normalize`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        normalize(s)
    }
}

/// Normalises a raw number or WhatsApp id into a [`ContactNumber`].
///
/// Accepted forms (surrounding whitespace is ignored; more than [`MAX_RAW_CHARS`] characters is
/// refused):
///
/// - a typed number: every character that is not an ASCII digit is stripped (`+55 (11)
///   99999-8888` → `5511999998888`), *except* that letters and non-ASCII digits of any script
///   refuse the input: silently dropping them could turn `55 11 9999 ramal 2` or a spreadsheet's
///   `5.511999998888E12` into a different, valid-looking number;
/// - an individual WhatsApp id `<number>@c.us` or `<number>@s.whatsapp.net`, optionally with a
///   device part (`<number>:<device>@s.whatsapp.net`, the device is dropped); the number part
///   follows the rule above;
/// - a group id `<digits>@g.us` or legacy `<digits>-<digits>@g.us`, kept whole;
/// - a linked id `<digits>@lid` (optional `:<device>` dropped), kept whole.
///
/// Individual numbers must have [`MIN_DIGITS`]..=[`MAX_DIGITS`] digits after stripping. Suffixes
/// are matched case-insensitively and stored in lower case. Anything else (empty input, no
/// digits, several `@`, another suffix) is `ERR_INVALID_NUMBER`.
///
/// The Brazilian ninth digit is *not* changed here: the number is kept as given (WhatsApp may
/// know the contact by either form). Use [`lookup_variants`] to find the contact.
pub fn normalize(raw: &str) -> Result<ContactNumber, DomainError> {
    let input = raw.trim();
    if input.is_empty() {
        return Err(invalid("number is empty"));
    }
    // `chars().take(..).count()` stops early, so a huge input costs nothing.
    if input.chars().take(MAX_RAW_CHARS + 1).count() > MAX_RAW_CHARS {
        return Err(invalid(format!(
            "number is longer than {MAX_RAW_CHARS} characters"
        )));
    }

    let Some((user, suffix)) = input.split_once('@') else {
        return phone_from_text(input).map(ContactNumber::Phone);
    };
    if suffix.contains('@') {
        return Err(invalid("number contains more than one '@'"));
    }
    let suffix = suffix.to_ascii_lowercase();
    match suffix.as_str() {
        "c.us" | "s.whatsapp.net" => {
            let number = strip_device(user)?;
            phone_from_text(number).map(ContactNumber::Phone)
        }
        "g.us" => {
            if is_group_user_part(user) {
                Ok(ContactNumber::Group(format!("{user}@g.us")))
            } else {
                Err(invalid(
                    "group id must be digits, optionally two digit groups joined by one '-', \
                     before @g.us",
                ))
            }
        }
        "lid" => {
            let digits = strip_device(user)?;
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                Ok(ContactNumber::Lid(format!("{digits}@lid")))
            } else {
                Err(invalid("linked id must be digits before @lid"))
            }
        }
        _ => Err(invalid(
            "unsupported WhatsApp id suffix; expected @c.us, @s.whatsapp.net, @g.us or @lid",
        )),
    }
}

/// The stored-number candidates that denote the same contact as `n`, the number itself first.
///
/// For a Brazilian mobile (country code 55, a valid two-digit area code, then either
/// `9` + 8 digits or 8 digits starting with 6, 7, 8 or 9) the list also holds the other form,
/// with the ninth digit added or removed. Every other number — other countries, Brazilian
/// landlines (subscriber starting 2 to 5), unknown area codes — and every group or linked id has
/// itself as its only variant. Both Brazilian forms of a number therefore yield the same set, so
/// a store that looks a contact up by "number IN variants" finds it whichever form was stored.
pub fn lookup_variants(n: &ContactNumber) -> Vec<String> {
    match n {
        ContactNumber::Phone(digits) => {
            let mut variants = vec![digits.clone()];
            if let Some(other) = brazilian_other_form(digits) {
                variants.push(other);
            }
            variants
        }
        ContactNumber::Group(s) | ContactNumber::Lid(s) => vec![s.clone()],
    }
}

/// The canonical storage form of a Brazilian mobile number: the 13-digit form with the ninth
/// digit (`55` + area code + `9` + 8 digits).
///
/// Since 2016 every Brazilian mobile has nine subscriber digits, so the 13-digit form is the
/// number a person actually has; the 12-digit form survives only in old address books and in
/// the ids WhatsApp assigned to some older accounts. A 12-digit Brazilian mobile therefore gets
/// its `9` inserted after the area code. Anything else — the 13-digit form itself, landlines,
/// other countries, text that is not digits — is returned unchanged. This chooses a *storage*
/// key; it does not say which form WhatsApp itself uses for the account (ask the gateway for
/// that).
pub fn canonical_brazilian(digits: &str) -> String {
    if is_brazilian_mobile_12(digits) {
        let (head, tail) = digits.split_at(4);
        format!("{head}9{tail}")
    } else {
        digits.to_owned()
    }
}

/// Brazilian area codes (DDD) in service, per Anatel's numbering plan.
const BRAZILIAN_AREA_CODES: [u8; 67] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, // São Paulo
    21, 22, 24, 27, 28, // Rio de Janeiro, Espírito Santo
    31, 32, 33, 34, 35, 37, 38, // Minas Gerais
    41, 42, 43, 44, 45, 46, 47, 48, 49, // Paraná, Santa Catarina
    51, 53, 54, 55, // Rio Grande do Sul
    61, 62, 63, 64, 65, 66, 67, 68, 69, // Centre-West, Tocantins, Acre, Rondônia
    71, 73, 74, 75, 77, 79, // Bahia, Sergipe
    81, 82, 83, 84, 85, 86, 87, 88, 89, // North-East
    91, 92, 93, 94, 95, 96, 97, 98, 99, // North, Maranhão
];

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::invalid(ERR_INVALID_NUMBER, message)
}

/// Strips every non-digit from a typed number, refusing letters and non-ASCII digits, and checks
/// the digit count.
fn phone_from_text(text: &str) -> Result<String, DomainError> {
    let mut digits = String::with_capacity(text.len().min(MAX_RAW_CHARS));
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c.is_alphanumeric() {
            return Err(invalid("number must not contain letters"));
        }
    }
    if digits.len() < MIN_DIGITS || digits.len() > MAX_DIGITS {
        return Err(invalid(format!(
            "number must have {MIN_DIGITS} to {MAX_DIGITS} digits, found {}",
            digits.len()
        )));
    }
    Ok(digits)
}

/// Drops a WhatsApp device part (`<user>:<device>`); the device must be digits.
fn strip_device(user: &str) -> Result<&str, DomainError> {
    match user.split_once(':') {
        None => Ok(user),
        Some((number, device))
            if !device.is_empty() && device.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(number)
        }
        Some(_) => Err(invalid("device part of a WhatsApp id must be digits")),
    }
}

/// `<digits>` or `<digits>-<digits>`.
fn is_group_user_part(user: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match user.split_once('-') {
        None => all_digits(user),
        Some((left, right)) => all_digits(left) && all_digits(right),
    }
}

/// `55` + a valid area code, read from the first four ASCII digits.
fn is_brazilian_prefix(digits: &str) -> bool {
    let b = digits.as_bytes();
    if b.len() < 4 || !b.iter().all(u8::is_ascii_digit) || &b[..2] != b"55" {
        return false;
    }
    let area = (b[2] - b'0') * 10 + (b[3] - b'0');
    BRAZILIAN_AREA_CODES.contains(&area)
}

/// A mobile subscriber's first digit (without the ninth digit) is 6, 7, 8 or 9.
fn is_mobile_lead(b: u8) -> bool {
    matches!(b, b'6'..=b'9')
}

/// `55` + area code + 8 digits starting with 6..9.
fn is_brazilian_mobile_12(digits: &str) -> bool {
    digits.len() == 12 && is_brazilian_prefix(digits) && is_mobile_lead(digits.as_bytes()[4])
}

/// `55` + area code + `9` + 8 digits starting with 6..9.
fn is_brazilian_mobile_13(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 13 && is_brazilian_prefix(digits) && b[4] == b'9' && is_mobile_lead(b[5])
}

/// The other form of a Brazilian mobile (ninth digit added or removed), if `digits` is one.
fn brazilian_other_form(digits: &str) -> Option<String> {
    if is_brazilian_mobile_12(digits) {
        Some(canonical_brazilian(digits))
    } else if is_brazilian_mobile_13(digits) {
        let (head, tail) = digits.split_at(4);
        Some(format!("{head}{}", &tail[1..]))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn phone(s: &str) -> ContactNumber {
        ContactNumber::Phone(s.to_owned())
    }

    fn code(r: Result<ContactNumber, DomainError>) -> Option<&'static str> {
        r.err().map(|e| e.code())
    }

    #[test]
    fn strips_formatting_from_typed_numbers() {
        assert_eq!(normalize("+55 (11) 99999-8888"), Ok(phone("5511999998888")));
        assert_eq!(normalize("  5511999998888  "), Ok(phone("5511999998888")));
        assert_eq!(normalize("55.11.99999.8888"), Ok(phone("5511999998888")));
        assert_eq!(normalize("+1 415 555 2671"), Ok(phone("14155552671")));
        assert_eq!(normalize("12345678"), Ok(phone("12345678")));
        assert_eq!(normalize("123456789012345"), Ok(phone("123456789012345")));
    }

    #[test]
    fn accepts_invisible_marks_copied_from_whatsapp() {
        // non-breaking space, left-to-right embedding / pop directional formatting
        assert_eq!(
            normalize("\u{202a}+55\u{a0}11\u{a0}99999-8888\u{202c}"),
            Ok(phone("5511999998888"))
        );
        assert_eq!(normalize("📞 5511999998888"), Ok(phone("5511999998888")));
    }

    #[test]
    fn accepts_individual_whatsapp_ids() {
        assert_eq!(normalize("5511999998888@c.us"), Ok(phone("5511999998888")));
        assert_eq!(
            normalize("5511999998888@s.whatsapp.net"),
            Ok(phone("5511999998888"))
        );
        assert_eq!(normalize("5511999998888@C.US"), Ok(phone("5511999998888")));
        assert_eq!(
            normalize("5511999998888:12@s.whatsapp.net"),
            Ok(phone("5511999998888"))
        );
    }

    #[test]
    fn keeps_group_ids_whole() {
        let g = normalize("120363012345678901@g.us");
        assert_eq!(
            g,
            Ok(ContactNumber::Group("120363012345678901@g.us".into()))
        );
        assert!(g.as_ref().is_ok_and(ContactNumber::is_group));
        assert_eq!(
            normalize("5511999999999-1600000000@g.us"),
            Ok(ContactNumber::Group("5511999999999-1600000000@g.us".into()))
        );
        assert_eq!(
            normalize(" 120363012345678901@G.US "),
            Ok(ContactNumber::Group("120363012345678901@g.us".into()))
        );
    }

    #[test]
    fn keeps_linked_ids_whole() {
        let l = normalize("123456789012345@lid");
        assert_eq!(l, Ok(ContactNumber::Lid("123456789012345@lid".into())));
        assert!(l.as_ref().is_ok_and(|n| n.is_lid() && !n.is_group()));
        assert_eq!(
            normalize("123456789012345:3@lid"),
            Ok(ContactNumber::Lid("123456789012345@lid".into()))
        );
    }

    #[test]
    fn accessors_and_display() {
        let p = phone("5511999998888");
        assert_eq!(p.as_str(), "5511999998888");
        assert_eq!(p.to_string(), "5511999998888");
        assert!(!p.is_group());
        assert!(!p.is_lid());
        assert_eq!(p.into_string(), "5511999998888");
        let g = ContactNumber::Group("1-2@g.us".into());
        assert_eq!(format!("{g}"), "1-2@g.us");
        assert_eq!(
            "5511999998888@c.us".parse::<ContactNumber>(),
            Ok(phone("5511999998888"))
        );
        assert!("abc".parse::<ContactNumber>().is_err());
    }

    #[test]
    fn rejects_bad_numbers_with_the_stable_code() {
        let long = "1".repeat(65);
        let bad = [
            "",
            "   ",
            "abc",
            "letters only",
            "+",
            "()-.",
            "1234567",          // 7 digits
            "1234567890123456", // 16 digits
            long.as_str(),
            "55 11 99999 8888 ramal 2",
            "5.511999998888E12",
            "５５１１９９９９９８８８８", // full-width digits
            "٥٥١١٩٩٩٩٩٨٨٨٨",              // Arabic-Indic digits
            "@c.us",
            "5511999998888@",
            "5511999998888@example.com",
            "5511999998888@c.us@c.us",
            "5511999998888:@s.whatsapp.net",
            "5511999998888:ab@s.whatsapp.net",
            "abc@c.us",
            "@g.us",
            "abc@g.us",
            "-123@g.us",
            "123-@g.us",
            "1--2@g.us",
            "1-2-3@g.us",
            "12 34@g.us",
            "@lid",
            "12a@lid",
            "12:x@lid",
        ];
        for input in bad {
            assert_eq!(
                code(normalize(input)),
                Some(ERR_INVALID_NUMBER),
                "{input:?}"
            );
        }
    }

    #[test]
    fn length_limit_counts_characters_after_trimming() {
        let at_limit = format!("{}{}", " ".repeat(10), "1".repeat(15) + &"-".repeat(49));
        assert_eq!(normalize(&at_limit), Ok(phone(&"1".repeat(15))));
        let over = format!("{}-", "1".repeat(15) + &"-".repeat(49));
        assert_eq!(code(normalize(&over)), Some(ERR_INVALID_NUMBER));
    }

    #[test]
    fn never_panics_on_odd_input() {
        let ten_k = "9".repeat(10_000);
        let ten_k_emoji = "😀".repeat(10_000);
        let ten_k_at = "@".repeat(10_000);
        let odd = [
            "\0",
            "\u{feff}",
            "😀",
            "😀@g.us",
            "日本語",
            "ñ",
            "é5511999998888",
            "!!!###$$$",
            "@",
            "@@",
            ":",
            ":@lid",
            "-@g.us",
            "\u{10ffff}\u{10ffff}",
            "\n\t\r",
            "5511999998888\u{0301}",
            ten_k.as_str(),
            ten_k_emoji.as_str(),
            ten_k_at.as_str(),
        ];
        for input in odd {
            let result = normalize(input);
            if let Ok(n) = &result {
                let _ = lookup_variants(n);
            }
            let _ = canonical_brazilian(input);
        }
        // sanity: some of them are refused
        assert!(normalize(&ten_k).is_err());
        assert!(normalize("😀").is_err());
    }

    fn set(v: Vec<String>) -> BTreeSet<String> {
        v.into_iter().collect()
    }

    #[test]
    fn both_brazilian_forms_give_the_same_variants() {
        for (with_nine, without) in [
            ("5511999998888", "551199998888"),
            ("5531987654321", "553187654321"),
            ("5521966665555", "552166665555"),
            ("5599977776666", "559977776666"),
            ("5561961234567", "556161234567"),
        ] {
            let a = lookup_variants(&phone(with_nine));
            let b = lookup_variants(&phone(without));
            assert_eq!(
                a.first().map(String::as_str),
                Some(with_nine),
                "itself first"
            );
            assert_eq!(b.first().map(String::as_str), Some(without), "itself first");
            assert_eq!(a.len(), 2);
            assert_eq!(set(a), set(b), "{with_nine} / {without}");
        }
    }

    #[test]
    fn normalized_input_forms_meet_in_lookup() {
        let typed = normalize("+55 (31) 98765-4321");
        let from_whatsapp = normalize("553187654321@c.us");
        let (Ok(typed), Ok(from_whatsapp)) = (typed, from_whatsapp) else {
            panic!("both inputs are valid");
        };
        assert_eq!(
            set(lookup_variants(&typed)),
            set(lookup_variants(&from_whatsapp))
        );
    }

    #[test]
    fn landlines_and_unknown_area_codes_have_no_variant() {
        for digits in [
            "551133334444",  // São Paulo landline (starts with 3)
            "553125554444",  // starts with 2
            "552154443333",  // starts with 5
            "5511933334444", // 13 digits but what follows the 9 is a landline lead
            "551099998888",  // area code 10 does not exist
            "552099998888",  // area code 20 does not exist
            "5520999998888", // idem, 13 digits
            "550199998888",  // area code 01
            "5511899998888", // 13 digits without a ninth digit 9
        ] {
            assert_eq!(
                lookup_variants(&phone(digits)),
                vec![digits.to_owned()],
                "{digits}"
            );
        }
    }

    #[test]
    fn other_countries_are_unaffected() {
        for digits in [
            "14155552671",     // USA
            "447911123456",    // UK mobile, 12 digits
            "351912345678",    // Portugal
            "5491123456789",   // Argentina mobile, 13 digits starting 54
            "541199998888",    // Argentina, 12 digits
            "5611999998888",   // Chile-like prefix 56
            "12345678",        // short
            "123456789012345", // 15 digits
        ] {
            assert_eq!(
                lookup_variants(&phone(digits)),
                vec![digits.to_owned()],
                "{digits}"
            );
            assert_eq!(canonical_brazilian(digits), digits);
        }
    }

    #[test]
    fn groups_and_linked_ids_are_their_only_variant() {
        let g = ContactNumber::Group("5511999998888-1600000000@g.us".into());
        assert_eq!(
            lookup_variants(&g),
            vec!["5511999998888-1600000000@g.us".to_owned()]
        );
        let l = ContactNumber::Lid("551199998888@lid".into());
        assert_eq!(lookup_variants(&l), vec!["551199998888@lid".to_owned()]);
    }

    #[test]
    fn canonical_form_is_the_thirteen_digit_one() {
        assert_eq!(canonical_brazilian("551199998888"), "5511999998888");
        assert_eq!(canonical_brazilian("5511999998888"), "5511999998888");
        assert_eq!(canonical_brazilian("553187654321"), "5531987654321");
        assert_eq!(
            canonical_brazilian("551133334444"),
            "551133334444",
            "landline"
        );
        assert_eq!(
            canonical_brazilian("552099998888"),
            "552099998888",
            "no area code 20"
        );
        assert_eq!(canonical_brazilian(""), "");
        assert_eq!(canonical_brazilian("55ab99998888"), "55ab99998888");
        assert_eq!(canonical_brazilian("55éé99998888"), "55éé99998888");
        // both forms canonicalise to the same key
        for n in ["5511999998888", "551199998888"] {
            assert_eq!(canonical_brazilian(n), "5511999998888");
        }
    }

    #[test]
    fn every_area_code_in_the_table_is_well_formed() {
        for area in BRAZILIAN_AREA_CODES {
            assert!((11..=99).contains(&area) && area % 10 != 0, "{area}");
            let twelve = format!("55{area}98887777");
            assert_eq!(canonical_brazilian(&twelve), format!("55{area}998887777"));
        }
    }
}
