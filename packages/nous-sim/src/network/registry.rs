//! topic-registry: parameters, topics, registrations.

use anyhow::{anyhow, Result};
use nous_chain::{Chain, SuiteContract};
use nous_types::topic_registry::{self as reg, GlobalParams, Role, TopicParams};

use super::client::Network;

impl<C: Chain> Network<C> {
    pub fn params(&self) -> Result<GlobalParams> {
        self.query(SuiteContract::TopicRegistry, &reg::QueryMsg::Params {})
    }

    /// Creates a topic paying the creation fee; returns (id, start height).
    pub fn create_topic(&mut self, creator: &str, params: TopicParams) -> Result<(u64, u64)> {
        let fee = self.params()?.registry.create_topic_fee.u128();
        let registry = self.contract(SuiteContract::TopicRegistry)?;
        let m = self.pay_msg(
            &registry,
            fee,
            &reg::ExecuteMsg::CreateTopic {
                params: params.clone(),
            },
            &reg::ReceiveMsg::CreateTopic { params },
        )?;
        let out = self.send("create topic", creator, vec![m])?;
        let id: u64 = out
            .any_attr("topic_id")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| anyhow!("no topic_id attribute"))?;
        let t: reg::Topic = self.query(
            SuiteContract::TopicRegistry,
            &reg::QueryMsg::Topic { topic_id: id },
        )?;
        Ok((id, t.start_height))
    }

    /// Registers and returns the per-topic actor index.
    pub fn register(&mut self, who: &str, topic: u64, role: Role) -> Result<u32> {
        let fee = self.params()?.registry.registration_fee.u128();
        let registry = self.contract(SuiteContract::TopicRegistry)?;
        let m = self.pay_msg(
            &registry,
            fee,
            &reg::ExecuteMsg::Register {
                topic_id: topic,
                role,
                owner: None,
            },
            &reg::ReceiveMsg::Register {
                topic_id: topic,
                role,
                owner: None,
            },
        )?;
        self.send("register", who, vec![m])?;
        let r: reg::RegistrationResponse = self.query(
            SuiteContract::TopicRegistry,
            &reg::QueryMsg::Registration {
                topic_id: topic,
                role,
                operator: self.addr(who)?.to_string(),
            },
        )?;
        r.registration
            .map(|r| r.actor_index)
            .ok_or_else(|| anyhow!("{who} not registered"))
    }
}
