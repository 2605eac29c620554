//! The node's ABCI queries [`RpcChain`] answers from: accounts, bank balances and the wasm
//! module's contracts and codes.

use cosmrs::proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmrs::proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use cosmrs::proto::cosmwasm::wasm::v1::{
    QueryCodeRequest, QueryCodeResponse, QueryContractInfoRequest, QueryContractInfoResponse,
    QuerySmartContractStateRequest, QuerySmartContractStateResponse,
};
use cosmrs::proto::prost::Message;
use cosmwasm_std::{Addr, Binary};
use nous_chain::ChainError;

use super::RpcChain;

impl RpcChain {
    pub(super) fn read_account(&self, a: &Addr) -> Result<(u64, u64), ChainError> {
        let r: QueryAccountResponse = self
            .node
            .abci(
                "/cosmos.auth.v1beta1.Query/Account",
                &QueryAccountRequest {
                    address: a.to_string(),
                },
            )?
            .map_err(|f| ChainError::Query(format!("account {a}: {}", f.log)))?;
        let any = r
            .account
            .ok_or_else(|| ChainError::Query(format!("account {a} does not exist")))?;
        let base = BaseAccount::decode(any.value.as_slice())
            .map_err(|e| ChainError::Decode(format!("account {a} ({}): {e}", any.type_url)))?;
        Ok((base.account_number, base.sequence))
    }

    pub(super) fn query_balance(&self, address: &Addr, denom: &str) -> Result<u128, ChainError> {
        let r: QueryBalanceResponse = self
            .node
            .abci(
                "/cosmos.bank.v1beta1.Query/Balance",
                &QueryBalanceRequest {
                    address: address.to_string(),
                    denom: denom.to_string(),
                },
            )?
            .map_err(|f| ChainError::Query(f.log))?;
        match r.balance {
            None => Ok(0),
            Some(c) => c
                .amount
                .parse()
                .map_err(|e| ChainError::Decode(format!("balance {}: {e}", c.amount))),
        }
    }

    pub(super) fn query_contract_state(
        &self,
        contract: &Addr,
        msg: &Binary,
    ) -> Result<Binary, ChainError> {
        let r: QuerySmartContractStateResponse = self
            .node
            .abci(
                "/cosmwasm.wasm.v1.Query/SmartContractState",
                &QuerySmartContractStateRequest {
                    address: contract.to_string(),
                    query_data: msg.to_vec(),
                },
            )?
            .map_err(|f| ChainError::Query(f.log))?;
        Ok(Binary::new(r.data))
    }

    pub(super) fn query_contract_code_id(&self, contract: &Addr) -> Result<u64, ChainError> {
        let r: QueryContractInfoResponse = self
            .node
            .abci(
                "/cosmwasm.wasm.v1.Query/ContractInfo",
                &QueryContractInfoRequest {
                    address: contract.to_string(),
                },
            )?
            .map_err(|f| ChainError::Query(f.log))?;
        r.contract_info
            .map(|i| i.code_id)
            .ok_or_else(|| ChainError::Query(format!("{contract} is not a contract")))
    }

    pub(super) fn query_code_checksum(&self, code_id: u64) -> Result<String, ChainError> {
        let r: QueryCodeResponse = self
            .node
            .abci(
                "/cosmwasm.wasm.v1.Query/Code",
                &QueryCodeRequest { code_id },
            )?
            .map_err(|f| ChainError::Query(format!("code {code_id}: {}", f.log)))?;
        let info = r
            .code_info
            .ok_or_else(|| ChainError::Query(format!("code {code_id} does not exist")))?;
        Ok(info.data_hash.iter().map(|b| format!("{b:02x}")).collect())
    }
}
