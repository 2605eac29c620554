//! [`Nous`] and the example consumer: deploying it and having it use an inference.

use cosmwasm_std::{to_json_binary, Addr};
use cw_multi_test::AppResponse;
use nous_chain::SuiteContract;

use super::Nous;
use crate::app::{AnyResult, SuiteApp};

impl Nous {
    /// Instantiates the example consumer (its code is stored by the deploy plan) reading
    /// this suite's vault and synthesis.
    pub fn deploy_example_consumer<A: SuiteApp>(
        &self,
        app: &mut A,
        guards: Vec<example_consumer::msg::Guard>,
        max_age: u64,
    ) -> AnyResult<Addr> {
        let code = self
            .deployment
            .code_id(SuiteContract::ExampleConsumer)
            .ok_or_else(|| anyhow::anyhow!("the example consumer's code is not stored"))?;
        let msg = example_consumer::msg::InstantiateMsg {
            fee_vault: self.vault.to_string(),
            synthesis: self.synthesis.to_string(),
            guards,
            max_age,
            history_limit: None,
        };
        app.instantiate_raw(
            &self.admin,
            code,
            to_json_binary(&msg)?,
            "example-consumer",
            None,
        )
    }

    /// `payer` has `consumer` pay the read fee of `topic_id` and use its latest inference.
    pub fn use_latest_inference<A: SuiteApp>(
        &self,
        app: &mut A,
        payer: &Addr,
        consumer: &Addr,
        topic_id: u64,
        max_age: Option<u64>,
    ) -> AnyResult<AppResponse> {
        let fee = self.read_fee(app, topic_id)?;
        self.pay(
            app,
            payer,
            consumer,
            fee,
            &example_consumer::msg::ExecuteMsg::UseLatestInference { topic_id, max_age },
            &example_consumer::msg::ReceiveMsg::UseLatestInference { topic_id, max_age },
        )
    }
}
