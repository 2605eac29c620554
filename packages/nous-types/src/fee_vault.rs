//! Messages of the fee-vault contract.
//!
//! INTERFACE NOTE: `ExecuteMsg::RegisterTopic`, `ExecuteMsg::FundTopic`, their
//! `ReceiveMsg` twins, `ExecuteMsg::DrawEmission`, the query variants `TopicRevenue` and
//! `Treasury`, and the `FeeVaultContract` helper methods are used by topic-registry and
//! reward-distribution. Extend them; keep these shapes.
//!
//! Revenue semantics (MATH.md §9.1): the value "as of epoch k" includes every payment made
//! at a height inside epoch k (payments before a topic's start height count for epoch 0),
//! then the per-epoch drip `C <- C - ceil(C * epoch_length * 4345 / (blocks_per_month *
//! 1000))` is applied once for each epoch boundary crossed. The value of an epoch is final
//! once that epoch has ended.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{
    to_json_binary, Addr, Coin, CosmosMsg, QuerierWrapper, StdResult, Uint128, WasmMsg,
};
use cw20::{Cw20ReceiveMsg, Denom};

use crate::funds::pay_contract_msg;

/// Default blocks per month for the drip (MATH.md §2.1: 3-second blocks, 30-day month), the
/// maths' own default.
pub const DEFAULT_BLOCKS_PER_MONTH: u64 = nous_math::params::BLOCKS_PER_MONTH;

#[cw_serde]
pub struct InstantiateMsg {
    /// Admin (cw-ownable, two-step transfer); `None` leaves the vault without an admin.
    pub owner: Option<String>,
    /// The suite's token (native denom or cw20 address); never changes.
    pub denom: Denom,
    /// The topic-registry: the only caller of `RegisterTopic`.
    pub registry: String,
    /// The only caller of `DrawEmission`; usually set later by `UpdateConfig`.
    pub reward_distributor: Option<String>,
    /// What a dApp attaches to `PayForRead` (zero makes reads free).
    pub read_fee: Uint128,
    /// Blocks per month used by the drip (default 864000); fixed for the vault's life so
    /// that a past epoch's revenue never changes.
    pub blocks_per_month: Option<u64>,
}

#[cw_ownable::cw_ownable_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// Registry only: records a new topic (its epoch length drives the fee-revenue drip)
    /// and books the attached creation fee (may be zero: then attach nothing) as the
    /// topic's fee revenue and adds it to the treasury.
    RegisterTopic {
        topic_id: u64,
        epoch_length: u64,
        start_height: u64,
    },
    /// Anyone: pay into a topic; counted as topic fee revenue and added to the treasury.
    FundTopic { topic_id: u64 },
    /// Anyone (a dApp contract): pay exactly the read fee for a topic's inference; counted
    /// as topic fee revenue and added to the treasury. With a zero read fee, attach nothing.
    PayForRead { topic_id: u64 },
    /// Anyone: add to the emission treasury without counting as any topic's revenue.
    FundTreasury {},
    /// Reward-distribution only: send `amount` of the treasury to the caller.
    DrawEmission { amount: Uint128 },
    /// Anyone: book tokens that reached the vault by a plain transfer (bank send or cw20
    /// `Transfer`) into the treasury, restoring `balance == treasury`.
    SyncTreasury {},
    /// Admin: change parameters; unset fields are kept. The denom and `blocks_per_month`
    /// never change (a past epoch's revenue must not change).
    UpdateConfig {
        registry: Option<String>,
        reward_distributor: Option<String>,
        read_fee: Option<Uint128>,
    },
    /// cw20 deployments: the payment variants arrive here as `ReceiveMsg`.
    Receive(Cw20ReceiveMsg),
}

