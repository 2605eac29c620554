//! The whole nous suite in **your** cw-multi-test `App`.
//!
//! ```
//! use cw_multi_test::App;
//! use nous_testing::{topic_params, NousBuilder};
//!
//! let mut app = App::default(); // or any AppBuilder::new()...build(..)
//! let mut nous = NousBuilder::new().deploy(&mut app)?; // six contracts, wired as on a chain
//! let topic = nous.canned_topic(&mut app, topic_params(12, 6, 12))?;
//! let latest = nous.publish_inference(&mut app, topic, "3000.5".parse()?)?;
//! assert_eq!((latest.value, latest.inferers), ("3000.5".parse()?, 3));
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! - [`NousBuilder`] deploys the suite (native denom or a cw20 it instantiates) into an
//!   `App` of any bank, api, storage, custom, wasm, staking, distribution, ibc, gov and
//!   stargate module types, next to the caller's own contracts, through nous-chain's deploy
//!   plan — the order and wiring of a real deployment.
//! - [`Nous`] holds the addresses and one typed method per action and query.
//! - [`Nous::canned_topic`] and [`Nous::publish_inference`] run real epochs with canned
//!   workers and reputers, so a dApp test reads a genuine network inference.
//! - [`AppChain`] is nous-chain's `Chain` on a cw-multi-test `App` (the simulator drives
//!   the network through it).
//! - [`TestToken`]: the suite's token (native or cw20) — instantiate, pay, mint, balance.
//! - [`mocks`]: peer mocks the contracts' own tests share, one per peer (topic registry,
//!   fee vault, staking, synthesis), answering from state the test sets.
//! - [`events`]: attributes of a response and a contract's typed error in a multi-test
//!   error, for every test folder of the suite.

pub mod app;
mod canned;
mod canned_topic;
pub mod chain;
mod deploy;
pub mod events;
mod handle;
pub mod mocks;
pub mod token;

pub use app::{AnyResult, SuiteApp};
pub use canned::CannedActors;
pub use chain::{suite_code, AppChain, EmbeddedChain, BLOCK_SECONDS};
pub use deploy::{NousBuilder, DEFAULT_DECIMALS, DEFAULT_TOTAL_SUPPLY, DENOM};
pub use events::{attr, contract_error, wasm_attr};
/// The example consumer's messages (the suite stores its code; a dApp or a simulated one
/// instantiates it and reads through it).
pub use example_consumer::msg as example_consumer_msg;
pub use handle::Nous;
pub use token::TestToken;

use nous_types::topic_registry::TopicParams;

/// A topic's parameters with the chain defaults and the given timing (blocks): epoch
/// length, worker window, ground-truth lag.
pub fn topic_params(epoch_length: u64, window: u64, lag: u64) -> TopicParams {
    TopicParams::defaults("ETH/USD in 5 minutes", epoch_length, window, lag)
}

/// Emission parameters with the reference rates and a supply of `total_supply` base units.
pub fn emission_params(total_supply: u128) -> nous_types::reward_distribution::EmissionParams {
    nous_chain::reference_emission(total_supply)
}
