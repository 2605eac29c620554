//! Execute handlers, one file per concern.
//!
//! Three functions stay out of line: `settle::fetch_inputs`, `settle::split_epoch` and
//! `emission::month_record`, each called once from `settle::plan_topic`. Inlined by rustc,
//! `plan_topic` would pass the VM's static limit of 100 locals per function
//! (cosmwasm-check). wasm-opt inlines one-caller functions too; `scripts/build-wasm.sh`
//! caps that at 500 instructions, which keeps every function of the artifact under the limit.

pub mod activate;
pub mod claim;
pub mod config;
pub mod emission;
pub mod ledger;
pub mod payout;
pub mod payouts;
pub mod settle;
