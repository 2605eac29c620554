//! The staking contract's messages live in `nous_types::staking`.

pub use nous_types::staking::*;
