//! Execute handlers, one file per concern. Funds are checked in `contract.rs` before
//! dispatch; handlers receive the resulting `Payment`.

pub mod config;
pub mod payments;
pub mod treasury;
