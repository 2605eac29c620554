//! The one door to the suite's cw-multi-test deployment (nous-testing, the crate
//! integrators test with): the embedded chain and the default topic parameters, and the
//! example consumer's messages a simulated dApp speaks.

pub use nous_testing::{example_consumer_msg, topic_params};
