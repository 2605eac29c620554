//! reward-distribution: topic weights and activity (MATH.md §9.1), the monthly emission
//! (§10) and each topic's share of it (§9.2), the class split (§8.4–8.6) and the payout to
//! each participant (§8.7), pull-based claims, and the delegators' part sent to staking.
//! See README.md for the rules and every message.

mod binary;
pub mod contract;
mod error;
mod execute;
mod instantiate;
pub mod maths;
pub mod msg;
mod query;
mod records;
mod smoothed;
pub mod state;
mod validate;

pub use error::ContractError;
