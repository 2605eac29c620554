//! Page sizes shared by every list query.

/// Items returned when a list query names no `limit`.
pub const DEFAULT_LIMIT: u32 = 10;
/// The largest page a list query returns, so a query's gas stays bounded.
pub const MAX_LIMIT: u32 = 100;

/// The page size to use for a requested `limit`.
pub fn page_size(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT) as usize
}
