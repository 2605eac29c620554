//! [`Network`]: the simulator's actor-level actions and reads (create a topic, register,
//! submit a payload, settle, claim, ...) as messages and queries of the suite, over any
//! nous-chain `Chain` — cw-multi-test in-process or a real node. [`client`] holds the
//! accounts and records every transaction ([`TxStat`]) with its gas and fee; the other
//! modules are the suite's contracts, one each, and [`books`] checks their balances.

pub mod books;
pub mod client;
pub mod consumer;
pub mod fee_vault;
pub mod registry;
pub mod rewards;
pub mod staking;
pub mod synthesis;

pub use client::{refusal_reason, Delivery, Network, Payload, TxStat};
pub use rewards::Credit;
