//! example-consumer: a small dApp contract showing how to pay for and use a nous network
//! inference in one transaction. It is an example to copy, not part of the suite's
//! interface, so its messages live in this crate (`msg.rs`). See README.md.
//!
//! The pattern, in `execute/read.rs`:
//! 1. query the fee-vault's `ReadFee { topic_id }` (fee and denom of this deployment);
//! 2. check the caller attached exactly that fee (native coins, or a cw20 `Send`);
//! 3. query synthesis' `LatestNetworkInference { topic_id, max_age }`: a stale or missing
//!    inference fails the whole transaction, so no fee is paid for nothing;
//! 4. use the value (compare with a threshold, store the reading) and forward the fee to
//!    the vault's `PayForRead` in the same transaction.
//!
//! `testing::MockNetworkInference` is a mock querier integrators can plug into their own
//! unit tests (it answers the vault's `ReadFee` and synthesis' inference queries).

pub mod contract;
pub mod decision;
mod error;
pub mod execute;
pub mod msg;
pub mod query;
pub mod state;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
#[cfg(test)]
mod tests;

pub use error::ContractError;
