//! Execute handlers, one file per concern.
//!
//! Three functions stay out of line: `settle::fetch_inputs`, `settle::split_epoch` and
//! `emission::month_record`, each called once from `settle::plan_topic`. Inlined,
//! `plan_topic` has 152 locals, beyond the VM's static limit of 100 per function
//! (cosmwasm-check); out of line it has 97 (measured on the optimised artifact,
//! `scripts/build-wasm.sh`). The handlers need no attribute: the exported `execute` has 95
//! locals without one, 97 with the handlers (`settle`, `claim`, ...) marked.

pub mod activate;
pub mod claim;
pub mod config;
pub mod emission;
pub mod ledger;
pub mod payout;
pub mod payouts;
pub mod settle;
