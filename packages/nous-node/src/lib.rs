//! nous-node: the operator node of the nous network. One process, one key, one TOML
//! config; any number of roles — workers (inference and forecast sources), reputers
//! (ground truth, loss bundles by `LossBundle::from_inference`) and keepers (activation,
//! window closes, settlement, stake removals) — on a real chain through nous-chain's
//! [`Chain`](nous_chain::Chain) (nous-rpc's `RpcChain`). On a commit–reveal topic a worker
//! commits to its payload in the worker window and reveals it in the reveal window
//! ([`worker`], [`reveal`]). See docs/OPERATING.md and this package's README.

pub mod commands;
pub mod config;
pub mod ctx;
pub mod keeper;
pub mod log;
pub mod metrics;
pub mod node;
pub mod ops;
pub mod refusal;
pub mod reputer;
pub mod reveal;
pub mod setup;
pub mod source;
pub mod state;
pub mod submit;
pub mod suite;
pub mod worker;

#[cfg(test)]
mod tests;
