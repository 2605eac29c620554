//! [`AppChain`]: nous-chain's [`Chain`] on a cw-multi-test `App` — any `App` built with
//! `AppBuilder`, whatever its custom message, query and module types — so that the deploy
//! plan that deploys the suite on a real node deploys it here too.

use std::borrow::BorrowMut;
use std::marker::PhantomData;

use cosmwasm_std::{
    Addr, BankMsg, Binary, ContractResult, CosmosMsg, CustomMsg, CustomQuery, SystemResult, WasmMsg,
};
use cw_multi_test::{
    App, AppResponse, Bank, Contract, ContractWrapper, Distribution, Executor, Gov, Ibc, Module,
    Staking, Stargate, Wasm,
};
use nous_chain::{
    BlockInfo, Chain, ChainError, Instantiate, Msg, StoredCode, SuiteContract, Tx, TxOutcome,
};
use serde::de::DeserializeOwned;

/// Seconds a block lasts on the embedded chain when blocks are advanced.
pub const BLOCK_SECONDS: u64 = 5;

/// A suite contract linked as a library, usable in an `App` of any custom types (its
/// entry points speak `Empty`).
macro_rules! linked {
    ($krate:ident) => {
        Box::new(
            ContractWrapper::new_with_empty(
                ::$krate::contract::execute,
                ::$krate::contract::instantiate,
                ::$krate::contract::query,
            )
            .with_migrate_empty(::$krate::contract::migrate),
        )
    };
}

/// The code of one suite contract for cw-multi-test.
pub fn suite_code<ExecC, QueryC>(contract: SuiteContract) -> Box<dyn Contract<ExecC, QueryC>>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    match contract {
        SuiteContract::TopicRegistry => linked!(topic_registry),
        SuiteContract::FeeVault => linked!(fee_vault),
        SuiteContract::Staking => linked!(staking),
        SuiteContract::Synthesis => linked!(synthesis),
        // Reward-distribution also answers the replies of its isolated payouts.
        SuiteContract::RewardDistribution => Box::new(
            ContractWrapper::new_with_empty(
                ::reward_distribution::contract::execute,
                ::reward_distribution::contract::instantiate,
                ::reward_distribution::contract::query,
            )
            .with_migrate_empty(::reward_distribution::contract::migrate)
            .with_reply_empty(::reward_distribution::contract::reply),
        ),
        SuiteContract::ExampleConsumer => linked!(example_consumer),
    }
}

/// A cw-multi-test `App` seen through nous-chain's [`Chain`], borrowed
/// ([`AppChain::borrowed`], e.g. a caller's `App`) or owned ([`AppChain::owned`]).
/// Transactions run at once; gas, fees and hashes are zero / empty.
pub struct AppChain<
    A,
    BankT,
    ApiT,
    StorageT,
    CustomT,
    WasmT,
    StakingT,
    DistrT,
    IbcT,
    GovT,
    StargateT,
> {
    pub app: A,
    types: Marker<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>,
}

/// The App's type parameters, carried so that the `Chain` impl can name them.
type Marker<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT> =
    PhantomData<
        fn() -> (
            BankT,
            ApiT,
            StorageT,
            CustomT,
            WasmT,
            StakingT,
            DistrT,
            IbcT,
            GovT,
            StargateT,
        ),
    >;

type AppOf<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT> =
    App<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>;

impl<'a, BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>
    AppChain<
        &'a mut AppOf<
            BankT,
            ApiT,
            StorageT,
            CustomT,
            WasmT,
            StakingT,
            DistrT,
            IbcT,
            GovT,
            StargateT,
        >,
        BankT,
        ApiT,
        StorageT,
        CustomT,
        WasmT,
        StakingT,
        DistrT,
        IbcT,
        GovT,
        StargateT,
    >
where
    CustomT: Module,
{
    pub fn borrowed(
        app: &'a mut AppOf<
            BankT,
            ApiT,
            StorageT,
            CustomT,
            WasmT,
            StakingT,
            DistrT,
            IbcT,
            GovT,
            StargateT,
        >,
    ) -> Self {
        AppChain {
            app,
            types: PhantomData,
        }
    }
}

impl<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>
    AppChain<
        AppOf<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>,
        BankT,
        ApiT,
        StorageT,
        CustomT,
        WasmT,
        StakingT,
        DistrT,
        IbcT,
        GovT,
        StargateT,
    >
