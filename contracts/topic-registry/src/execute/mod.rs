//! Execute handlers, one file per concern.
pub mod admin;
pub mod fees;
pub mod registration;
pub mod topics;
