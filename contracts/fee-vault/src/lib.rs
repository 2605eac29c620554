//! fee-vault: consumer payments, per-topic fee revenue (with the MATH.md §9.1 drip) and
//! the emission treasury of the nous suite. See README.md.

pub mod contract;
pub mod drip;
mod error;
pub mod execute;
pub mod instantiate;
pub mod msg;
pub mod query;
pub mod revenue;
pub mod state;

pub use error::ContractError;