where
    CustomT: Module,
{
    pub fn owned(
        app: AppOf<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>,
    ) -> Self {
        AppChain {
            app,
            types: PhantomData,
        }
    }
}

impl<A, BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>
    AppChain<A, BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>
where
    A: BorrowMut<
        AppOf<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>,
    >,
    CustomT: Module,
{
    pub fn app(
        &self,
    ) -> &AppOf<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>
    {
        self.app.borrow()
    }

    pub fn app_mut(
        &mut self,
    ) -> &mut AppOf<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>
    {
        self.app.borrow_mut()
    }
}

/// A failed execution as a chain error; the log is the root cause (the contract's error).
/// `execute` stands for a node's simulate-then-send, so its failures are refusals (nothing
/// changed, nothing paid); `execute_with_gas` sends without simulating, so its failures
/// are failed transactions, as a node would include them.
fn refused(err: anyhow::Error) -> ChainError {
    ChainError::Refused {
        code: 1,
        log: err.root_cause().to_string(),
    }
}

fn failed(err: anyhow::Error, height: u64) -> ChainError {
    ChainError::TxFailed(Box::new(TxOutcome {
        code: 1,
        log: err.root_cause().to_string(),
        height,
        ..TxOutcome::default()
    }))
}

fn outcome(res: AppResponse, height: u64) -> TxOutcome {
    TxOutcome {
        height,
        events: res.events,
        ..TxOutcome::default()
    }
}

impl<A, BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>
    AppChain<A, BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>
where
    A: BorrowMut<
        AppOf<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>,
    >,
    CustomT::ExecT: CustomMsg + DeserializeOwned + 'static,
    CustomT::QueryT: CustomQuery + DeserializeOwned + 'static,
    WasmT: Wasm<CustomT::ExecT, CustomT::QueryT>,
    BankT: Bank,
    ApiT: cosmwasm_std::Api,
    StorageT: cosmwasm_std::Storage,
    CustomT: Module,
    StakingT: Staking,
    DistrT: Distribution,
    IbcT: Ibc,
    GovT: Gov,
    StargateT: Stargate,
{
    /// Runs a transaction's messages atomically: its outcome, or the error and height.
    fn run(&mut self, tx: &Tx) -> Result<TxOutcome, (anyhow::Error, u64)> {
        let height = self.app().block_info().height;
        let msgs: Vec<CosmosMsg<CustomT::ExecT>> = tx
            .msgs
            .iter()
            .map(|m| match m {
                Msg::Execute {
                    contract,
                    msg,
                    funds,
                } => WasmMsg::Execute {
                    contract_addr: contract.to_string(),
                    msg: msg.clone(),
                    funds: funds.clone(),
                }
                .into(),
                Msg::Send { to, amount } => BankMsg::Send {
                    to_address: to.to_string(),
                    amount: amount.clone(),
                }
                .into(),
            })
            .collect();
        let responses = self
            .app_mut()
            .execute_multi(tx.sender.clone(), msgs)
            .map_err(|e| (e, height))?;
        Ok(TxOutcome {
            height,
            events: responses.into_iter().flat_map(|r| r.events).collect(),
            ..TxOutcome::default()
        })
    }
}

impl<A, BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT> Chain
    for AppChain<A, BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>
