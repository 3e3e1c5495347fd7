//! Password hashing: argon2id for every new hash; bcrypt hashes (users imported from the
//! reference system, cost 8) are still accepted at login and flagged for re-hashing.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::DomainError;
use crate::validate;

/// Shortest password accepted for new passwords (the reference requires 5; we ask for 6).
pub const MIN_PASSWORD_LEN: usize = 6;
/// Longest password accepted (argon2 would take more, but nobody types 1 KiB).
pub const MAX_PASSWORD_LEN: usize = 1024;

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    /// Wrong password (or an unreadable hash).
    Mismatch,
    /// Right password, modern hash.
    Valid,
    /// Right password, legacy bcrypt hash: store a fresh argon2id hash.
    ValidNeedsRehash,
}

/// Checks the length rules of a new password.
pub fn validate_new_password(password: &str) -> Result<(), DomainError> {
    validate::length("password", password, MIN_PASSWORD_LEN, MAX_PASSWORD_LEN)
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, DomainError> {
    validate::length("password", password, 1, MAX_PASSWORD_LEN)?;
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| DomainError::Unavailable(format!("password hashing failed: {e}")))
}

/// Checks `password` against a stored argon2id or bcrypt hash.
pub fn verify_password(password: &str, stored: &str) -> PasswordCheck {
    if password.len() > MAX_PASSWORD_LEN {
        return PasswordCheck::Mismatch;
    }
    if stored.starts_with("$argon2") {
        return match Argon2::default().verify_password(password.as_bytes(), stored) {
            Ok(()) => PasswordCheck::Valid,
            Err(_) => PasswordCheck::Mismatch,
        };
    }
    if stored.starts_with("$2") {
        return match bcrypt::verify(password, stored) {
            Ok(true) => PasswordCheck::ValidNeedsRehash,
            _ => PasswordCheck::Mismatch,
        };
    }
    PasswordCheck::Mismatch
}

/// A random password of 20 characters from an unambiguous alphabet (for first-run seeds).
pub fn generate_password() -> Result<String, DomainError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::with_capacity(20);
    while out.len() < 20 {
        let bytes = argon2::password_hash::try_generate_salt()
            .map_err(|e| DomainError::Unavailable(format!("no system randomness: {e}")))?;
        for b in bytes {
            // Rejection sampling keeps every character equally likely.
            let limit = 256 - (256 % ALPHABET.len());
            if usize::from(b) < limit && out.len() < 20 {
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let hash = hash_password("s3cret!").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert_eq!(verify_password("s3cret!", &hash), PasswordCheck::Valid);
        assert_eq!(verify_password("wrong", &hash), PasswordCheck::Mismatch);
    }

    #[test]
    fn bcrypt_hashes_of_the_reference_are_accepted_and_flagged() {
        // A cost-8 bcrypt hash of "123456", as the reference's seed stores it.
        let legacy = bcrypt::hash("123456", 8).expect("bcrypt");
        assert_eq!(
            verify_password("123456", &legacy),
            PasswordCheck::ValidNeedsRehash
        );
        assert_eq!(verify_password("1234567", &legacy), PasswordCheck::Mismatch);
    }

    #[test]
    fn garbage_hashes_and_inputs_never_match_or_panic() {
        for stored in ["", "plain", "$argon2id$broken", "$2b$08$short", "$$$$"] {
            assert_eq!(
                verify_password("x", stored),
                PasswordCheck::Mismatch,
                "{stored}"
            );
        }
        assert_eq!(
            verify_password(&"x".repeat(5000), "$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA"),
            PasswordCheck::Mismatch
        );
        assert!(hash_password("").is_err());
        assert!(validate_new_password("12345").is_err());
        assert!(validate_new_password("123456").is_ok());
    }

    #[test]
    fn generated_passwords_are_random_and_long() {
        let a = generate_password().expect("random");
        let b = generate_password().expect("random");
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
    }
}
