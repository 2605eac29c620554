//! reward-distribution: activation, settlement (with what it credited to whom), claims.

use anyhow::Result;
use nous_chain::{Chain, Msg, SuiteContract, TxOutcome};
use nous_types::reward_distribution::{self as rd, EpochReward};

use super::client::Network;

/// One reward credited to an owner by a settlement (reward-distribution's
/// `rewards_credited` event): inferers', forecasters' and reputers' own parts; the
/// delegators' part goes to staking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    pub topic: u64,
    /// The chain's nonce of the settled epoch.
    pub epoch: u64,
    pub owner: String,
    pub amount: u128,
}

/// Every credit of a settlement transaction, in event order.
fn credits(o: &TxOutcome) -> Vec<Credit> {
    let mut out = vec![];
    for e in o.events.iter().filter(|e| e.ty == "wasm-rewards_credited") {
        let attr = |k: &str| e.attributes.iter().find(|a| a.key == k);
        let (Some(topic), Some(epoch)) = (
            attr("topic_id").and_then(|a| a.value.parse().ok()),
            attr("epoch").and_then(|a| a.value.parse().ok()),
        ) else {
            continue;
        };
        // "class:owner:amount"
        for a in e.attributes.iter().filter(|a| a.key == "credit") {
            let mut parts = a.value.splitn(3, ':').skip(1);
            if let (Some(owner), Some(Ok(amount))) =
                (parts.next(), parts.next().map(|x| x.parse::<u128>()))
            {
                out.push(Credit {
                    topic,
                    epoch,
                    owner: owner.to_string(),
                    amount,
                });
            }
        }
    }
    out
}

impl<C: Chain> Network<C> {
    pub fn activate_topic(&mut self, keeper: &str, topic: u64) -> Result<()> {
        self.exec(
            "activate topic",
            keeper,
            SuiteContract::RewardDistribution,
            &rd::ExecuteMsg::ActivateTopic { topic_id: topic },
        )
        .map(|_| ())
    }

    /// The permissionless settlement crank for `topic`; returns what it credited.
    pub fn settle(&mut self, keeper: &str, topic: u64) -> Result<Vec<Credit>> {
        let m = Msg::execute(
            &self.contract(SuiteContract::RewardDistribution)?,
            &rd::ExecuteMsg::Settle {
                topic_id: Some(topic),
                limit: None,
            },
            vec![],
        )?;
        let out = self.send_named(keeper, m, "settlement of 0 epochs", |o| {
            let settled = o
                .events
                .iter()
                .filter(|e| e.ty == "wasm-epoch_settled")
                .count();
            match settled {
                1 => "settlement of one epoch".to_string(),
                n => format!("settlement of {n} epochs"),
            }
        })?;
        Ok(credits(&out))
    }

    pub fn epoch_reward(&self, topic: u64, epoch: u64) -> Option<EpochReward> {
        self.query::<rd::EpochRewardResponse, _>(
            SuiteContract::RewardDistribution,
            &rd::QueryMsg::EpochReward {
                topic_id: topic,
                epoch,
            },
        )
        .ok()
        .and_then(|r| r.reward)
    }

    pub fn claimable(&self, who: &str) -> u128 {
        let Ok(address) = self.addr(who) else {
            return 0;
        };
        self.query::<rd::ClaimableResponse, _>(
            SuiteContract::RewardDistribution,
            &rd::QueryMsg::Claimable {
                address: address.to_string(),
            },
        )
        .map(|r| r.amount.u128())
        .unwrap_or(0)
    }

    /// Claims what `who` may claim; returns the amount.
    pub fn claim(&mut self, who: &str) -> Result<u128> {
        let amount = self.claimable(who);
        if amount > 0 {
            self.exec(
                "claim",
                who,
                SuiteContract::RewardDistribution,
                &rd::ExecuteMsg::Claim {},
            )?;
        }
        Ok(amount)
    }

    pub fn topic_status(&self, topic: u64) -> Result<rd::TopicStatusResponse> {
        self.query(
            SuiteContract::RewardDistribution,
            &rd::QueryMsg::TopicStatus { topic_id: topic },
        )
    }

    pub fn reward_totals(&self) -> Result<rd::Totals> {
        self.query(SuiteContract::RewardDistribution, &rd::QueryMsg::Totals {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::Event;

    #[test]
    fn reads_the_credits_of_a_settlement() {
        let o = TxOutcome {
            code: 0,
            log: String::new(),
            height: 1,
            gas_wanted: 0,
            gas_used: 0,
            fee: vec![],
            hash: String::new(),
            tx_bytes: 0,
            events: vec![
                Event::new("wasm-epoch_settled").add_attribute("credit", "inferer:x:1"),
                Event::new("wasm-rewards_credited")
                    .add_attribute("topic_id", "2")
                    .add_attribute("epoch", "7")
                    .add_attribute("credit", "inferer:alice:10")
                    .add_attribute("credit", "reputer:bob:3"),
            ],
        };
        let c = credits(&o);
        assert_eq!(c.len(), 2);
        assert_eq!(
            c[1],
            Credit {
                topic: 2,
                epoch: 7,
                owner: "bob".into(),
                amount: 3
            }
        );
    }
}
