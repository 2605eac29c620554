//! Shared types of the nous suite.
//!
//! Every contract's messages live here (one module per contract) so that contracts and
//! integrators import one crate, and no contract hand-builds another's JSON: the typed
//! helpers (`*Contract(Addr)` newtypes) build the `WasmMsg`s and run the smart queries.

pub mod clock;
pub mod codec;
pub mod funds;
#[cfg(feature = "loss-bundle")]
mod loss_bundle;
pub mod migrate;
pub mod ownership;
pub mod pagination;
pub mod params;

pub mod fee_vault;
pub mod reward_distribution;
pub mod staking;
pub mod synthesis;
pub mod topic_registry;

pub use clock::{EpochClock, HeightWindow};
pub use funds::{Payment, PaymentError};
