//! [`Nous`]'s reward-distribution actions and queries: activation, settlement, claims.

use cosmwasm_std::{Addr, StdResult};
use cw_multi_test::AppResponse;
use nous_types::reward_distribution as reward_msg;
use serde::de::DeserializeOwned;

use super::Nous;
use crate::app::{AnyResult, SuiteApp};

impl Nous {
    pub fn activate_topic<A: SuiteApp>(
        &self,
        app: &mut A,
        who: &Addr,
        topic_id: u64,
    ) -> AnyResult<AppResponse> {
        app.execute(
            who,
            &self.rewards,
            &reward_msg::ExecuteMsg::ActivateTopic { topic_id },
            vec![],
        )
    }

    /// Settles `topic_id`'s backlog, or cranks over the active topics when `None`.
    pub fn settle<A: SuiteApp>(
        &self,
        app: &mut A,
        keeper: &Addr,
        topic_id: Option<u64>,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        app.execute(
            keeper,
            &self.rewards,
            &reward_msg::ExecuteMsg::Settle { topic_id, limit },
            vec![],
        )
    }

    pub fn claim<A: SuiteApp>(&self, app: &mut A, who: &Addr) -> AnyResult<AppResponse> {
        app.execute(
            who,
            &self.rewards,
            &reward_msg::ExecuteMsg::Claim {},
            vec![],
        )
    }

    pub fn claimable<A: SuiteApp>(&self, app: &A, who: &Addr) -> StdResult<u128> {
        let r: reward_msg::ClaimableResponse = app.query(
            &self.rewards,
            &reward_msg::QueryMsg::Claimable {
                address: who.to_string(),
            },
        )?;
        Ok(r.amount.u128())
    }

    /// Reward-distribution's status of a topic (its `active` flag gates synthesis).
    pub fn topic_status<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
    ) -> StdResult<reward_msg::TopicStatusResponse> {
        app.query(
            &self.rewards,
            &reward_msg::QueryMsg::TopicStatus { topic_id },
        )
    }

    /// The reward breakdown of one settled epoch (`None` before it is settled).
    pub fn epoch_reward<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        epoch: u64,
    ) -> StdResult<Option<reward_msg::EpochReward>> {
        let r: reward_msg::EpochRewardResponse = app.query(
            &self.rewards,
            &reward_msg::QueryMsg::EpochReward { topic_id, epoch },
        )?;
        Ok(r.reward)
    }

    pub fn reward_totals<A: SuiteApp>(&self, app: &A) -> StdResult<reward_msg::Totals> {
        app.query(&self.rewards, &reward_msg::QueryMsg::Totals {})
    }

    /// Any smart query of reward-distribution.
    pub fn query_rewards<A: SuiteApp, T: DeserializeOwned>(
        &self,
        app: &A,
        msg: &reward_msg::QueryMsg,
    ) -> StdResult<T> {
        app.query(&self.rewards, msg)
    }
}
