//! From a config to a running node on a real chain: the deployment record, the key (from
//! the environment or a file), a connection to the first RPC endpoint that answers with
//! the right chain id, the state file and the metrics endpoint.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use nous_chain::{Chain, Deployment};
use nous_rpc::{read_mnemonic, Key, RpcChain, TxSettings};
use serde_json::json;

use crate::config::Config;
use crate::ctx::Ctx;
use crate::log::Logger;
use crate::metrics::Metrics;
use crate::node::Node;
use crate::reveal::SaltKey;
use crate::source::Sources;
use crate::state::StateFile;
use crate::submit::Policy;
use crate::suite::Suite;

/// The bech32 prefix of an address (`wasm` of `wasm1…`).
fn prefix_of(address: &str) -> Option<&str> {
    address
        .rfind('1')
        .map(|i| &address[..i])
        .filter(|p| !p.is_empty())
}

/// What every command needs: the config, the record, the suite and the key.
pub struct Base {
    pub cfg: Config,
    pub deployment: Deployment,
    pub suite: Suite,
    pub prefix: String,
    mnemonic: String,
}

impl Base {
    pub fn load(cfg: Config) -> Result<Base> {
        let deployment = Deployment::load(&cfg.chain.deployment).with_context(|| {
            format!(
                "reading the deployment record {}",
                cfg.chain.deployment.display()
            )
        })?;
        if deployment.chain_id != cfg.chain.chain_id {
            bail!(
                "the deployment record {} is for chain {}, the config says {}",
                cfg.chain.deployment.display(),
                deployment.chain_id,
                cfg.chain.chain_id
            );
        }
        let suite = Suite::from_deployment(&deployment).map_err(anyhow::Error::msg)?;
        let prefix = match &cfg.chain.prefix {
            Some(p) => p.clone(),
            None => prefix_of(&deployment.config.admin)
                .context("set chain.prefix: the deployment's admin is not a bech32 address")?
                .to_string(),
        };
        let mnemonic = read_mnemonic(&cfg.key.mnemonic_env, cfg.key.mnemonic_file.as_deref())?;
        Ok(Base {
            cfg,
            deployment,
            suite,
            prefix,
            mnemonic,
        })
    }

    pub fn key(&self) -> Result<Key> {
        Ok(Key::from_mnemonic(
            &self.mnemonic,
            self.cfg.key.index,
            &self.prefix,
        )?)
    }

    /// The secret of this key's commit–reveal salts (src/reveal.rs).
    pub fn salt_key(&self) -> SaltKey {
        SaltKey::from_mnemonic(&self.mnemonic, self.cfg.key.index)
    }

    fn settings(&self) -> TxSettings {
        let mut s = TxSettings::new(self.cfg.gas_price());
        s.gas_adjustment = self.cfg.chain.gas_adjustment;
        s.inclusion_timeout = Duration::from_secs(self.cfg.node.inclusion_timeout_secs);
        s
    }

    /// A connection to the first endpoint (from `start`) that answers with the right
    /// chain id, with the key added; the index of that endpoint.
    pub fn connect_from(&self, start: usize) -> Result<(RpcChain, usize)> {
        let endpoints = self.cfg.chain.rpc.list();
        let mut errors = vec![];
        for i in 0..endpoints.len() {
            let at = (start + i) % endpoints.len();
            let url = &endpoints[at];
            match RpcChain::connect(url, &self.prefix, self.settings()) {
                Ok(mut c) => {
                    let id = c.chain_id()?;
                    if id != self.cfg.chain.chain_id {
                        errors.push(format!("{url} is on chain {id}"));
                        continue;
                    }
                    c.add_key(self.key()?);
                    return Ok((c, at));
                }
                Err(e) => errors.push(format!("{url}: {e}")),
            }
        }
        bail!("no RPC endpoint answered: {}", errors.join("; "))
    }

    pub fn connect(&self) -> Result<RpcChain> {
        Ok(self.connect_from(0)?.0)
    }
}

/// The block's gas limit. CometBFT answers "latest" with the height it has just begun,
/// whose consensus parameters may not be stored yet ("could not find consensus params for
/// height"): asked again a few blocks' time later, it answers.
fn max_block_gas(chain: &RpcChain) -> Result<Option<u64>> {
    let mut tries = 0;
    loop {
        match chain.max_block_gas() {
            Ok(g) => return Ok(g),
            Err(_) if tries < 5 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(e) => return Err(e).context("reading the block gas limit"),
        }
    }
}

/// The running node of `cfg` on its chain.
pub fn node(cfg: Config, log: Logger) -> Result<Node<RpcChain>> {
    let base = Base::load(cfg)?;
    let (chain, at) = base.connect_from(0)?;
    let me = base.key()?.address;
    let state = StateFile::open(
        &base.cfg.node.state_file,
        &base.cfg.chain.chain_id,
        me.as_str(),
    )?;
    let metrics = Metrics::default();
    if let Some(addr) = &base.cfg.node.metrics {
        let bound = metrics.serve(addr).map_err(anyhow::Error::msg)?;
        log.info(
            "metrics",
            json!({"listening": format!("http://{bound}/metrics")}),
        );
    }
    let block_gas = max_block_gas(&chain)?;
    let endpoints = base.cfg.chain.rpc.list();
    log.info(
        "started",
        json!({"version": env!("CARGO_PKG_VERSION"), "address": me, "chain_id": base.cfg.chain.chain_id,
            "rpc": endpoints[at], "state_file": base.cfg.node.state_file,
            "workers": base.cfg.workers.iter().map(|w| w.topic).collect::<Vec<_>>(),
            "reputers": base.cfg.reputers.iter().map(|r| r.topic).collect::<Vec<_>>(),
            "keepers": base.cfg.keepers.iter().map(|k| k.topic).collect::<Vec<_>>(),
            "block_gas": block_gas}),
    );
    let ctx = Ctx {
        chain,
        suite: base.suite.clone(),
        me,
        gas_price: base.cfg.gas_price(),
        state,
        metrics,
        log,
        sources: Sources::new().map_err(anyhow::Error::msg)?,
        policy: Policy {
            max_attempts: base.cfg.node.max_attempts,
            backoff: Duration::from_millis(base.cfg.node.backoff_ms),
            gas_adjustment: base.cfg.chain.gas_adjustment,
        },
        timeout_blocks: base.cfg.node.tx_timeout_blocks,
        history: base.cfg.node.history,
        block_gas,
        pause: Box::new(std::thread::sleep),
        salt_key: base.salt_key(),
    };
    let cfg = base.cfg.clone();
    let mut next = at + 1;
    let node = Node::new(ctx, &cfg).with_reconnect(Box::new(move || {
        let (c, used) = base.connect_from(next).map_err(|e| e.to_string())?;
        next = used + 1;
        Ok(c)
    }));
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_is_read_from_an_address() {
        assert_eq!(
            prefix_of("wasm1dqq9hnf3edlrfhwmwsdp2ulqksp7j63p8purvp"),
            Some("wasm")
        );
        assert_eq!(prefix_of("juno1abc"), Some("juno"));
        assert_eq!(prefix_of("1abc"), None);
        assert_eq!(prefix_of("nothing"), None);
    }
}
