//! nous-sim: a living nous network on cw-multi-test or a real node. See README.md.
//!
//! From the ground up: the scenario and its world ([`scenario`], [`rng`], [`world`]),
//! what the participants do off-chain ([`actors`]); the suite's actions over any chain
//! ([`network`]) and its backends ([`embedded`] through [`testing`], [`real`] on a node);
//! the [`driver`] that runs the epochs and writes a [`record`] (and the [`counterfactual`]
//! runs some questions need); on top, what is read from
//! the record: the [`report`], the chain [`checks`] and the [`gas`] table.

pub mod actors;
pub mod checks;
pub mod counterfactual;
pub mod csv_text;
pub mod deployment;
pub mod driver;
pub mod embedded;
pub mod gas;
pub mod network;
pub mod presets;
#[cfg(feature = "chain")]
pub mod real;
pub mod record;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod stats;
pub mod testing;
pub mod units;
pub mod world;
