//! The messages live in the shared types package.
pub use nous_types::reward_distribution::*;
