//! The suite deployed from its artifacts on a VM [`Chain`], with the same defaults and one
//! method per user action as the multi-test `nous_tests::Suite` (native token).

use anyhow::{anyhow, Result};
use cosmwasm_std::{Addr, Uint128};
use cw20::Denom;
use nous_types::fee_vault as vault_msg;
use nous_types::staking as staking_msg;
use nous_types::topic_registry::{self as registry_msg, GlobalParams, Role, TopicParams};

use crate::chain::{funds, Chain, TxResult};

pub const DENOM: &str = "unous";
pub const INITIAL_BALANCE: u128 = 1_000_000_000_000;

/// A topic's parameters with the chain defaults (the simulator's) and the given timing.
pub fn topic_params(epoch_length: u64, window: u64, lag: u64) -> TopicParams {
    TopicParams::defaults("ETH/USD in 5 minutes", epoch_length, window, lag)
}

/// How the economic layer is deployed.
#[derive(Clone, Debug)]
pub struct Deploy {
    pub params: GlobalParams,
    pub read_fee: u128,
    pub unbonding_blocks: u64,
    pub max_removals_per_call: u32,
    pub min_removal: u128,
    pub min_delegation: u128,
}

impl Default for Deploy {
    fn default() -> Self {
        // "unous", a 6-decimal token, with the small amounts the gas report has always used
        // (fees of 10,000 and 1,000 base units, a minimum stake of 10,000), so that its
        // figures compare across versions.
        let mut params = GlobalParams::defaults(6);
        params.registry.create_topic_fee = Uint128::new(10_000);
        params.registry.registration_fee = Uint128::new(1_000);
        params.staking.required_minimum_stake = Uint128::new(10_000);
        Deploy {
            params,
            read_fee: 500,
            unbonding_blocks: 20,
            max_removals_per_call: 3,
            min_removal: 100,
            min_delegation: 100,
        }
    }
}

/// topic-registry, fee-vault and staking from `artifacts/`, wired as in production.
pub struct VmSuite {
    pub chain: Chain,
    pub admin: Addr,
    pub registry: Addr,
    pub vault: Addr,
    pub staking: Addr,
    /// Tokens minted to accounts so far (for conservation).
    pub minted: u128,
}

impl VmSuite {
    pub fn new(deploy: Deploy) -> Result<Self> {
        let chain = Chain::new();
        let admin = chain.addr("admin");
        let denom = Denom::Native(DENOM.into());
        let registry = chain.instantiate(
            "topic-registry",
            &admin,
            &registry_msg::InstantiateMsg {
                owner: Some(admin.to_string()),
                denom: denom.clone(),
                fee_vault: None,
                params: deploy.params.clone(),
                whitelists_enabled: Default::default(),
            },
            &[],
        )?;
        let vault = chain.instantiate(
            "fee-vault",
            &admin,
            &vault_msg::InstantiateMsg {
                owner: Some(admin.to_string()),
                denom: denom.clone(),
                registry: registry.to_string(),
                reward_distributor: None,
                read_fee: Uint128::new(deploy.read_fee),
                blocks_per_month: Some(deploy.params.rewards.blocks_per_month),
            },
            &[],
        )?;
        let staking = chain.instantiate(
            "staking",
            &admin,
            &staking_msg::InstantiateMsg {
                owner: Some(admin.to_string()),
                denom,
                registry: registry.to_string(),
                reward_distributor: None,
                unbonding_blocks: deploy.unbonding_blocks,
                max_removals_per_call: deploy.max_removals_per_call,
                min_removal: Uint128::new(deploy.min_removal),
                min_delegation: Uint128::new(deploy.min_delegation),
            },
            &[],
        )?;
        chain.execute(
            &admin,
            &registry,
            &registry_msg::ExecuteMsg::UpdateConfig {
                fee_vault: Some(vault.to_string()),
                synthesis: None,
            },
            &[],
        )?;
        Ok(VmSuite {
            chain,
            admin,
            registry,
            vault,
            staking,
            minted: 0,
        })
    }

