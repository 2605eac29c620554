//! The dApp: the example consumer it instantiates and the reads it pays for.

use anyhow::{Context, Result};
use cosmwasm_std::SignedDecimal;
use nous_chain::{Chain, SuiteContract};
use nous_types::fee_vault;

use super::client::Network;
use crate::testing::example_consumer_msg as consumer_msg;

impl<C: Chain> Network<C> {
    /// The dApp's user instantiates the example consumer guarding `topics` (after they
    /// exist), from the code the deploy plan stored.
    pub fn deploy_consumer(&mut self, topics: &[u64], max_age: u64) -> Result<()> {
        if topics.is_empty() {
            return Ok(());
        }
        let code_id = self
            .deployment
            .code_id(SuiteContract::ExampleConsumer)
            .context("the example consumer's code is not stored")?;
        let guards = topics
            .iter()
            .map(|t| consumer_msg::Guard {
                topic_id: *t,
                threshold: SignedDecimal::zero(),
            })
            .collect();
        let msg = cosmwasm_std::to_json_binary(&consumer_msg::InstantiateMsg {
            fee_vault: self.contract(SuiteContract::FeeVault)?.to_string(),
            synthesis: self.contract(SuiteContract::Synthesis)?.to_string(),
            guards,
            max_age,
            history_limit: None,
        })?;
        let dapp = self.addr("dapp-user")?;
        let r = self.chain.instantiate(
            &dapp,
            &nous_chain::Instantiate {
                code_id,
                msg,
                funds: vec![],
                label: "example-consumer".into(),
                admin: None,
            },
        );
        let outcome = r.as_ref().map(|(_, o)| o.clone()).map_err(Clone::clone);
        self.record("instantiate example consumer".into(), false, &outcome);
        self.consumer = Some(r?.0);
        Ok(())
    }

    /// A dApp pays for and uses the latest inference (through the example consumer when it
    /// is deployed); returns the fee paid.
    pub fn paid_read(&mut self, dapp: &str, topic: u64) -> Result<u128> {
        let fee = self.read_fee(topic)?;
        match self.consumer.clone() {
            Some(c) => {
                let m = self.pay_msg(
                    &c,
                    fee,
                    &consumer_msg::ExecuteMsg::UseLatestInference {
                        topic_id: topic,
                        max_age: None,
                    },
                    &consumer_msg::ReceiveMsg::UseLatestInference {
                        topic_id: topic,
                        max_age: None,
                    },
                )?;
                self.send("pay-and-read (example consumer)", dapp, vec![m])?
            }
            None => {
                let vault = self.contract(SuiteContract::FeeVault)?;
                let m = self.pay_msg(
                    &vault,
                    fee,
                    &fee_vault::ExecuteMsg::PayForRead { topic_id: topic },
                    &fee_vault::ReceiveMsg::PayForRead { topic_id: topic },
                )?;
                self.send("pay-per-read", dapp, vec![m])?
            }
        };
        Ok(fee)
    }
}
