//! The typed handle on a deployed synthesis contract: the queries its peers and consumers
//! send, each with its answer type.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, QuerierWrapper, StdResult};

use super::*;

/// `QueryMsg::EpochScores` alone (the same JSON): a caller that sends only this query does
/// not link the serializer of every `QueryMsg` variant into its artifact.
#[cw_serde]
enum EpochScoresQuery {
    EpochScores { topic_id: u64, nonce: u64 },
}

/// Typed handle on a deployed synthesis contract.
#[cw_serde]
pub struct SynthesisContract(pub Addr);

impl SynthesisContract {
    pub fn addr(&self) -> &Addr {
        &self.0
    }

    /// The newest network inference of a topic; errors when older than `max_age` blocks.
    pub fn latest_network_inference(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
        max_age: Option<u64>,
    ) -> StdResult<NetworkInferenceResponse> {
        querier.query_wasm_smart(
            &self.0,
            &QueryMsg::LatestNetworkInference { topic_id, max_age },
        )
    }

    /// The compact read of a topic's newest network inference.
    pub fn latest_value(&self, querier: &QuerierWrapper, topic_id: u64) -> StdResult<LatestValue> {
        querier.query_wasm_smart(&self.0, &QueryMsg::LatestValue { topic_id })
    }

    /// The compact reads of up to `MAX_LATEST_VALUES` topics, in the order asked.
    pub fn latest_values(
        &self,
        querier: &QuerierWrapper,
        topic_ids: Vec<u64>,
    ) -> StdResult<LatestValuesResponse> {
        querier.query_wasm_smart(&self.0, &QueryMsg::LatestValues { topic_ids })
    }

    pub fn network_inference(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
        nonce: u64,
    ) -> StdResult<NetworkInferenceResponse> {
        querier.query_wasm_smart(&self.0, &QueryMsg::NetworkInference { topic_id, nonce })
    }

    pub fn scores(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
        nonce: u64,
    ) -> StdResult<EpochScores> {
        querier.query_wasm_smart(&self.0, &QueryMsg::Scores { topic_id, nonce })
    }

    /// Status and, once scored, the scores of a nonce (what reward-distribution settles).
    /// A scored nonce's record is read raw from synthesis's storage ([`SCORES`]: the record
    /// exists exactly while the nonce's status is `Scored`), which loads no synthesis
    /// instance; a nonce without a record asks the contract for its status.
    pub fn epoch_scores(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
        nonce: u64,
    ) -> StdResult<EpochScoresResponse> {
        let key = SCORES.key((topic_id, nonce));
        if let Some(record) = querier.query_wasm_raw(&self.0, key.to_vec())? {
            return Ok(EpochScoresResponse {
                topic_id,
                nonce,
                status: ScoresStatus::Scored,
                scores: Some(EpochScores::from_record(&record)?),
            });
        }
        querier.query_wasm_smart(&self.0, &EpochScoresQuery::EpochScores { topic_id, nonce })
    }

    /// The registry's notice that the registration of (`topic_id`, `role`, `operator`) is
    /// now `registration` (`None`: removed).
    pub fn sync_registration_msg(
        &self,
        topic_id: u64,
        role: Role,
        operator: &Addr,
        registration: Option<Registration>,
    ) -> StdResult<CosmosMsg> {
        Ok(WasmMsg::Execute {
            contract_addr: self.0.to_string(),
            msg: to_json_binary(&ExecuteMsg::SyncRegistration {
                topic_id,
                role,
                operator: operator.to_string(),
                registration,
            })?,
            funds: vec![],
        }
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The narrow query reward-distribution sends is the contract's own variant on the wire.
    #[test]
    fn the_narrow_scores_query_is_the_query_msg_variant() {
        let narrow = EpochScoresQuery::EpochScores {
            topic_id: 3,
            nonce: 9,
        };
        let full = QueryMsg::EpochScores {
            topic_id: 3,
            nonce: 9,
        };
        assert_eq!(
            cosmwasm_std::to_json_vec(&narrow).unwrap(),
            cosmwasm_std::to_json_vec(&full).unwrap()
        );
    }
}
