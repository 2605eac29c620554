//! [`SuiteConfig`]: everything a deployment chooses. Every instantiate message of the plan
//! is built from it here, so a new field of a contract's `InstantiateMsg` is one edit.

use cosmwasm_std::{to_json_binary, Addr, Binary, Decimal, Uint128};
use cw20::Denom;
use nous_types::reward_distribution::EmissionParams;
use nous_types::topic_registry::GlobalParams;
use nous_types::{fee_vault, reward_distribution, staking, synthesis, topic_registry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::chain::ChainError;
use crate::contracts::SuiteContract;

/// How the suite is deployed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuiteConfig {
    /// Owner (cw-ownable) and wasm admin (may migrate) of every contract. The plan's
    /// wiring messages are owner-only, so the deploying key must be this address.
    pub admin: String,
    /// The suite's token: a native denom or a cw20 contract.
    pub denom: Denom,
    /// topic-registry's parameters (fees, minimum stake, blocks per month, ...).
    pub params: GlobalParams,
    /// What a dApp pays per read (base units).
    pub read_fee: Uint128,
    /// staking: blocks between a removal request and its payment.
    pub unbonding_blocks: u64,
    /// staking: removals one `ProcessRemovals` call pays at most.
    pub max_removals_per_call: u32,
    /// staking: the smallest partial removal.
    pub min_removal: Uint128,
    /// staking: the smallest delegation (at least `min_removal`).
    pub min_delegation: Uint128,
    /// Receives the chain-security share of every emission.
    pub chain_security_recipient: String,
    pub emission: EmissionParams,
    /// reward-distribution's per-call bounds (`None`: the contract's defaults).
    pub max_epochs_per_call: Option<u32>,
    pub max_topics_per_call: Option<u32>,
    /// Wire the registry to synthesis (`UpdateConfig { synthesis }`) so that payloads check
    /// their sender against synthesis's own copy of the registrations (recommended).
    pub push_registrations: bool,
    /// Wire synthesis to reward-distribution so that it refuses payloads of inactive
    /// topics (recommended).
    pub activity_gate: bool,
}

/// The reference emission rates of MATH.md §10 with a supply of `total_supply` base units
/// (half of it circulating).
pub fn reference_emission(total_supply: u128) -> EmissionParams {
    EmissionParams {
        total_supply: Uint128::new(total_supply),
        circulating_supply: Uint128::new(total_supply / 2),
        emission_rate: Decimal::permille(25),
        max_monthly_percentage_yield: Decimal::from_ratio(95u128, 10_000u128),
        one_month_smoothing_degree: Decimal::percent(10),
        default_reputer_share: Decimal::from_ratio(1u128, 3u128),
        external_stake: Uint128::zero(),
    }
}

impl SuiteConfig {
    /// The defaults the tests and the simulator start from, for a token of `decimals`
    /// decimals (the parameters' fees and minimum stake are whole tokens of it).
    pub fn new(
        admin: impl Into<String>,
        denom: Denom,
        decimals: u8,
        chain_security_recipient: impl Into<String>,
        total_supply: u128,
    ) -> Self {
        SuiteConfig {
            admin: admin.into(),
            denom,
            params: GlobalParams::defaults(decimals),
            read_fee: Uint128::new(500),
            unbonding_blocks: 20,
            max_removals_per_call: 3,
            min_removal: Uint128::new(100),
            min_delegation: Uint128::new(100),
            chain_security_recipient: chain_security_recipient.into(),
            emission: reference_emission(total_supply),
            max_epochs_per_call: None,
            max_topics_per_call: None,
            push_registrations: true,
            activity_gate: true,
        }
    }

    /// The instantiate message of `contract`, given the addresses instantiated before it
    /// (`addr` answers for each earlier contract of the plan).
    pub fn instantiate_msg(
        &self,
        contract: SuiteContract,
        addr: &dyn Fn(SuiteContract) -> Result<Addr, ChainError>,
    ) -> Result<Binary, ChainError> {
        let admin = Some(self.admin.clone());
        let json = match contract {
            SuiteContract::TopicRegistry => to_json_binary(&topic_registry::InstantiateMsg {
                owner: admin,
                denom: self.denom.clone(),
                fee_vault: None,
                params: self.params.clone(),
                whitelists_enabled: Default::default(),
            }),
            SuiteContract::FeeVault => to_json_binary(&fee_vault::InstantiateMsg {
                owner: admin,
                denom: self.denom.clone(),
                registry: addr(SuiteContract::TopicRegistry)?.to_string(),
                reward_distributor: None,
                read_fee: self.read_fee,
                blocks_per_month: Some(self.params.rewards.blocks_per_month),
            }),
            SuiteContract::Staking => to_json_binary(&staking::InstantiateMsg {
                owner: admin,
                denom: self.denom.clone(),
                registry: addr(SuiteContract::TopicRegistry)?.to_string(),
                reward_distributor: None,
                unbonding_blocks: self.unbonding_blocks,
                max_removals_per_call: self.max_removals_per_call,
                min_removal: self.min_removal,
                min_delegation: self.min_delegation,
            }),
            SuiteContract::Synthesis => to_json_binary(&synthesis::InstantiateMsg {
                owner: admin,
                topic_registry: addr(SuiteContract::TopicRegistry)?.to_string(),
                staking: addr(SuiteContract::Staking)?.to_string(),
            }),
            SuiteContract::RewardDistribution => {
                to_json_binary(&reward_distribution::InstantiateMsg {
                    owner: admin,
                    denom: self.denom.clone(),
                    topic_registry: addr(SuiteContract::TopicRegistry)?.to_string(),
                    fee_vault: addr(SuiteContract::FeeVault)?.to_string(),
                    staking: addr(SuiteContract::Staking)?.to_string(),
                    synthesis: addr(SuiteContract::Synthesis)?.to_string(),
                    chain_security_recipient: self.chain_security_recipient.clone(),
                    emission: self.emission.clone(),
                    max_epochs_per_call: self.max_epochs_per_call,
                    max_topics_per_call: self.max_topics_per_call,
                })
            }
            SuiteContract::ExampleConsumer => {
                return Err(ChainError::Other(
                    "the example consumer is instantiated by a dApp, with its own guards".into(),
                ))
            }
        };
        json.map_err(|e| ChainError::Encode(e.to_string()))
    }
}
