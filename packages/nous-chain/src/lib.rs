//! One chain abstraction for the nous suite.
//!
//! - [`Chain`]: what deploying and driving the suite needs from a CosmWasm chain. nous-tests
//!   implements it on cw-multi-test (any `App`), nous-rpc on a real node.
//! - [`plan`]: the deploy plan — store, instantiate and wire in the one order the suite
//!   needs, resumable from a partial record.
//! - [`SuiteConfig`]: every instantiate message comes from it.
//! - [`Deployment`]: the record `deployments/<chain-id>.json`.

pub mod chain;
pub mod config;
pub mod contracts;
pub mod pay;
pub mod plan;
pub mod record;

pub use chain::{
    BlockInfo, Chain, ChainError, ChainExt, Instantiate, Msg, OnSigned, SendOptions, StoredCode,
    Tx, TxOutcome,
};
pub use config::{reference_emission, SuiteConfig};
pub use contracts::{ArtifactError, Artifacts, SuiteContract};
pub use pay::pay;
pub use plan::{adopt_code, deploy, describe, plan, verify, DeployError, Step, StepOutcome, Wire};
pub use record::{Deployment, RecordError};
