//! The node's one TOML file: the chain, the key, the node's own settings and any number of
//! roles (workers, reputers, keepers), each for one topic. Relative paths are relative to
//! the config file's folder. The mnemonic is never in it: it comes from an environment
//! variable or a file (docs/OPERATING.md has a complete example, which a test parses).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use cosmwasm_std::{Decimal, Uint128};
use nous_rpc::GasPrice;
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}: {error}")]
    Toml { path: PathBuf, error: String },
    #[error("{0}")]
    Invalid(String),
}

fn invalid(msg: impl Into<String>) -> ConfigError {
    ConfigError::Invalid(msg.into())
}

/// The whole file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub chain: ChainConfig,
    #[serde(default)]
    pub key: KeyConfig,
    #[serde(default)]
    pub node: NodeConfig,
    #[serde(default, rename = "worker")]
    pub workers: Vec<WorkerConfig>,
    #[serde(default, rename = "reputer")]
    pub reputers: Vec<ReputerConfig>,
    #[serde(default, rename = "keeper")]
    pub keepers: Vec<KeeperConfig>,
}

/// One endpoint or several: `rpc = "http://…"` or `rpc = ["http://a", "http://b"]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Endpoints {
    One(String),
    Many(Vec<String>),
}

impl Endpoints {
    pub fn list(&self) -> Vec<String> {
        match self {
            Endpoints::One(s) => vec![s.clone()],
            Endpoints::Many(v) => v.clone(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    /// CometBFT RPC endpoints, tried in order (queries and transactions both go through
    /// the RPC: ABCI queries of the gRPC paths, no separate gRPC connection).
    pub rpc: Endpoints,
    /// Must equal the node's chain id and the deployment record's.
    pub chain_id: String,
    /// e.g. `0.025unous`: must reach the chain's minimum gas price.
    pub gas_price: String,
    /// Gas limit = simulated gas x this.
    #[serde(default = "default_gas_adjustment")]
    pub gas_adjustment: Decimal,
    /// `deployments/<chain-id>.json`, written by nous-deploy.
    pub deployment: PathBuf,
    /// Bech32 prefix of addresses; default: the prefix of the deployment's admin.
    pub prefix: Option<String>,
}

fn default_gas_adjustment() -> Decimal {
    Decimal::percent(130)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConfig {
    /// Environment variable holding the mnemonic (used when no file is given).
    #[serde(default = "default_mnemonic_env")]
    pub mnemonic_env: String,
    /// A file holding the mnemonic (keep it `chmod 600`).
    pub mnemonic_file: Option<PathBuf>,
    /// HD index: the key is `m/44'/118'/0'/0/<index>`.
    #[serde(default)]
    pub index: u32,
}

fn default_mnemonic_env() -> String {
    "NOUS_MNEMONIC".into()
}

impl Default for KeyConfig {
    fn default() -> Self {
        KeyConfig {
            mnemonic_env: default_mnemonic_env(),
            mnemonic_file: None,
            index: 0,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Submitted and in-flight nonces, kept across restarts (written atomically, readable
    /// by its owner only), and on commit–reveal topics the payloads committed to until
    /// their reveal.
    #[serde(default = "default_state_file")]
    pub state_file: PathBuf,
    /// `host:port` of the Prometheus `/metrics` endpoint; none when absent.
    pub metrics: Option<String>,
    /// How often the chain's height is polled.
    #[serde(default = "default_poll_ms")]
    pub poll_ms: u64,
    /// A transaction may be included at most this many blocks after it is signed (its
    /// timeout height): one not found by then never will be, and may be sent again.
    #[serde(default = "default_timeout_blocks")]
    pub tx_timeout_blocks: u64,
    /// How long to wait for a broadcast transaction to be in a block before treating its
    /// result as unknown (it is then looked up by hash).
    #[serde(default = "default_inclusion_secs")]
    pub inclusion_timeout_secs: u64,
    /// Attempts per transaction (sequence mismatch, out of gas, connection errors), with
    /// exponential backoff from `backoff_ms`.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    #[serde(default = "default_backoff_ms")]
    pub backoff_ms: u64,
    /// Recent nonces (network inferences and losses) in a worker source's context.
    #[serde(default = "default_history")]
    pub history: u32,
    /// Balance and claimable rewards are read for the metrics every this many blocks.
    #[serde(default = "default_status_every")]
    pub status_every_blocks: u64,
}

fn default_state_file() -> PathBuf {
    PathBuf::from("nous-node-state.json")
}
fn default_poll_ms() -> u64 {
    1000
}
fn default_timeout_blocks() -> u64 {
    10
}
fn default_inclusion_secs() -> u64 {
    30
}
fn default_attempts() -> u32 {
    4
}
fn default_backoff_ms() -> u64 {
    500
}
fn default_history() -> u32 {
    8
}
fn default_status_every() -> u64 {
    20
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            state_file: default_state_file(),
            metrics: None,
            poll_ms: default_poll_ms(),
            tx_timeout_blocks: default_timeout_blocks(),
            inclusion_timeout_secs: default_inclusion_secs(),
            max_attempts: default_attempts(),
            backoff_ms: default_backoff_ms(),
            history: default_history(),
            status_every_blocks: default_status_every(),
        }
    }
}

/// Where a value comes from: a command (context JSON on stdin, the value on stdout) or an
/// HTTP endpoint (context JSON POSTed, the value in the response body).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Program and arguments, run without a shell.
    pub command: Option<Vec<String>>,
    pub url: Option<String>,
    #[serde(default = "default_source_timeout")]
    pub timeout_secs: u64,
}

fn default_source_timeout() -> u64 {
    10
}

impl Source {
    fn validate(&self, what: &str) -> Result<(), ConfigError> {
        match (&self.command, &self.url) {
            (Some(c), None) if !c.is_empty() && !c[0].is_empty() => {}
            (Some(_), None) => return Err(invalid(format!("{what}: command is empty"))),
            (None, Some(u)) if u.starts_with("http://") || u.starts_with("https://") => {}
            (None, Some(u)) => {
                return Err(invalid(format!(
                    "{what}: url {u:?} must start with http:// or https://"
                )))
            }
            _ => {
                return Err(invalid(format!(
                    "{what}: give exactly one of command = [...] or url = \"...\""
                )))
            }
        }
        if self.timeout_secs == 0 {
            return Err(invalid(format!("{what}: timeout_secs must be at least 1")));
        }
        Ok(())
    }
}

/// A worker of one topic. Nothing here depends on the topic's kind: on a commit–reveal topic
/// (its `reveal_window` > 0, read from the registry) the worker commits to its payload in the
/// worker window and reveals it in the reveal window by itself (src/worker.rs; the salt is
/// derived from the key, src/reveal.rs).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkerConfig {
    pub topic: u64,
    /// The inference source (prints one number).
    pub inference: Option<Source>,
    /// The forecast source (prints `[{"inferer": <actor index>, "value": <loss>}, ...]`).
    pub forecast: Option<Source>,
    /// Register this key as a worker of the topic if it is not (after checking that the
    /// balance covers the registration fee and the gas).
    #[serde(default)]
    pub register: bool,
    /// The registration's owner (receives the rewards); default: this key.
    pub owner: Option<String>,
}

/// How much self-stake a reputer keeps: `"minimum"` (the topic registry's
/// `required_minimum_stake`) or an amount in base units of the suite's token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StakeTarget {
    Minimum,
    Amount(Uint128),
}

impl<'de> Deserialize<'de> for StakeTarget {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == "minimum" {
            return Ok(StakeTarget::Minimum);
        }
        Uint128::from_str(&s).map(StakeTarget::Amount).map_err(|_| {
            serde::de::Error::custom(format!(
                "stake = {s:?}: expected \"minimum\" or an amount in base units (\"250000000\")"
            ))
        })
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReputerConfig {
    pub topic: u64,
    /// The ground truth of a nonce (prints one number).
    pub truth: Source,
    #[serde(default)]
    pub register: bool,
    pub owner: Option<String>,
    /// Top the self-stake up to this (if set) before reporting.
    pub stake: Option<StakeTarget>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeeperConfig {
    pub topic: u64,
    /// Look for due work every this many blocks.
    #[serde(default = "one")]
    pub every_blocks: u64,
    /// `ActivateTopic` once the topic's weight reaches the minimum.
    #[serde(default = "yes")]
    pub activate: bool,
    /// `CloseWindows` of the topic.
    #[serde(default = "yes")]
    pub close_windows: bool,
    /// `Settle` of the topic.
    #[serde(default = "yes")]
    pub settle: bool,
    /// staking's `ProcessRemovals` (not per topic: one keeper of the deployment is enough).
    #[serde(default)]
    pub process_removals: bool,
    /// A crank call uses at most this much gas: its `limit` is chosen from simulations
    /// to stay below it (and below half the block's gas limit when the chain has one).
    #[serde(default = "default_max_gas")]
    pub max_gas_per_call: u64,
    /// The largest `limit` tried.
    #[serde(default = "default_max_limit")]
    pub max_limit: u32,
}

fn one() -> u64 {
    1
}
fn yes() -> bool {
    true
}
fn default_max_gas() -> u64 {
    3_000_000
}
fn default_max_limit() -> u32 {
    10
}

impl Config {
    /// Reads, parses and checks `path`; relative paths become relative to its folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        let mut c = Config::parse(&text).map_err(|e| match e {
            ConfigError::Toml { error, .. } => ConfigError::Toml {
                path: path.to_path_buf(),
                error,
            },
            e => e,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        c.resolve_paths(base);
        Ok(c)
    }

    /// Parses and checks a config (paths left as written).
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let c: Config = toml::from_str(text).map_err(|e| {
            let mut error = e.to_string();
            if error.contains("unknown field `mnemonic`") {
                error.push_str(
                    "\nthe mnemonic is never put in the config: set key.mnemonic_env (default \
                     NOUS_MNEMONIC) or key.mnemonic_file",
                );
            }
            ConfigError::Toml {
                path: PathBuf::from("<config>"),
                error,
            }
        })?;
        c.validate()?;
        Ok(c)
    }

    fn resolve_paths(&mut self, base: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        fix(&mut self.chain.deployment);
        fix(&mut self.node.state_file);
        if let Some(f) = self.key.mnemonic_file.as_mut() {
            fix(f);
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let rpc = self.chain.rpc.list();
        if rpc.is_empty() {
            return Err(invalid("chain.rpc: give at least one endpoint"));
        }
        for u in &rpc {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(invalid(format!(
                    "chain.rpc: {u:?} must start with http:// or https://"
                )));
            }
        }
        if self.chain.chain_id.trim().is_empty() {
            return Err(invalid("chain.chain_id is empty"));
        }
        GasPrice::from_str(&self.chain.gas_price)
            .map_err(|e| invalid(format!("chain.gas_price: {e}")))?;
        if self.chain.gas_adjustment < Decimal::one() {
            return Err(invalid("chain.gas_adjustment must be at least 1"));
        }
        let n = &self.node;
        if n.poll_ms == 0 || n.tx_timeout_blocks == 0 || n.max_attempts == 0 {
            return Err(invalid(
                "node: poll_ms, tx_timeout_blocks and max_attempts must be at least 1",
            ));
        }
        if let Some(m) = &n.metrics {
            std::net::SocketAddr::from_str(m).map_err(|_| {
                invalid(format!(
                    "node.metrics = {m:?}: expected host:port, e.g. 127.0.0.1:9464"
                ))
            })?;
        }
        if self.workers.is_empty() && self.reputers.is_empty() && self.keepers.is_empty() {
            return Err(invalid(
                "no role: add at least one [[worker]], [[reputer]] or [[keeper]]",
            ));
        }
        let mut seen = BTreeSet::new();
        for w in &self.workers {
            if !seen.insert(("worker", w.topic)) {
                return Err(invalid(format!(
                    "two [[worker]] entries for topic {}: one key has one worker registration per topic",
                    w.topic
                )));
            }
            let what = format!("worker of topic {}", w.topic);
            if w.inference.is_none() && w.forecast.is_none() {
                return Err(invalid(format!(
                    "{what}: give an inference source, a forecast source or both"
                )));
            }
            if let Some(s) = &w.inference {
                s.validate(&format!("{what}: inference"))?;
            }
            if let Some(s) = &w.forecast {
                s.validate(&format!("{what}: forecast"))?;
            }
        }
        for r in &self.reputers {
            if !seen.insert(("reputer", r.topic)) {
                return Err(invalid(format!(
                    "two [[reputer]] entries for topic {}",
                    r.topic
                )));
            }
            r.truth
                .validate(&format!("reputer of topic {}: truth", r.topic))?;
        }
        for k in &self.keepers {
            if !seen.insert(("keeper", k.topic)) {
                return Err(invalid(format!(
                    "two [[keeper]] entries for topic {}",
                    k.topic
                )));
            }
            if k.every_blocks == 0 || k.max_limit == 0 || k.max_gas_per_call == 0 {
                return Err(invalid(format!(
                    "keeper of topic {}: every_blocks, max_limit and max_gas_per_call must be at least 1",
                    k.topic
                )));
            }
        }
        Ok(())
    }

    pub fn gas_price(&self) -> GasPrice {
        // checked in validate
        GasPrice::from_str(&self.chain.gas_price).unwrap_or(GasPrice {
            amount: Decimal::zero(),
            denom: String::new(),
        })
    }
}

#[cfg(test)]
mod tests;
