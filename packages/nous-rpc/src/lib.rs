//! nous-chain's [`Chain`](nous_chain::Chain) on a real CosmWasm node: [`RpcChain`] signs
//! transactions with keys derived from a mnemonic ([`keys`]), simulates their gas with the
//! real fee, broadcasts them over CometBFT RPC and waits until a block includes them.
//!
//! Tooling only: never a dependency of a contract or of anything built for wasm.

pub mod chain;
pub mod keys;
pub mod node;

pub use chain::{gas_limit, GasPrice, RpcChain, TxSettings, GAS_HEADROOM};
pub use keys::{read_mnemonic, test_account_mnemonic, Key, KeyError};
