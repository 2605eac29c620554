//! Execute handlers, one file per concern; the stake ledger they share is `crate::ledger`.

pub mod config;
pub mod delegation;
pub mod removal;
pub mod rewards;
pub mod stake;
