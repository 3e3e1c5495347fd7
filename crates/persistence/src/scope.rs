//! The one place where tenant filters are applied. Every read, update and delete of a
//! tenant-owned table starts here, and carries `tenantId = cx.tenant()`. Tables without their
//! own `tenantId` (join and child tables) are reached through [`unscoped_children`] only after
//! the parent row was loaded through a scoped query in the same method.
//!
//! A test of this crate fails if `::find()`, `find_by_id`, `update_many` or `delete_many`
//! appears in any other file.

use sea_orm::{ColumnTrait, DeleteMany, EntityTrait, QueryFilter, Select, UpdateMany};
use tiktickets_domain::ids::TenantId;
use tiktickets_domain::{PlatformCtx, TenantCtx};

use crate::entities::TenantOwned;

/// Rows of `E` in the caller's tenant.
pub(crate) fn scoped<E: TenantOwned>(cx: &TenantCtx) -> Select<E> {
    E::find().filter(E::tenant_column().eq(cx.tenant().get()))
}

/// An UPDATE of `E` limited to the caller's tenant.
pub(crate) fn update_scoped<E: TenantOwned>(cx: &TenantCtx) -> UpdateMany<E> {
    E::update_many().filter(E::tenant_column().eq(cx.tenant().get()))
}

/// A DELETE of `E` limited to the caller's tenant.
pub(crate) fn delete_scoped<E: TenantOwned>(cx: &TenantCtx) -> DeleteMany<E> {
    E::delete_many().filter(E::tenant_column().eq(cx.tenant().get()))
}

/// Rows of a child table that has no `tenantId` of its own. Callers: store methods that have
/// just loaded the parent with [`scoped`] and filter these rows by that parent's id.
pub(crate) fn unscoped_children<E: EntityTrait>() -> Select<E> {
    E::find()
}

/// A DELETE of a child table; same rule as [`unscoped_children`].
pub(crate) fn unscoped_children_delete<E: EntityTrait>() -> DeleteMany<E> {
    E::delete_many()
}

/// Global tables (`Tenants`, the login lookup): callers hold a `PlatformCtx` or are the login
/// path, which is the one global read by design.
pub(crate) fn unscoped_global<E: EntityTrait>() -> Select<E> {
    E::find()
}

/// An UPDATE of a global table (`Tenants`); platform work only.
pub(crate) fn unscoped_global_update<E: EntityTrait>(_p: &PlatformCtx) -> UpdateMany<E> {
    E::update_many()
}

/// A DELETE of a global table (`Tenants`); platform work only.
pub(crate) fn unscoped_global_delete<E: EntityTrait>(_p: &PlatformCtx) -> DeleteMany<E> {
    E::delete_many()
}

/// Rows of `E` in `tenant`, for platform work on one named tenant (deleting it).
pub(crate) fn of_tenant<E: TenantOwned>(_p: &PlatformCtx, tenant: TenantId) -> Select<E> {
    E::find().filter(E::tenant_column().eq(tenant.get()))
}

/// A DELETE of `E` limited to `tenant`, for platform work on one named tenant.
pub(crate) fn delete_of_tenant<E: TenantOwned>(
    _p: &PlatformCtx,
    tenant: TenantId,
) -> DeleteMany<E> {
    E::delete_many().filter(E::tenant_column().eq(tenant.get()))
}

/// Rows of `E` of every tenant, for platform-wide sweeps (the outbox sweeper). Each row
/// carries its `tenantId`; whatever is then done with a row runs under that tenant's context.
pub(crate) fn across_tenants<E: TenantOwned>(_p: &PlatformCtx) -> Select<E> {
    E::find()
}

/// The tenant a new row gets: always the context's, never input.
pub(crate) fn tenant_of(cx: &TenantCtx) -> i32 {
    cx.tenant().get()
}

#[cfg(test)]
mod tests {
    /// Every query outside this file must go through the scoped helpers.
    #[test]
    fn no_unscoped_query_outside_scope_rs() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        visit(&src, &mut |path, text| {
            let name = path.to_string_lossy();
            if name.ends_with("scope.rs") || name.contains("/entities/") {
                return;
            }
            for (n, line) in text.lines().enumerate() {
                for needle in ["::find()", "find_by_id", "update_many()", "delete_many()"] {
                    if line.contains(needle) {
                        offenders.push(format!("{name}:{}: {}", n + 1, line.trim()));
                    }
                }
            }
        });
        assert!(
            offenders.is_empty(),
            "unscoped queries:\n{}",
            offenders.join("\n")
        );
    }

    fn visit(dir: &std::path::Path, f: &mut dyn FnMut(&std::path::Path, &str)) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, f);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                f(&path, &text);
            }
        }
    }
}
