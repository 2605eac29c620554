//! Execute handlers, one file per concern; `fees` holds the fee checks they share.
pub mod config;
pub mod fees;
pub mod registration;
pub mod topics;
pub mod whitelist;
