//! example-consumer: the reference integration of nous in a dApp contract. It pays the read
//! fee and uses the latest network inference in one transaction, with `nous_consumer`:
//! `execute::use_latest_inference` calls `nous_consumer::paid_read` (the vault's fee, the
//! caller's exact payment in native coins or cw20, synthesis' latest value, the freshness
//! check), decides with `decision.rs`, stores the reading and returns the payment message.
//! It is an example to copy, not part of the suite's interface, so its messages live here
//! (`msg.rs`). See README.md.

pub mod contract;
pub mod decision;
mod error;
pub mod execute;
pub mod instantiate;
pub mod msg;
pub mod query;
pub mod state;
#[cfg(test)]
mod tests;

pub use error::ContractError;
