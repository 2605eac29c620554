//! The deploy plan: the order in which the suite is stored, instantiated and wired, and its
//! execution against any [`Chain`], resumable from a partial [`Deployment`] record. This is
//! the only place the order exists: nous-deploy, the cw-multi-test Suite and the simulator
//! all deploy through [`deploy`].
//!
//! The order follows the contracts' dependencies: the registry first (everyone reads it),
//! then the vault and staking (they take the registry's address), the registry learns the
//! vault; synthesis (takes registry and staking), the registry learns synthesis;
//! reward-distribution (takes all four), vault and staking learn it as their distributor,
//! synthesis learns it as its activity gate. The example consumer's code is stored last
//! for dApps to instantiate with their own guards.

use std::fmt;

use cosmwasm_std::{to_json_binary, Addr};
use nous_types::{fee_vault, staking, synthesis, topic_registry};

use crate::chain::{Chain, ChainError, ChainExt, Instantiate, Msg, Tx, TxOutcome};
use crate::config::SuiteConfig;
use crate::contracts::SuiteContract;
use crate::record::{CodeRecord, ContractRecord, Deployment, PendingTx, WiringRecord};

/// One wiring `UpdateConfig` (admin only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wire {
    /// topic-registry `UpdateConfig { fee_vault }`: creation and registration fees go there.
    RegistryFeeVault,
    /// topic-registry `UpdateConfig { synthesis }`: every registration change is pushed.
    RegistrySynthesis,
    /// fee-vault `UpdateConfig { reward_distributor }`: who may draw emission.
    VaultRewardDistributor,
    /// staking `UpdateConfig { reward_distributor }`: who deposits delegator rewards.
    StakingRewardDistributor,
    /// synthesis `UpdateConfig { reward_distribution }`: the topic activity gate.
    SynthesisRewardDistribution,
}

impl Wire {
    pub fn id(self) -> &'static str {
        match self {
            Wire::RegistryFeeVault => "topic-registry.fee_vault",
            Wire::RegistrySynthesis => "topic-registry.synthesis",
            Wire::VaultRewardDistributor => "fee-vault.reward_distributor",
            Wire::StakingRewardDistributor => "staking.reward_distributor",
            Wire::SynthesisRewardDistribution => "synthesis.reward_distribution",
        }
    }

    /// (the contract updated, the contract it learns)
    pub fn ends(self) -> (SuiteContract, SuiteContract) {
        use SuiteContract::*;
        match self {
            Wire::RegistryFeeVault => (TopicRegistry, FeeVault),
            Wire::RegistrySynthesis => (TopicRegistry, Synthesis),
            Wire::VaultRewardDistributor => (FeeVault, RewardDistribution),
            Wire::StakingRewardDistributor => (Staking, RewardDistribution),
            Wire::SynthesisRewardDistribution => (Synthesis, RewardDistribution),
        }
    }

    pub fn what(self) -> String {
        let (target, learns) = self.ends();
        let field = self.id().split('.').nth(1).unwrap_or_default();
        format!("{target} UpdateConfig {{ {field}: <{learns}> }}")
    }

    /// The `UpdateConfig` message, sent to `ends().0`, naming `learns`.
    fn message(self, learns: &Addr) -> Result<cosmwasm_std::Binary, ChainError> {
        let a = Some(learns.to_string());
        let json = match self {
            Wire::RegistryFeeVault => to_json_binary(&topic_registry::ExecuteMsg::UpdateConfig {
                fee_vault: a,
                synthesis: None,
            }),
            Wire::RegistrySynthesis => to_json_binary(&topic_registry::ExecuteMsg::UpdateConfig {
                fee_vault: None,
                synthesis: a,
            }),
            Wire::VaultRewardDistributor => to_json_binary(&fee_vault::ExecuteMsg::UpdateConfig {
                registry: None,
                reward_distributor: a,
                read_fee: None,
            }),
            Wire::StakingRewardDistributor => to_json_binary(&staking::ExecuteMsg::UpdateConfig {
                registry: None,
                reward_distributor: a,
                unbonding_blocks: None,
                max_removals_per_call: None,
                min_removal: None,
                min_delegation: None,
            }),
            Wire::SynthesisRewardDistribution => {
                to_json_binary(&synthesis::ExecuteMsg::UpdateConfig {
                    reward_distribution: a,
                })
            }
        };
        json.map_err(|e| ChainError::Encode(e.to_string()))
    }

    /// Whether the chain already has this wiring (read from the target's `Config`).
    fn is_set<C: Chain + ?Sized>(
        self,
        chain: &C,
        target: &Addr,
        learns: &Addr,
    ) -> Result<bool, ChainError> {
        let set = match self {
            Wire::RegistryFeeVault | Wire::RegistrySynthesis => {
                let c: topic_registry::ConfigResponse =
                    chain.query(target, &topic_registry::QueryMsg::Config {})?;
                if self == Wire::RegistryFeeVault {
                    c.fee_vault
                } else {
                    c.synthesis
                }
            }
            Wire::VaultRewardDistributor => {
                let c: fee_vault::Config = chain.query(target, &fee_vault::QueryMsg::Config {})?;
                c.reward_distributor
            }
            Wire::StakingRewardDistributor => {
                let c: staking::Config = chain.query(target, &staking::QueryMsg::Config {})?;
                c.reward_distributor
            }
            Wire::SynthesisRewardDistribution => {
                let c: synthesis::ConfigResponse =
                    chain.query(target, &synthesis::QueryMsg::Config {})?;
                c.reward_distribution
            }
        };
        Ok(set.as_ref() == Some(learns))
    }
}

