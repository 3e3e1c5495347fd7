//! Pagination shared by every list method.

use serde::Serialize;

use crate::error::DomainError;

/// Which page of a list to read (1-based), and how many rows per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u64,
    size: u64,
}

impl PageRequest {
    /// The largest page size any list accepts.
    pub const MAX_SIZE: u64 = 1_000;

    /// Page `page` (1-based) of `size` rows; refuses page 0 and sizes outside 1..=1000.
    pub fn new(page: u64, size: u64) -> Result<Self, DomainError> {
        if page == 0 {
            return Err(DomainError::invalid(
                "ERR_INVALID_PAGE",
                "page numbers start at 1",
            ));
        }
        if size == 0 || size > Self::MAX_SIZE {
            return Err(DomainError::invalid(
                "ERR_INVALID_PAGE_SIZE",
                format!("page size must be between 1 and {}", Self::MAX_SIZE),
            ));
        }
        Ok(Self { page, size })
    }

    /// The first page of `size` rows (sizes are clamped into 1..=1000).
    pub fn first(size: u64) -> Self {
        Self {
            page: 1,
            size: size.clamp(1, Self::MAX_SIZE),
        }
    }

    /// The 1-based page number.
    pub fn page(&self) -> u64 {
        self.page
    }

    /// Rows per page.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.size)
    }
}

/// One page of a list, with the total count across all pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Rows matching the query across all pages.
    pub count: u64,
    /// Whether a next page exists.
    pub has_more: bool,
}

impl<T> Page<T> {
    /// Builds a page, computing `has_more` from the request and the total.
    pub fn new(items: Vec<T>, count: u64, req: PageRequest) -> Self {
        let seen = req.offset().saturating_add(items.len() as u64);
        Self {
            items,
            count,
            has_more: seen < count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_page_zero_and_bad_sizes() {
        assert_eq!(
            PageRequest::new(0, 10).map_err(|e| e.code()),
            Err("ERR_INVALID_PAGE")
        );
        assert_eq!(
            PageRequest::new(1, 0).map_err(|e| e.code()),
            Err("ERR_INVALID_PAGE_SIZE")
        );
        assert!(PageRequest::new(1, 1_001).is_err());
        assert_eq!(PageRequest::new(3, 20).map(|p| p.offset()), Ok(40));
    }

    #[test]
    fn has_more_follows_the_count() {
        let req = PageRequest::new(1, 2).expect("valid");
        assert!(Page::new(vec![1, 2], 3, req).has_more);
        assert!(!Page::new(vec![1, 2], 2, req).has_more);
        let huge = PageRequest::new(u64::MAX, 1_000).expect("valid");
        assert!(!Page::<i32>::new(vec![], 5, huge).has_more);
    }
}
