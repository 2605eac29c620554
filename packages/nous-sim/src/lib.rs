//! nous-sim: a living nous network on cw-multi-test or a real node. See README.md.

pub mod actors;
pub mod checks;
pub mod gas;
pub mod network;
pub mod real;
pub mod refusals;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod world;
