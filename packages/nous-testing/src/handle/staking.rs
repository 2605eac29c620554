//! [`Nous`]'s staking actions and queries: reputer stake, delegation, removals.

use cosmwasm_std::{Addr, StdResult, Uint128};
use cw_multi_test::AppResponse;
use nous_types::staking as staking_msg;

use super::Nous;
use crate::app::{AnyResult, SuiteApp};

impl Nous {
    pub fn add_stake<A: SuiteApp>(
        &self,
        app: &mut A,
        reputer: &Addr,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.pay(
            app,
            reputer,
            &self.staking,
            amount,
            &staking_msg::ExecuteMsg::AddStake { topic_id },
            &staking_msg::ReceiveMsg::AddStake { topic_id },
        )
    }

    pub fn delegate<A: SuiteApp>(
        &self,
        app: &mut A,
        delegator: &Addr,
        topic_id: u64,
        reputer: &Addr,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let reputer = reputer.to_string();
        self.pay(
            app,
            delegator,
            &self.staking,
            amount,
            &staking_msg::ExecuteMsg::Delegate {
                topic_id,
                reputer: reputer.clone(),
            },
            &staking_msg::ReceiveMsg::Delegate { topic_id, reputer },
        )
    }

    pub fn remove_stake<A: SuiteApp>(
        &self,
        app: &mut A,
        reputer: &Addr,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        app.execute(
            reputer,
            &self.staking,
            &staking_msg::ExecuteMsg::RemoveStake {
                topic_id,
                amount: Uint128::new(amount),
            },
            vec![],
        )
    }

    pub fn undelegate<A: SuiteApp>(
        &self,
        app: &mut A,
        delegator: &Addr,
        topic_id: u64,
        reputer: &Addr,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        app.execute(
            delegator,
            &self.staking,
            &staking_msg::ExecuteMsg::Undelegate {
                topic_id,
                reputer: reputer.to_string(),
                amount: Uint128::new(amount),
            },
            vec![],
        )
    }

    pub fn process_removals<A: SuiteApp>(
        &self,
        app: &mut A,
        keeper: &Addr,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        app.execute(
            keeper,
            &self.staking,
            &staking_msg::ExecuteMsg::ProcessRemovals { limit },
            vec![],
        )
    }

    pub fn topic_stake<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        height: Option<u64>,
    ) -> StdResult<u128> {
        let r: staking_msg::TopicStakeResponse = app.query(
            &self.staking,
            &staking_msg::QueryMsg::TopicStake { topic_id, height },
        )?;
        Ok(r.total.u128())
    }

    pub fn staking_totals<A: SuiteApp>(&self, app: &A) -> StdResult<staking_msg::TotalsResponse> {
        app.query(&self.staking, &staking_msg::QueryMsg::Totals {})
    }
}
