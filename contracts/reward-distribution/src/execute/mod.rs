//! Execute handlers, one file per concern.
//!
//! The large handlers are `#[inline(never)]`: inlined into the exported `execute` they
//! would exceed the VM's static limit of 100 locals per function (cosmwasm-check). Note
//! that binaryen's `wasm-opt -Os` still inlines single-caller functions; the artifact
//! passes with `wasm-opt -Os --one-caller-inline-max-function-size 0`.

pub mod activate;
pub mod claim;
pub mod config;
pub mod emission;
pub mod ledger;
pub mod payout;
pub mod payouts;
pub mod settle;