/// One step of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Store(SuiteContract),
    Instantiate(SuiteContract),
    Wire(Wire),
}

impl Step {
    /// A stable name, used in the record (`pending.step`) and in logs.
    pub fn id(&self) -> String {
        match self {
            Step::Store(c) => format!("store {c}"),
            Step::Instantiate(c) => format!("instantiate {c}"),
            Step::Wire(w) => format!("wire {}", w.id()),
        }
    }

    pub fn is_done(&self, record: &Deployment) -> bool {
        match self {
            Step::Store(c) => record.codes.contains_key(c),
            Step::Instantiate(c) => record.contracts.contains_key(c),
            Step::Wire(w) => record.wiring.get(w.id()).is_some_and(|r| r.done),
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Wire(w) => write!(f, "wire: {}", w.what()),
            _ => f.write_str(&self.id()),
        }
    }
}

/// The steps of a deployment of `config`, in order.
pub fn plan(config: &SuiteConfig) -> Vec<Step> {
    use SuiteContract::*;
    let mut steps = vec![
        Step::Store(TopicRegistry),
        Step::Store(FeeVault),
        Step::Store(Staking),
        Step::Instantiate(TopicRegistry),
        Step::Instantiate(FeeVault),
        Step::Instantiate(Staking),
        Step::Wire(Wire::RegistryFeeVault),
        Step::Store(Synthesis),
        Step::Instantiate(Synthesis),
    ];
    if config.push_registrations {
        steps.push(Step::Wire(Wire::RegistrySynthesis));
    }
    steps.extend([
        Step::Store(RewardDistribution),
        Step::Instantiate(RewardDistribution),
        Step::Wire(Wire::VaultRewardDistributor),
        Step::Wire(Wire::StakingRewardDistributor),
    ]);
    if config.activity_gate {
        steps.push(Step::Wire(Wire::SynthesisRewardDistribution));
    }
    steps.push(Step::Store(ExampleConsumer));
    steps
}

/// What one step did.
#[derive(Clone, Debug, PartialEq)]
pub enum StepOutcome {
    /// Done now by this transaction.
    Sent(TxOutcome),
    /// The record already had it.
    Recorded,
    /// Not in the record but found done on the chain (a wiring already set, or the pending
    /// transaction of an interrupted run that was included after all).
    FoundOnChain,
    /// Broadcast but not seen in a block in time: the record keeps its hash (`pending`)
    /// and the deployment stops; the next run looks the transaction up.
    Pending(String),
}

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("{step}: {source}")]
    Step { step: String, source: ChainError },
    #[error("the record is for chain {record}, the node is on {chain}")]
    WrongChain { record: String, chain: String },
    #[error("{0}")]
    Inconsistent(String),
    #[error("stopped after {0}")]
    Stopped(String),
    #[error(transparent)]
    Chain(#[from] ChainError),
}

/// Called after every step with the updated record (save it there); an error stops the
/// deployment (the record stays resumable).
pub type Observer<'a> = dyn FnMut(&Deployment, &Step, &StepOutcome) -> Result<(), DeployError> + 'a;