    /// The address of `name`, funded with [`INITIAL_BALANCE`] on first use.
    /// Instantiates synthesis on this suite's registry and staking and wires the registry to
    /// it, so registration changes reach synthesis's copy (the deployment the suite
    /// recommends: payloads and bundles then check their sender locally).
    pub fn deploy_synthesis(&mut self) -> Result<Addr> {
        let synthesis = self.chain.instantiate(
            "synthesis",
            &self.admin,
            &nous_types::synthesis::InstantiateMsg {
                owner: None,
                topic_registry: self.registry.to_string(),
                staking: self.staking.to_string(),
            },
            &[],
        )?;
        self.chain.execute(
            &self.admin,
            &self.registry,
            &registry_msg::ExecuteMsg::UpdateConfig {
                fee_vault: None,
                synthesis: Some(synthesis.to_string()),
            },
            &[],
        )?;
        Ok(synthesis)
    }

    pub fn account(&mut self, name: &str) -> Addr {
        let a = self.chain.addr(name);
        if self.chain.balance(&a, DENOM) == 0 && !self.is_contract(&a) {
            self.chain.mint(&a, INITIAL_BALANCE, DENOM);
            self.minted += INITIAL_BALANCE;
        }
        a
    }

    fn is_contract(&self, a: &Addr) -> bool {
        self.chain.code_of(a).is_some()
    }

    pub fn balance(&self, a: &Addr) -> u128 {
        self.chain.balance(a, DENOM)
    }

    pub fn params(&self) -> Result<GlobalParams> {
        self.chain
            .query(&self.registry, &registry_msg::QueryMsg::Params {})
    }

    // ---- topic-registry --------------------------------------------------------------

