//! Execute handlers, one file per operation.

pub mod use_latest_inference;
