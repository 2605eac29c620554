//! [`SuiteApp`]: what nous-testing needs from a cw-multi-test `App`, implemented once for
//! every `App` built with `AppBuilder` (any bank, api, storage, custom, wasm, staking,
//! distribution, ibc, gov and stargate module cw-multi-test accepts), so that the suite is
//! deployed into the caller's `App` next to the caller's own contracts.

use cosmwasm_std::{
    to_json_binary, Addr, Api, BankMsg, Binary, BlockInfo, CanonicalAddr, Checksum, Coin,
    CustomMsg, CustomQuery, StdResult, Storage, WasmMsg,
};
use cw_multi_test::{
    App, AppResponse, Bank, BankSudo, ContractWrapper, Distribution, Gov, Ibc, Module, Staking,
    Stargate, SudoMsg, Wasm,
};
use nous_chain::{DeployError, Deployment, SuiteContract};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::chain::{suite_code, AppChain, BLOCK_SECONDS};

pub type AnyResult<T> = anyhow::Result<T>;

/// A cw-multi-test `App` as nous-testing drives it. Implemented for every `App<..>`; a
/// caller never implements it.
pub trait SuiteApp {
    fn block(&self) -> BlockInfo;
    /// Moves `n` blocks on, `BLOCK_SECONDS` seconds each.
    fn advance_blocks(&mut self, n: u64);
    /// The address of `name` as `MockApi::addr_make` spells it (sha256 of the name, through
    /// the App's own `Api`, so a custom Api's prefix is honoured).
    fn make_addr(&self, name: &str) -> StdResult<Addr>;
    /// Executes `msg` (JSON) on `contract` as `sender`, attaching `funds`.
    fn execute_raw(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        msg: Binary,
        funds: Vec<Coin>,
    ) -> AnyResult<AppResponse>;
    /// A bank send from `sender`.
    fn send_native(
        &mut self,
        sender: &Addr,
        to: &Addr,
        amount: Vec<Coin>,
    ) -> AnyResult<AppResponse>;
    /// A typed smart query.
    fn query<T: DeserializeOwned, M: Serialize>(&self, contract: &Addr, msg: &M) -> StdResult<T>;
    fn native_balance(&self, who: &Addr, denom: &str) -> StdResult<u128>;
    /// Creates native coins in `to`'s account (the bank's `Mint` sudo message).
    fn mint_native(&mut self, to: &Addr, amount: Vec<Coin>) -> AnyResult<()>;
    /// Stores cw20-base's code (the suite's token when it is a cw20).
    fn store_cw20_code(&mut self, creator: &Addr) -> u64;
    /// Instantiates `code_id` with `msg` (JSON); the new contract's address.
    fn instantiate_raw(
        &mut self,
        sender: &Addr,
        code_id: u64,
        msg: Binary,
        label: &str,
        admin: Option<&Addr>,
    ) -> AnyResult<Addr>;
    /// Runs nous-chain's deploy plan (store, instantiate, wire) on this App.
    fn deploy_suite(&mut self, record: &mut Deployment) -> Result<(), DeployError>;
    /// Stores one suite contract's code outside the plan (e.g. a second example consumer).
    fn store_suite_code(&mut self, creator: &Addr, contract: SuiteContract) -> u64;

    /// Executes a typed message.
    fn execute<M: Serialize>(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        msg: &M,
        funds: Vec<Coin>,
    ) -> AnyResult<AppResponse> {
        let msg = to_json_binary(msg)?;
        self.execute_raw(sender, contract, msg, funds)
    }
}

impl<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT> SuiteApp
    for App<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>
where
    CustomT::ExecT: CustomMsg + DeserializeOwned + 'static,
    CustomT::QueryT: CustomQuery + DeserializeOwned + 'static,
    WasmT: Wasm<CustomT::ExecT, CustomT::QueryT>,
    BankT: Bank,
    ApiT: Api,
    StorageT: Storage,
    CustomT: Module,
    StakingT: Staking,
    DistrT: Distribution,
    IbcT: Ibc,
    GovT: Gov,
    StargateT: Stargate,
{
    fn block(&self) -> BlockInfo {
        self.block_info()
    }

    fn advance_blocks(&mut self, n: u64) {
        self.update_block(|b| {
            b.height += n;
            b.time = b.time.plus_seconds(BLOCK_SECONDS * n);
        });
    }

    fn make_addr(&self, name: &str) -> StdResult<Addr> {
        let digest = Checksum::generate(name.as_bytes());
        self.api()
            .addr_humanize(&CanonicalAddr::from(digest.as_slice()))
    }

    fn execute_raw(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        msg: Binary,
        funds: Vec<Coin>,
    ) -> AnyResult<AppResponse> {
        let msg = WasmMsg::Execute {
            contract_addr: contract.to_string(),
            msg,
            funds,
        };
        cw_multi_test::Executor::execute(self, sender.clone(), msg.into())
    }

    fn send_native(
        &mut self,
        sender: &Addr,
        to: &Addr,
        amount: Vec<Coin>,
    ) -> AnyResult<AppResponse> {
        let msg = BankMsg::Send {
            to_address: to.to_string(),
            amount,
        };
        cw_multi_test::Executor::execute(self, sender.clone(), msg.into())
    }

    fn query<T: DeserializeOwned, M: Serialize>(&self, contract: &Addr, msg: &M) -> StdResult<T> {
        self.wrap().query_wasm_smart(contract, msg)
    }

    fn native_balance(&self, who: &Addr, denom: &str) -> StdResult<u128> {
        Ok(self.wrap().query_balance(who, denom)?.amount.u128())
    }

    fn mint_native(&mut self, to: &Addr, amount: Vec<Coin>) -> AnyResult<()> {
        self.sudo(SudoMsg::Bank(BankSudo::Mint {
            to_address: to.to_string(),
            amount,
        }))?;
        Ok(())
    }

    fn store_cw20_code(&mut self, creator: &Addr) -> u64 {
        self.store_code_with_creator(
            creator.clone(),
            Box::new(ContractWrapper::new_with_empty(
                cw20_base::contract::execute,
                cw20_base::contract::instantiate,
                cw20_base::contract::query,
            )),
        )
    }

    fn instantiate_raw(
        &mut self,
        sender: &Addr,
        code_id: u64,
        msg: Binary,
        label: &str,
        admin: Option<&Addr>,
    ) -> AnyResult<Addr> {
        let msg = WasmMsg::Instantiate {
            admin: admin.map(|a| a.to_string()),
            code_id,
            msg,
            funds: vec![],
            label: label.to_string(),
        };
        let res = cw_multi_test::Executor::execute(self, sender.clone(), msg.into())?;
        let address = res
            .events
            .iter()
            .filter(|e| e.ty == "instantiate")
            .flat_map(|e| &e.attributes)
            .find(|a| a.key == "_contract_address")
            .ok_or_else(|| anyhow::anyhow!("no _contract_address in the instantiate events"))?;
        Ok(Addr::unchecked(&address.value))
    }

    fn deploy_suite(&mut self, record: &mut Deployment) -> Result<(), DeployError> {
        nous_chain::deploy(&mut AppChain::borrowed(self), record, &mut |_, _, _| Ok(()))
    }

    fn store_suite_code(&mut self, creator: &Addr, contract: SuiteContract) -> u64 {
        self.store_code_with_creator(creator.clone(), suite_code(contract))
    }
}
