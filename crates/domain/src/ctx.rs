//! Who is acting, and for which tenant. Every store method that touches tenant data takes a
//! [`TenantCtx`]; the persistence layer applies its tenant to every query and every insert.

use crate::enums::UserProfile;
use crate::error::DomainError;
use crate::ids::{TenantId, UserId};

/// Who performs an action inside a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// An authenticated user of the tenant.
    User {
        /// The user's id.
        id: UserId,
        /// The user's role at authentication time.
        profile: UserProfile,
    },
    /// The platform itself: workers, periodic tasks, the CLI, inbound sessions.
    System,
}

/// The tenant a piece of work belongs to, and who does it. Its fields are private: it is built
/// only by [`TenantCtx::from_verified`] (authentication) and [`TenantCtx::system`] (workers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantCtx {
    tenant: TenantId,
    actor: Actor,
}

impl TenantCtx {
    /// A user's context, built from *verified* credentials (a signed token, a checked password).
    /// Allowed callers: the HTTP auth extractor, login, and tests.
    pub fn from_verified(tenant: TenantId, user: UserId, profile: UserProfile) -> Self {
        Self {
            tenant,
            actor: Actor::User { id: user, profile },
        }
    }

    /// The platform acting for one tenant: workers (from a job envelope), periodic tasks,
    /// inbound WhatsApp sessions (from the channel row) and the CLI.
    pub fn system(tenant: TenantId) -> Self {
        Self {
            tenant,
            actor: Actor::System,
        }
    }

    /// The tenant all data access is limited to.
    pub fn tenant(&self) -> TenantId {
        self.tenant
    }

    /// Who acts.
    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// The acting user's id, if a user acts.
    pub fn user_id(&self) -> Option<UserId> {
        match self.actor {
            Actor::User { id, .. } => Some(id),
            Actor::System => None,
        }
    }

    /// True for admins, super-admins and the system.
    pub fn is_admin(&self) -> bool {
        match self.actor {
            Actor::User { profile, .. } => {
                matches!(profile, UserProfile::Admin | UserProfile::Super)
            }
            Actor::System => true,
        }
    }

    /// Refuses anyone but an admin (or the system) with `ERR_NO_PERMISSION`.
    pub fn require_admin(&self) -> Result<(), DomainError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(DomainError::forbidden(
                "ERR_NO_PERMISSION",
                "this action requires an admin",
            ))
        }
    }
}

/// Permission to work across tenants (provisioning tenants, platform-wide sweeps). Built only by
/// a super-admin's context or by the platform itself; it stands out in review on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformCtx {
    by: Option<UserId>,
}

impl PlatformCtx {
    /// Platform access for a super-admin user; anyone else is refused.
    pub fn for_super_admin(cx: &TenantCtx) -> Result<Self, DomainError> {
        match cx.actor() {
            Actor::User {
                id,
                profile: UserProfile::Super,
            } => Ok(Self { by: Some(id) }),
            _ => Err(DomainError::forbidden(
                "ERR_NO_PERMISSION",
                "this action requires a super-admin",
            )),
        }
    }

    /// Platform access for the platform itself: the CLI, seeds, periodic tasks.
    pub fn system() -> Self {
        Self { by: None }
    }

    /// The super-admin acting, if any.
    pub fn by(&self) -> Option<UserId> {
        self.by
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(profile: UserProfile) -> TenantCtx {
        TenantCtx::from_verified(TenantId::from_verified(1), UserId::new(5), profile)
    }

    #[test]
    fn only_admins_and_system_pass_the_admin_check() {
        assert!(user(UserProfile::User).require_admin().is_err());
        assert!(user(UserProfile::Admin).require_admin().is_ok());
        assert!(user(UserProfile::Super).require_admin().is_ok());
        assert!(
            TenantCtx::system(TenantId::from_verified(1))
                .require_admin()
                .is_ok()
        );
    }

    #[test]
    fn platform_access_requires_a_super_admin() {
        assert!(PlatformCtx::for_super_admin(&user(UserProfile::Admin)).is_err());
        assert!(PlatformCtx::for_super_admin(&user(UserProfile::User)).is_err());
        assert!(
            PlatformCtx::for_super_admin(&TenantCtx::system(TenantId::from_verified(1))).is_err()
        );
        assert_eq!(
            PlatformCtx::for_super_admin(&user(UserProfile::Super)).map(|p| p.by()),
            Ok(Some(UserId::new(5)))
        );
    }
}
