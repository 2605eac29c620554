pub mod close;
pub mod inference;
pub mod prune;
pub mod reputer;
pub mod scoring;
pub mod worker;