    pub fn create_topic(&mut self, creator: &str, params: TopicParams) -> Result<u64> {
        let fee = self.params()?.registry.create_topic_fee.u128();
        let sender = self.account(creator);
        let res = self.chain.execute(
            &sender,
            &self.registry,
            &registry_msg::ExecuteMsg::CreateTopic { params },
            &funds(fee, DENOM),
        )?;
        res.attr("topic_id")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| anyhow!("no topic_id attribute"))
    }

    pub fn register(&mut self, operator: &str, topic_id: u64, role: Role) -> Result<TxResult> {
        let fee = self.params()?.registry.registration_fee.u128();
        let sender = self.account(operator);
        self.chain.execute(
            &sender,
            &self.registry,
            &registry_msg::ExecuteMsg::Register {
                topic_id,
                role,
                owner: None,
            },
            &funds(fee, DENOM),
        )
    }

    pub fn unregister(&mut self, operator: &str, topic_id: u64, role: Role) -> Result<TxResult> {
        let sender = self.account(operator);
        self.chain.execute(
            &sender,
            &self.registry,
            &registry_msg::ExecuteMsg::Unregister {
                topic_id,
                role,
                operator: sender.to_string(),
            },
            &[],
        )
    }

    pub fn topic(&self, topic_id: u64) -> Result<registry_msg::Topic> {
        self.chain
            .query(&self.registry, &registry_msg::QueryMsg::Topic { topic_id })
    }

    pub fn current_epoch(&self, topic_id: u64) -> Result<u64> {
        Ok(self
            .topic(topic_id)?
            .clock()
            .epoch_at(self.chain.height())
            .unwrap_or(0))
    }

    // ---- fee-vault ---------------------------------------------------------------------

    pub fn fund_topic(&mut self, payer: &str, topic_id: u64, amount: u128) -> Result<TxResult> {
        let sender = self.account(payer);
        self.chain.execute(
            &sender,
            &self.vault,
            &vault_msg::ExecuteMsg::FundTopic { topic_id },
            &funds(amount, DENOM),
        )
    }

    pub fn read_fee(&self, topic_id: u64) -> Result<u128> {
        let fee: vault_msg::ReadFeeResponse = self
            .chain
            .query(&self.vault, &vault_msg::QueryMsg::ReadFee { topic_id })?;
        Ok(fee.amount.u128())
    }

    pub fn pay_for_read(&mut self, dapp: &str, topic_id: u64, fee: u128) -> Result<TxResult> {
        let sender = self.account(dapp);
        self.chain.execute(
            &sender,
            &self.vault,
            &vault_msg::ExecuteMsg::PayForRead { topic_id },
            &funds(fee, DENOM),
        )
    }

    pub fn fund_treasury(&mut self, payer: &str, amount: u128) -> Result<TxResult> {
        let sender = self.account(payer);
        self.chain.execute(
            &sender,
            &self.vault,
            &vault_msg::ExecuteMsg::FundTreasury {},
            &funds(amount, DENOM),
        )
    }

    pub fn treasury(&self) -> Result<u128> {
        let r: vault_msg::TreasuryResponse = self
            .chain
            .query(&self.vault, &vault_msg::QueryMsg::Treasury {})?;
        Ok(r.balance.u128())
    }

    pub fn topic_revenue(&self, topic_id: u64, epoch: Option<u64>) -> Result<u128> {
        let r: vault_msg::TopicRevenueResponse = self.chain.query(
            &self.vault,
            &vault_msg::QueryMsg::TopicRevenue { topic_id, epoch },
        )?;
        Ok(r.revenue.u128())
    }

    // ---- staking -------------------------------------------------------------------------

    pub fn add_stake(&mut self, reputer: &str, topic_id: u64, amount: u128) -> Result<TxResult> {
        let sender = self.account(reputer);
        self.chain.execute(
            &sender,
            &self.staking,
            &staking_msg::ExecuteMsg::AddStake { topic_id },
            &funds(amount, DENOM),
        )
    }

    pub fn delegate(
        &mut self,
        delegator: &str,
        topic_id: u64,
        reputer: &str,
        amount: u128,
    ) -> Result<TxResult> {
        let sender = self.account(delegator);
        let reputer = self.chain.addr(reputer).to_string();
        self.chain.execute(
            &sender,
            &self.staking,
            &staking_msg::ExecuteMsg::Delegate { topic_id, reputer },
            &funds(amount, DENOM),
        )
    }

    pub fn remove_stake(&mut self, reputer: &str, topic_id: u64, amount: u128) -> Result<TxResult> {
        let sender = self.account(reputer);
        self.chain.execute(
            &sender,
            &self.staking,
            &staking_msg::ExecuteMsg::RemoveStake {
                topic_id,
                amount: Uint128::new(amount),
            },
            &[],
        )
    }

    pub fn undelegate(
        &mut self,
        delegator: &str,
        topic_id: u64,
        reputer: &str,
        amount: u128,
    ) -> Result<TxResult> {
        let sender = self.account(delegator);
        let reputer = self.chain.addr(reputer).to_string();
        self.chain.execute(
            &sender,
            &self.staking,
            &staking_msg::ExecuteMsg::Undelegate {
                topic_id,
                reputer,
                amount: Uint128::new(amount),
            },
            &[],
        )
    }

    pub fn process_removals(&mut self, keeper: &str, limit: Option<u32>) -> Result<TxResult> {
        let sender = self.account(keeper);
        self.chain.execute(
            &sender,
            &self.staking,
            &staking_msg::ExecuteMsg::ProcessRemovals { limit },
            &[],
        )
    }

    pub fn topic_stake(&self, topic_id: u64, height: Option<u64>) -> Result<u128> {
        let r: staking_msg::TopicStakeResponse = self.chain.query(
            &self.staking,
            &staking_msg::QueryMsg::TopicStake { topic_id, height },
        )?;
        Ok(r.total.u128())
    }

    pub fn staking_totals(&self) -> Result<staking_msg::TotalsResponse> {
        self.chain
            .query(&self.staking, &staking_msg::QueryMsg::Totals {})
    }

    /// The accounting invariants of the economic layer (as in the multi-test Suite):
    /// the registry keeps nothing, the vault holds its treasury, staking holds stake plus
    /// reward funds, and no token was created or lost.
    pub fn assert_conservation(&self) {
        assert_eq!(self.balance(&self.registry), 0, "registry keeps no tokens");
        assert_eq!(
            self.balance(&self.vault),
            self.treasury().expect("treasury"),
            "vault balance == treasury"
        );
        let totals = self.staking_totals().expect("totals");
        assert_eq!(
            self.balance(&self.staking),
            totals.total_staked.u128() + totals.reward_funds.u128(),
            "staking balance == stake + reward funds"
        );
        assert_eq!(
            self.chain.supply(DENOM),
            self.minted,
            "no token created or lost"
        );
    }
}
