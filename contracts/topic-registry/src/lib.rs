//! topic-registry: topics and their parameters, worker/reputer registration, the epoch
//! clock queries, optional whitelists and the suite's admin-owned global parameters.

pub mod access;
pub mod contract;
mod error;
pub mod execute;
pub mod instantiate;
pub mod msg;
pub mod query;
pub mod state;
pub mod validation;

pub use error::ContractError;
