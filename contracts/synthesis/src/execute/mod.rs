//! Execute handlers, one file per operation, and the window closes they run.

pub mod close;
pub mod config;
pub mod inference;
pub mod prune;
pub mod reputer;
pub mod scoring;
pub mod worker;
