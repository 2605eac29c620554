//! The deployment record, `deployments/<chain-id>.json`: what was stored, instantiated and
//! wired on one chain. The deploy plan reads it to finish a half-done deployment and
//! writes it after every step. It holds addresses and settings, never a key. Schema:
//! `deployments/deployment.schema.json` (documented in `deployments/README.md`).

use std::collections::BTreeMap;
use std::path::Path;

use cosmwasm_std::Addr;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::SuiteConfig;
use crate::contracts::SuiteContract;

/// The record format's version; bumped on an incompatible change.
pub const RECORD_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    /// Always [`RECORD_VERSION`].
    pub version: u32,
    pub chain_id: String,
    /// The settings every instantiate message was built from (its `admin` is the suite's
    /// admin and the deploying key).
    pub config: SuiteConfig,
    /// Stored code by contract name.
    pub codes: BTreeMap<SuiteContract, CodeRecord>,
    /// Instantiated contracts by name.
    pub contracts: BTreeMap<SuiteContract, ContractRecord>,
    /// Every wiring step of the plan with its status.
    pub wiring: BTreeMap<String, WiringRecord>,
    /// A transaction broadcast but not yet seen in a block when the last run stopped; the
    /// next run looks it up before doing its step again.
    #[serde(default)]
    pub pending: Option<PendingTx>,
    /// Treasury funding sent by the deploy tool (`FundTreasury`).
    #[serde(default)]
    pub treasury_funding: Vec<FundingRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRecord {
    pub code_id: u64,
    /// sha256 of the stored wasm, hex (equal to `artifacts/checksums.txt`).
    pub checksum: String,
    /// The `MsgStoreCode` transaction (empty on an embedded chain).
    #[serde(default)]
    pub tx: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractRecord {
    pub address: Addr,
    pub code_id: u64,
    pub label: String,
    #[serde(default)]
    pub tx: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WiringRecord {
    /// The `UpdateConfig` this step sends, in words.
    pub what: String,
    pub done: bool,
    /// The transaction that did it; empty if it was found already done on the chain.
    #[serde(default)]
    pub tx: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PendingTx {
    /// The plan step (`Step::id`).
    pub step: String,
    pub tx: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingRecord {
    /// Base units of the suite's token.
    pub amount: cosmwasm_std::Uint128,
    pub tx: String,
    pub height: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("reading {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("writing {path}: {error}")]
    Write { path: String, error: std::io::Error },
    #[error("{path} is not a deployment record: {error}")]
    Parse { path: String, error: String },
    #[error("{path}: record version {found}, this tool reads version {RECORD_VERSION}")]
    Version { path: String, found: u32 },
}

impl Deployment {
    /// An empty record for a deployment of `config` on `chain_id`.
    pub fn new(chain_id: impl Into<String>, config: SuiteConfig) -> Self {
        Deployment {
            version: RECORD_VERSION,
            chain_id: chain_id.into(),
            config,
            codes: BTreeMap::new(),
            contracts: BTreeMap::new(),
            wiring: BTreeMap::new(),
            pending: None,
            treasury_funding: vec![],
        }
    }

    /// The address of an instantiated contract.
    pub fn address(&self, contract: SuiteContract) -> Option<&Addr> {
        self.contracts.get(&contract).map(|c| &c.address)
    }

    pub fn code_id(&self, contract: SuiteContract) -> Option<u64> {
        self.codes.get(&contract).map(|c| c.code_id)
    }

    pub fn load(path: impl AsRef<Path>) -> Result<Self, RecordError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| RecordError::Read {
            path: shown.clone(),
            error,
        })?;
        let d: Deployment = serde_json::from_str(&text).map_err(|e| RecordError::Parse {
            path: shown.clone(),
            error: e.to_string(),
        })?;
        if d.version != RECORD_VERSION {
            return Err(RecordError::Version {
                path: shown,
                found: d.version,
            });
        }
        Ok(d)
    }

    /// Writes the record atomically (a temporary file renamed over the old one), so an
    /// interrupted write never leaves half a record.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), RecordError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let err = |error| RecordError::Write {
            path: shown.clone(),
            error,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let tmp = path.with_extension("json.tmp");
        let mut text = serde_json::to_string_pretty(self).map_err(|e| RecordError::Write {
            path: shown.clone(),
            error: std::io::Error::other(e),
        })?;
        text.push('\n');
        std::fs::write(&tmp, text).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }
}

/// The JSON schema of the record (committed as `deployments/deployment.schema.json`).
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(Deployment);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `deployments/deployment.schema.json` is what the record types generate; run with
    /// NOUS_UPDATE_SCHEMA=1 to rewrite it after changing them.
    #[test]
    fn the_committed_schema_is_fresh() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../deployments/deployment.schema.json"
        );
        let fresh = schema_json();
        if std::env::var("NOUS_UPDATE_SCHEMA").is_ok() {
            std::fs::write(path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{path} is stale: run NOUS_UPDATE_SCHEMA=1 cargo test -p nous-chain record"
        );
    }

    #[test]
    fn a_record_survives_its_file() {
        let config = crate::SuiteConfig::new(
            "wasm1admin",
            cw20::Denom::Native("unous".into()),
            6,
            "wasm1security",
            1_000,
        );
        let mut r = Deployment::new("test-1", config);
        r.codes.insert(
            SuiteContract::Staking,
            CodeRecord {
                code_id: 3,
                checksum: "ab".repeat(32),
                tx: "HASH".into(),
            },
        );
        let path = std::env::temp_dir().join(format!("nous-record-{}/r.json", std::process::id()));
        r.save(&path).unwrap();
        assert_eq!(Deployment::load(&path).unwrap(), r);
        // An unknown version is refused.
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("\"version\": 1", "\"version\": 9");
        std::fs::write(&path, text).unwrap();
        assert!(matches!(
            Deployment::load(&path),
            Err(RecordError::Version { found: 9, .. })
        ));
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
