//! staking: reputer stake, delegation, delegator rewards.

use anyhow::Result;
use nous_chain::{Chain, SuiteContract};
use nous_types::staking;

use super::client::Network;

impl<C: Chain> Network<C> {
    pub fn add_stake(&mut self, reputer: &str, topic: u64, amount: u128) -> Result<()> {
        let st = self.contract(SuiteContract::Staking)?;
        let m = self.pay_msg(
            &st,
            amount,
            &staking::ExecuteMsg::AddStake { topic_id: topic },
            &staking::ReceiveMsg::AddStake { topic_id: topic },
        )?;
        self.send("add stake", reputer, vec![m]).map(|_| ())
    }

    pub fn delegate(
        &mut self,
        delegator: &str,
        topic: u64,
        reputer: &str,
        amount: u128,
    ) -> Result<()> {
        let st = self.contract(SuiteContract::Staking)?;
        let reputer = self.addr(reputer)?.to_string();
        let m = self.pay_msg(
            &st,
            amount,
            &staking::ExecuteMsg::Delegate {
                topic_id: topic,
                reputer: reputer.clone(),
            },
            &staking::ReceiveMsg::Delegate {
                topic_id: topic,
                reputer,
            },
        )?;
        self.send("delegate", delegator, vec![m]).map(|_| ())
    }

    /// Claims a delegator's rewards from staking; returns the amount received (0 when the
    /// claim is refused, e.g. nothing to claim).
    pub fn claim_delegator(&mut self, delegator: &str, topic: u64, reputer: &str) -> Result<u128> {
        let before = self.balance(delegator)?;
        let rep = self.addr(reputer)?.to_string();
        let res = self.exec(
            "claim delegator rewards",
            delegator,
            SuiteContract::Staking,
            &staking::ExecuteMsg::ClaimDelegatorRewards {
                topic_id: topic,
                reputer: rep,
            },
        );
        let Ok(out) = res else {
            return Ok(0);
        };
        let fee: u128 = out.fee.iter().map(|c| c.amount.u128()).sum();
        Ok(self.balance(delegator)? + fee - before)
    }
}