where
    A: BorrowMut<
        AppOf<BankT, ApiT, StorageT, CustomT, WasmT, StakingT, DistrT, IbcT, GovT, StargateT>,
    >,
    CustomT::ExecT: CustomMsg + DeserializeOwned + 'static,
    CustomT::QueryT: CustomQuery + DeserializeOwned + 'static,
    WasmT: Wasm<CustomT::ExecT, CustomT::QueryT>,
    BankT: Bank,
    ApiT: cosmwasm_std::Api,
    StorageT: cosmwasm_std::Storage,
    CustomT: Module,
    StakingT: Staking,
    DistrT: Distribution,
    IbcT: Ibc,
    GovT: Gov,
    StargateT: Stargate,
{
    fn chain_id(&self) -> Result<String, ChainError> {
        Ok(self.app().block_info().chain_id)
    }

    fn block(&self) -> Result<BlockInfo, ChainError> {
        let b = self.app().block_info();
        Ok(BlockInfo {
            height: b.height,
            time: b.time,
        })
    }

    fn balance(&self, address: &Addr, denom: &str) -> Result<u128, ChainError> {
        self.app()
            .wrap()
            .query_balance(address, denom)
            .map(|c| c.amount.u128())
            .map_err(|e| ChainError::Query(e.to_string()))
    }

    fn query_smart(&self, contract: &Addr, msg: &Binary) -> Result<Binary, ChainError> {
        let request =
            cosmwasm_std::QueryRequest::<CustomT::QueryT>::Wasm(cosmwasm_std::WasmQuery::Smart {
                contract_addr: contract.to_string(),
                msg: msg.clone(),
            });
        let raw =
            cosmwasm_std::to_json_vec(&request).map_err(|e| ChainError::Encode(e.to_string()))?;
        match self.app().wrap().raw_query(&raw) {
            SystemResult::Ok(ContractResult::Ok(answer)) => Ok(answer),
            SystemResult::Ok(ContractResult::Err(e)) => Err(ChainError::Query(e)),
            SystemResult::Err(e) => Err(ChainError::Query(e.to_string())),
        }
    }

    fn contract_code_id(&self, contract: &Addr) -> Result<u64, ChainError> {
        self.app()
            .wrap()
            .query_wasm_contract_info(contract)
            .map(|i| i.code_id)
            .map_err(|e| ChainError::Query(e.to_string()))
    }

    fn code_checksum(&self, code_id: u64) -> Result<String, ChainError> {
        self.app()
            .wrap()
            .query_wasm_code_info(code_id)
            .map(|i| i.checksum.to_hex())
            .map_err(|e| ChainError::Query(e.to_string()))
    }

    fn store_code(
        &mut self,
        sender: &Addr,
        contract: SuiteContract,
    ) -> Result<(StoredCode, TxOutcome), ChainError> {
        let code_id = self
            .app_mut()
            .store_code_with_creator(sender.clone(), suite_code(contract));
        let checksum = self
            .app()
            .wrap()
            .query_wasm_code_info(code_id)
            .map_err(|e| ChainError::Query(e.to_string()))?
            .checksum
            .to_hex();
        let height = self.app().block_info().height;
        Ok((
            StoredCode { code_id, checksum },
            TxOutcome {
                height,
                ..TxOutcome::default()
            },
        ))
    }

    fn instantiate(
        &mut self,
        sender: &Addr,
        req: &Instantiate,
    ) -> Result<(Addr, TxOutcome), ChainError> {
        let height = self.app().block_info().height;
        let msg = WasmMsg::Instantiate {
            admin: req.admin.as_ref().map(|a| a.to_string()),
            code_id: req.code_id,
            msg: req.msg.clone(),
            funds: req.funds.clone(),
            label: req.label.clone(),
        };
        let res = self
            .app_mut()
            .execute(sender.clone(), msg.into())
            .map_err(refused)?;
        let out = outcome(res, height);
        let address = out
            .instantiated_address()
            .ok_or_else(|| ChainError::Decode("no _contract_address in the events".into()))?;
        Ok((address, out))
    }

    fn execute(&mut self, tx: &Tx) -> Result<TxOutcome, ChainError> {
        self.run(tx).map_err(|(e, _)| refused(e))
    }

    fn execute_with_gas(&mut self, tx: &Tx, _gas_limit: u64) -> Result<TxOutcome, ChainError> {
        self.run(tx).map_err(|(e, height)| failed(e, height))
    }

    fn wait_blocks(&mut self, n: u64) -> Result<(), ChainError> {
        self.app_mut().update_block(|b| {
            b.height += n;
            b.time = b.time.plus_seconds(BLOCK_SECONDS * n);
        });
        Ok(())
    }

    fn find_tx(&self, _hash: &str) -> Result<Option<TxOutcome>, ChainError> {
        Ok(None)
    }
}

/// The default `App` (what `App::default()` builds), owned.
pub type EmbeddedChain = AppChain<
    App,
    cw_multi_test::BankKeeper,
    cosmwasm_std::testing::MockApi,
    cosmwasm_std::testing::MockStorage,
    cw_multi_test::FailingModule<cosmwasm_std::Empty, cosmwasm_std::Empty, cosmwasm_std::Empty>,
    cw_multi_test::WasmKeeper<cosmwasm_std::Empty, cosmwasm_std::Empty>,
    cw_multi_test::StakeKeeper,
    cw_multi_test::DistributionKeeper,
    cw_multi_test::IbcFailingModule,
    cw_multi_test::GovFailingModule,
    cw_multi_test::StargateFailing,
>;
