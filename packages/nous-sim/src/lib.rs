//! nous-sim: a living nous network on cw-multi-test. See README.md.

pub mod actors;
pub mod chain;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod world;