/// Runs every step of `record.config`'s plan that the record does not show done, then
/// checks that each recorded contract runs its recorded code.
pub fn deploy<C: Chain + ?Sized>(
    chain: &mut C,
    record: &mut Deployment,
    observer: &mut Observer,
) -> Result<(), DeployError> {
    let chain_id = chain.chain_id()?;
    if chain_id != record.chain_id {
        return Err(DeployError::WrongChain {
            record: record.chain_id.clone(),
            chain: chain_id,
        });
    }
    let steps = plan(&record.config);
    for s in &steps {
        if let Step::Wire(w) = s {
            record
                .wiring
                .entry(w.id().to_string())
                .or_insert_with(|| WiringRecord {
                    what: w.what(),
                    done: false,
                    tx: String::new(),
                });
        }
    }
    if let Some(pending) = record.pending.take() {
        resolve_pending(chain, record, &steps, pending, observer)?;
    }
    let sender = Addr::unchecked(&record.config.admin);
    for step in &steps {
        if step.is_done(record) {
            observer(record, step, &StepOutcome::Recorded)?;
            continue;
        }
        let outcome = run_step(chain, record, &sender, step).map_err(|source| {
            if let ChainError::NotIncluded { hash, .. } = &source {
                record.pending = Some(PendingTx {
                    step: step.id(),
                    tx: hash.clone(),
                });
            }
            DeployError::Step {
                step: step.id(),
                source,
            }
        });
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                // Keep the pending hash on disk before giving up.
                if let Some(p) = record.pending.clone() {
                    observer(record, step, &StepOutcome::Pending(p.tx))?;
                }
                return Err(e);
            }
        };
        observer(record, step, &outcome)?;
    }
    verify(chain, record)
}

fn run_step<C: Chain + ?Sized>(
    chain: &mut C,
    record: &mut Deployment,
    sender: &Addr,
    step: &Step,
) -> Result<StepOutcome, ChainError> {
    match *step {
        Step::Store(c) => {
            let (code, out) = chain.store_code(sender, c)?;
            record.codes.insert(
                c,
                CodeRecord {
                    code_id: code.code_id,
                    checksum: code.checksum,
                    tx: out.hash.clone(),
                },
            );
            Ok(StepOutcome::Sent(out))
        }
        Step::Instantiate(c) => {
            let code_id = record
                .code_id(c)
                .ok_or_else(|| ChainError::Other(format!("{c} has no stored code")))?;
            let addr = |k: SuiteContract| {
                record
                    .address(k)
                    .cloned()
                    .ok_or_else(|| ChainError::Other(format!("{k} is not instantiated")))
            };
            let req = Instantiate {
                code_id,
                msg: record.config.instantiate_msg(c, &addr)?,
                funds: vec![],
                label: c.name().to_string(),
                admin: Some(sender.clone()),
            };
            let (address, out) = chain.instantiate(sender, &req)?;
            record.contracts.insert(
                c,
                ContractRecord {
                    address,
                    code_id,
                    label: req.label,
                    tx: out.hash.clone(),
                },
            );
            Ok(StepOutcome::Sent(out))
        }
        Step::Wire(w) => {
            let (target, learns) = wire_ends(record, w)?;
            let found = w.is_set(chain, &target, &learns)?;
            let out = if found {
                None
            } else {
                let msg = Msg::Execute {
                    contract: target,
                    msg: w.message(&learns)?,
                    funds: vec![],
                };
                Some(chain.execute(&Tx::new(sender, vec![msg]))?)
            };
            let entry = record
                .wiring
                .entry(w.id().to_string())
                .or_insert_with(|| WiringRecord {
                    what: w.what(),
                    done: false,
                    tx: String::new(),
                });
            entry.done = true;
            entry.tx = out.as_ref().map(|o| o.hash.clone()).unwrap_or_default();
            Ok(out.map_or(StepOutcome::FoundOnChain, StepOutcome::Sent))
        }
    }
}

fn wire_ends(record: &Deployment, w: Wire) -> Result<(Addr, Addr), ChainError> {
    let (t, l) = w.ends();
    let get = |c: SuiteContract| {
        record
            .address(c)
            .cloned()
            .ok_or_else(|| ChainError::Other(format!("{c} is not instantiated")))
    };
    Ok((get(t)?, get(l)?))
}