/// Hook messages of a cw20 `Send` to the vault (the cw20 `sender` is the payer).
#[cw_serde]
pub enum ReceiveMsg {
    RegisterTopic {
        topic_id: u64,
        epoch_length: u64,
        start_height: u64,
    },
    FundTopic {
        topic_id: u64,
    },
    PayForRead {
        topic_id: u64,
    },
    FundTreasury {},
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_ownable::cw_ownable_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// A topic's fee revenue as of `epoch` (default: the current epoch), after the drip.
    /// Epochs before the topic's first payment answer 0; epochs after the current one are
    /// refused (their value is not known yet).
    #[returns(TopicRevenueResponse)]
    TopicRevenue { topic_id: u64, epoch: Option<u64> },
    /// What the treasury holds and can be drawn.
    #[returns(TreasuryResponse)]
    Treasury {},
    /// `TopicRevenue` and `Treasury` in one answer: what settling a topic epoch reads of
    /// the vault (one contract load instead of two).
    #[returns(RevenueAndTreasuryResponse)]
    RevenueAndTreasury { topic_id: u64, epoch: Option<u64> },
    /// The vault's parameters.
    #[returns(Config)]
    Config {},
    /// One registered topic.
    #[returns(TopicInfo)]
    Topic { topic_id: u64 },
    /// Registered topics by id, ascending.
    #[returns(TopicsResponse)]
    Topics {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// The fee to attach to `PayForRead { topic_id }`.
    #[returns(ReadFeeResponse)]
    ReadFee { topic_id: u64 },
    /// The stored revenue checkpoints of a topic (for indexers), by epoch ascending.
    #[returns(RevenueCheckpointsResponse)]
    RevenueCheckpoints {
        topic_id: u64,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
}

#[cw_serde]
pub struct TopicRevenueResponse {
    pub topic_id: u64,
    pub epoch: u64,
    pub revenue: Uint128,
}

#[cw_serde]
pub struct TreasuryResponse {
    pub balance: Uint128,
}

#[cw_serde]
pub struct RevenueAndTreasuryResponse {
    pub revenue: TopicRevenueResponse,
    /// What the treasury holds and can be drawn.
    pub treasury: Uint128,
}

/// The vault's parameters (also its stored configuration).
#[cw_serde]
pub struct Config {
    pub denom: Denom,
    pub registry: Addr,
    pub reward_distributor: Option<Addr>,
    pub read_fee: Uint128,
    pub blocks_per_month: u64,
}

#[cw_serde]
pub struct TopicInfo {
    pub topic_id: u64,
    pub epoch_length: u64,
    pub start_height: u64,
    /// Height of the `RegisterTopic` call.
    pub registered_height: u64,
}

#[cw_serde]
pub struct TopicsResponse {
    pub topics: Vec<TopicInfo>,
}

#[cw_serde]
pub struct ReadFeeResponse {
    pub topic_id: u64,
    pub denom: Denom,
    pub amount: Uint128,
}

/// The revenue of a topic as of `epoch`, before that epoch's drip, written when a payment
/// changed it.
#[cw_serde]
pub struct RevenueCheckpoint {
    pub epoch: u64,
    pub revenue: Uint128,
}

#[cw_serde]
pub struct RevenueCheckpointsResponse {
    pub topic_id: u64,
    pub checkpoints: Vec<RevenueCheckpoint>,
}

/// Typed handle on a deployed fee-vault.
#[cw_serde]
pub struct FeeVaultContract(pub Addr);

impl FeeVaultContract {
    pub fn addr(&self) -> &Addr {
        &self.0
    }

    /// Registers a topic, paying the creation fee.
    pub fn register_topic_msg(
        &self,
        denom: &Denom,
        fee: Uint128,
        topic_id: u64,
        epoch_length: u64,
        start_height: u64,
    ) -> StdResult<CosmosMsg> {
        pay_contract_msg(
            denom,
            &self.0,
            fee,
            &ExecuteMsg::RegisterTopic {
                topic_id,
                epoch_length,
                start_height,
            },
            &ReceiveMsg::RegisterTopic {
                topic_id,
                epoch_length,
                start_height,
            },
        )
    }

    /// Pays `amount` into a topic's fee revenue (e.g. a registration fee).
    pub fn fund_topic_msg(
        &self,
        denom: &Denom,
        amount: Uint128,
        topic_id: u64,
    ) -> StdResult<CosmosMsg> {
        pay_contract_msg(
            denom,
            &self.0,
            amount,
            &ExecuteMsg::FundTopic { topic_id },
            &ReceiveMsg::FundTopic { topic_id },
        )
    }

    /// [`FeeVaultContract::fund_topic_msg`] for a native token only: the same message, with
    /// no cw20 path and no serializer of the whole `ExecuteMsg` linked in (synthesis pays
    /// payload fees with it; they exist on native-token deployments only).
    pub fn fund_topic_native_msg(
        &self,
        denom: &str,
        amount: Uint128,
        topic_id: u64,
    ) -> StdResult<CosmosMsg> {
        /// `ExecuteMsg::FundTopic` alone, the same JSON.
        #[derive(serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        enum FundTopicOnly {
            FundTopic { topic_id: u64 },
        }
        Ok(WasmMsg::Execute {
            contract_addr: self.0.to_string(),
            msg: to_json_binary(&FundTopicOnly::FundTopic { topic_id })?,
            funds: vec![Coin::new(amount, denom)],
        }
        .into())
    }

    pub fn draw_emission_msg(&self, amount: Uint128) -> StdResult<CosmosMsg> {
        Ok(cosmwasm_std::WasmMsg::Execute {
            contract_addr: self.0.to_string(),
            msg: cosmwasm_std::to_json_binary(&ExecuteMsg::DrawEmission { amount })?,
            funds: vec![],
        }
        .into())
    }

    pub fn topic_revenue(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
        epoch: Option<u64>,
    ) -> StdResult<Uint128> {
        let r: TopicRevenueResponse =
            querier.query_wasm_smart(&self.0, &QueryMsg::TopicRevenue { topic_id, epoch })?;
        Ok(r.revenue)
    }

    /// A topic's revenue as of `epoch` and the treasury balance, in one query.
    pub fn revenue_and_treasury(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
        epoch: Option<u64>,
    ) -> StdResult<RevenueAndTreasuryResponse> {
        querier.query_wasm_smart(&self.0, &QueryMsg::RevenueAndTreasury { topic_id, epoch })
    }

    pub fn treasury(&self, querier: &QuerierWrapper) -> StdResult<Uint128> {
        let r: TreasuryResponse = querier.query_wasm_smart(&self.0, &QueryMsg::Treasury {})?;
        Ok(r.balance)
    }

    /// Pays the read fee for a topic (a dApp contract calls this before using an inference).
    pub fn pay_for_read_msg(
        &self,
        denom: &Denom,
        fee: Uint128,
        topic_id: u64,
    ) -> StdResult<CosmosMsg> {
        pay_contract_msg(
            denom,
            &self.0,
            fee,
            &ExecuteMsg::PayForRead { topic_id },
            &ReceiveMsg::PayForRead { topic_id },
        )
    }

    /// The fee to attach to `PayForRead { topic_id }`.
    pub fn read_fee(&self, querier: &QuerierWrapper, topic_id: u64) -> StdResult<Uint128> {
        let r: ReadFeeResponse =
            querier.query_wasm_smart(&self.0, &QueryMsg::ReadFee { topic_id })?;
        Ok(r.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_native_fund_topic_message_is_the_execute_msg() {
        let vault = FeeVaultContract(Addr::unchecked("vault"));
        let amount = Uint128::new(7);
        let denom = Denom::Native("unous".into());
        assert_eq!(
            vault.fund_topic_native_msg("unous", amount, 3).unwrap(),
            vault.fund_topic_msg(&denom, amount, 3).unwrap()
        );
    }
}
