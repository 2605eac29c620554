//! The one door to the suite's cw-multi-test deployment (today the `nous-tests` crate):
//! the embedded chain, its suite builder, the default topic parameters and the example
//! consumer's messages. No other module names that crate, so moving it is a change here.

pub use nous_tests::{example_consumer_msg, topic_params, AppChain, EmbeddedChain, SuiteBuilder};
