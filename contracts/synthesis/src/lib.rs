//! The synthesis contract: worker payloads and reputer loss bundles per (topic, nonce), the
//! stored network inference, network losses, regrets and scores (docs/PROTOCOL.md §4–§8).
//! All maths is delegated to `nous-math`; this crate loads, validates and stores.

mod actor_scores;
mod bundle;
mod codec;
pub mod contract;
mod convert;
mod error;
pub mod execute;
pub mod instantiate;
pub mod maths;
pub mod migrate;
pub mod msg;
pub mod query;
pub mod records;
pub mod registrations;
pub mod regret_store;
pub mod sortition;
pub mod state;
pub mod topic;
mod windows;

pub use error::ContractError;
