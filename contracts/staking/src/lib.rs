//! Reputer self-stake and delegations per topic, the unbonding queue (delay, cancel,
//! bounded resumable payout) and the delegators' reward-per-share accounting.
//! See README.md for the rules and every message.

mod accrual;
pub mod contract;
mod error;
mod execute;
mod instantiate;
mod ledger;
pub mod msg;
mod query;
pub mod rewards;
pub mod state;

pub use error::ContractError;