/// A transaction of an interrupted run: if the chain included it, its result is recorded
/// (code id or address from its events) instead of doing the step again.
fn resolve_pending<C: Chain + ?Sized>(
    chain: &mut C,
    record: &mut Deployment,
    steps: &[Step],
    pending: PendingTx,
    observer: &mut Observer,
) -> Result<(), DeployError> {
    let Some(step) = steps.iter().find(|s| s.id() == pending.step) else {
        return Err(DeployError::Inconsistent(format!(
            "pending transaction {} belongs to unknown step {:?}",
            pending.tx, pending.step
        )));
    };
    let Some(out) = chain.find_tx(&pending.tx)? else {
        // Never included (dropped from the mempool): the step runs again.
        return Ok(());
    };
    if !out.is_ok() {
        return Ok(());
    }
    let bad = |what: &str| {
        DeployError::Inconsistent(format!(
            "pending transaction {} of {}: no {what} in its events",
            pending.tx, pending.step
        ))
    };
    match *step {
        Step::Store(c) => {
            let code_id = out.stored_code_id().ok_or_else(|| bad("code id"))?;
            let checksum = out
                .attr("store_code", "code_checksum")
                .ok_or_else(|| bad("code checksum"))?
                .to_lowercase();
            record.codes.insert(
                c,
                CodeRecord {
                    code_id,
                    checksum,
                    tx: pending.tx.clone(),
                },
            );
        }
        Step::Instantiate(c) => {
            let address = out.instantiated_address().ok_or_else(|| bad("address"))?;
            let code_id = chain.contract_code_id(&address)?;
            record.contracts.insert(
                c,
                ContractRecord {
                    address,
                    code_id,
                    label: c.name().to_string(),
                    tx: pending.tx.clone(),
                },
            );
        }
        // A wiring step checks the chain itself before sending.
        Step::Wire(_) => return Ok(()),
    }
    observer(record, step, &StepOutcome::FoundOnChain)
}

/// Records code that is already on the chain (stored by a governance proposal on a chain
/// with permissioned upload) as the plan's store step of `contract`, after checking that
/// its checksum is `expected` (the artifact's, from `artifacts/checksums.txt`).
pub fn adopt_code<C: Chain + ?Sized>(
    chain: &C,
    record: &mut Deployment,
    contract: SuiteContract,
    code_id: u64,
    expected: &str,
) -> Result<(), DeployError> {
    let on_chain = chain.code_checksum(code_id)?;
    if on_chain != expected.to_lowercase() {
        return Err(DeployError::Inconsistent(format!(
            "code {code_id} has checksum {on_chain}, the {contract} artifact {expected}"
        )));
    }
    if let Some(r) = record.codes.get(&contract) {
        if r.code_id != code_id {
            return Err(DeployError::Inconsistent(format!(
                "the record already has {contract} as code {}",
                r.code_id
            )));
        }
    }
    record.codes.insert(
        contract,
        CodeRecord {
            code_id,
            checksum: on_chain,
            tx: String::new(),
        },
    );
    Ok(())
}

/// Every recorded contract runs its recorded code and every planned wiring is set.
pub fn verify<C: Chain + ?Sized>(chain: &C, record: &Deployment) -> Result<(), DeployError> {
    for (c, r) in &record.contracts {
        let on_chain = chain.contract_code_id(&r.address)?;
        if on_chain != r.code_id {
            return Err(DeployError::Inconsistent(format!(
                "{c} at {} runs code {on_chain}, the record says {}",
                r.address, r.code_id
            )));
        }
    }
    for step in plan(&record.config) {
        if let Step::Wire(w) = step {
            let (target, learns) = wire_ends(record, w)?;
            if !w.is_set(chain, &target, &learns)? {
                return Err(DeployError::Inconsistent(format!(
                    "{} is not set on the chain",
                    w.what()
                )));
            }
        }
    }
    Ok(())
}

/// The plan in words with every message, for `--dry-run`: addresses not yet known are shown
/// as `<contract>`.
pub fn describe(record: &Deployment) -> Result<String, ChainError> {
    let config = &record.config;
    let addr = |c: SuiteContract| {
        Ok(record
            .address(c)
            .cloned()
            .unwrap_or_else(|| Addr::unchecked(format!("<{c}>"))))
    };
    let mut out = String::new();
    for (i, step) in plan(config).iter().enumerate() {
        let status = if step.is_done(record) {
            "done"
        } else {
            "to do"
        };
        out.push_str(&format!("{:>2}. [{status}] {step}\n", i + 1));
        match *step {
            Step::Store(c) => out.push_str(&format!("      artifacts/{}\n", c.artifact_file())),
            Step::Instantiate(c) => {
                let msg = config.instantiate_msg(c, &addr)?;
                out.push_str(&format!(
                    "      label {:?}, admin {}\n      {}\n",
                    c.name(),
                    config.admin,
                    String::from_utf8_lossy(msg.as_slice())
                ));
            }
            Step::Wire(w) => {
                let (t, l) = w.ends();
                let msg = w.message(&addr(l)?)?;
                out.push_str(&format!(
                    "      to {}: {}\n",
                    addr(t)?,
                    String::from_utf8_lossy(msg.as_slice())
                ));
            }
        }
    }
    Ok(out)
}

// Written here, not in record.rs: the record only holds what was done; what remains to do is
// the plan's to say (and record.rs stays free of the plan).
impl Deployment {
    /// True once every step of the plan is done.
    pub fn is_complete(&self) -> bool {
        plan(&self.config).iter().all(|s| s.is_done(self))
    }
}
