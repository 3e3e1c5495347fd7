//! Password hashing: argon2id for every new hash; bcrypt hashes (users imported from the
//! reference system, cost 8) are still accepted at login and flagged for re-hashing.

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

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
    PasswordEngine::new().hash(password)
}

/// Checks `password` against a stored argon2id or bcrypt hash.
pub fn verify_password(password: &str, stored: &str) -> PasswordCheck {
    PasswordEngine::new().verify(password, stored)
}

fn hashing_failed(e: impl std::fmt::Display) -> DomainError {
    DomainError::Unavailable(format!("password hashing failed: {e}"))
}

/// argon2id hashing and checking that reuses one working memory (19 MiB with the default
/// parameters) across calls. Allocating it per call made glibc's heap keep growing: six logins
/// took a server from 33 MiB to 111 MiB RSS. A long-lived owner (the API's password thread)
/// keeps one engine.
#[derive(Default)]
pub struct PasswordEngine {
    memory: Vec<Block>,
}

impl PasswordEngine {
    /// An engine whose memory is allocated on first use.
    pub fn new() -> Self {
        Self::default()
    }

    fn compute(
        &mut self,
        argon: &Argon2<'_>,
        params: &Params,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), argon2::Error> {
        let blocks = params.block_count();
        if self.memory.len() < blocks {
            self.memory.resize(blocks, Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut self.memory[..blocks])
    }

    /// Hashes a password with argon2id (default parameters) and a random salt: a PHC string.
    pub fn hash(&mut self, password: &str) -> Result<String, DomainError> {
        validate::length("password", password, 1, MAX_PASSWORD_LEN)?;
        let salt = argon2::password_hash::try_generate_salt()
            .map_err(|e| DomainError::Unavailable(format!("no system randomness: {e}")))?;
        let params = Params::default();
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        self.compute(&argon, &params, password.as_bytes(), &salt, &mut out)
            .map_err(hashing_failed)?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(hashing_failed)?,
            salt: Some(Salt::new(&salt).map_err(hashing_failed)?),
            hash: Some(Output::new(&out).map_err(hashing_failed)?),
        };
        Ok(phc.to_string())
    }

    /// Checks `password` against a stored argon2id or bcrypt hash.
    pub fn verify(&mut self, password: &str, stored: &str) -> PasswordCheck {
        if password.len() > MAX_PASSWORD_LEN {
            return PasswordCheck::Mismatch;
        }
        if stored.starts_with("$argon2") {
            return if self.verify_argon2(password, stored) == Some(true) {
                PasswordCheck::Valid
            } else {
                PasswordCheck::Mismatch
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

    /// `None` for an unreadable hash.
    fn verify_argon2(&mut self, password: &str, stored: &str) -> Option<bool> {
        let phc = PasswordHash::new(stored).ok()?;
        let algorithm = Algorithm::try_from(phc.algorithm.as_str()).ok()?;
        let version = match phc.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&phc).ok()?;
        let (salt, expected) = (phc.salt?, phc.hash?);
        let argon = Argon2::new(algorithm, version, params.clone());
        let mut out = vec![0u8; expected.len()];
        self.compute(&argon, &params, password.as_bytes(), &salt, &mut out)
            .ok()?;
        // `Output` compares in constant time.
        Some(Output::new(&out).ok()? == expected)
    }
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
    fn hashes_of_the_argon2_crate_and_ours_are_interchangeable() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let theirs = Argon2::default()
            .hash_password(b"s3cret!")
            .expect("hash")
            .to_string();
        let mut engine = PasswordEngine::new();
        assert_eq!(engine.verify("s3cret!", &theirs), PasswordCheck::Valid);
        assert_eq!(engine.verify("s3cret?", &theirs), PasswordCheck::Mismatch);
        let ours = engine.hash("s3cret!").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("PHC string");
        assert!(
            Argon2::default()
                .verify_password(b"s3cret!", &parsed)
                .is_ok()
        );
        // The engine's memory is reused, not reallocated, across calls.
        let capacity = engine.memory.capacity();
        assert_eq!(engine.verify("s3cret!", &ours), PasswordCheck::Valid);
        assert_eq!(engine.memory.capacity(), capacity);
    }

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
