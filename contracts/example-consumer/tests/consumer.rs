//! The example consumer on cw-multi-test with the real fee-vault (native and cw20
//! deployments) and nous-testing's mock synthesis, whose latest inference the test sets.
//! Each story checks the books after every step: the consumer holds nothing, the vault's
//! balance equals its treasury, and every fee paid shows up once in the topic's revenue.

use cosmwasm_std::{coin, coins, to_json_binary, Addr, Coin, Empty, SignedDecimal, Uint128};
use cw20::{BalanceResponse, Cw20Coin, Cw20ExecuteMsg, Cw20QueryMsg, Denom};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{App, AppResponse, Executor};
use example_consumer::msg::{
    Decision, ExecuteMsg, Guard, InstantiateMsg, LastReadingResponse, QueryMsg, ReadingsResponse,
    ReceiveMsg,
};
use example_consumer::ContractError;
use nous_chain::SuiteContract;
use nous_consumer::ConsumerError;
use nous_testing::chain::suite_code;
use nous_testing::{contract_error, wasm_attr, SuiteApp};
use nous_types::fee_vault::{
    ExecuteMsg as VaultExecute, InstantiateMsg as VaultInstantiate, QueryMsg as VaultQuery,
    TopicRevenueResponse, TreasuryResponse,
};

const DENOM: &str = "unous";
const START: u128 = 1_000_000;
const FEE: u128 = 10;
const TOPIC: u64 = 1;
/// Guarded by the consumer but never registered in the vault.
const UNREGISTERED_TOPIC: u64 = 2;
const MAX_AGE: u64 = 5;
const EPOCH_LENGTH: u64 = 1000;

// ---- the mock synthesis: nous-testing's (answers `LatestValue` with what the test sets) ----

use nous_testing::mocks::synthesis::SynthesisMockExec;

fn d(v: i64) -> SignedDecimal {
    SignedDecimal::from_atomics(v as i128, 0).unwrap()
}

// ---- the suite -------------------------------------------------------------------------

struct Suite {
    app: App,
    owner: Addr,
    alice: Addr,
    token: Option<Addr>,
    vault: Addr,
    synthesis: Addr,
    consumer: Addr,
    /// Fees the consumer has forwarded so far (what the books must show).
    paid: u128,
}

impl Suite {
    fn new(cw20: bool) -> Suite {
        let mut app = App::default();
        let owner = app.api().addr_make("owner");
        let registry = app.api().addr_make("registry");
        let alice = app.api().addr_make("alice");
        app.init_modules(|router, _, storage| {
            router
                .bank
                .init_balance(
                    storage,
                    &alice,
                    vec![coin(START, DENOM), coin(START, "uatom")],
                )
                .unwrap();
        });
        let token = cw20.then(|| {
            let code = app.store_cw20_code(&owner);
            app.instantiate_contract(
                code,
                owner.clone(),
                &cw20_base::msg::InstantiateMsg {
                    name: "Nous".into(),
                    symbol: "NOUS".into(),
                    decimals: 6,
                    initial_balances: vec![Cw20Coin {
                        address: alice.to_string(),
                        amount: Uint128::new(START),
                    }],
                    mint: None,
                    marketing: None,
                },
                &[],
                "token",
                None,
            )
            .unwrap()
        });
        let denom = match &token {
            Some(t) => Denom::Cw20(t.clone()),
            None => Denom::Native(DENOM.into()),
        };
        let vault_code = app.store_code(suite_code(SuiteContract::FeeVault));
        let vault = app
            .instantiate_contract(
                vault_code,
                owner.clone(),
                &VaultInstantiate {
                    owner: Some(owner.to_string()),
                    denom,
                    registry: registry.to_string(),
                    reward_distributor: None,
                    read_fee: Uint128::new(FEE),
                    blocks_per_month: None,
                },
                &[],
                "fee-vault",
                None,
            )
            .unwrap();
        let start_height = app.block_info().height;
        app.execute_contract(
            registry,
            vault.clone(),
            &VaultExecute::RegisterTopic {
                topic_id: TOPIC,
                epoch_length: EPOCH_LENGTH,
                start_height,
            },
            &[],
        )
        .unwrap();
        let synthesis_code = app.store_code(nous_testing::mocks::synthesis::contract());
        let synthesis = app
            .instantiate_contract(
                synthesis_code,
                owner.clone(),
                &Empty {},
                &[],
                "synthesis",
                None,
            )
            .unwrap();
        let consumer_code = app.store_code(suite_code(SuiteContract::ExampleConsumer));
        let consumer = app
            .instantiate_contract(
                consumer_code,
                owner.clone(),
                &InstantiateMsg {
                    fee_vault: vault.to_string(),
                    synthesis: synthesis.to_string(),
                    guards: vec![
                        Guard {
                            topic_id: TOPIC,
                            threshold: d(100),
                        },
                        Guard {
                            topic_id: UNREGISTERED_TOPIC,
                            threshold: d(0),
                        },
                    ],
                    max_age: MAX_AGE,
                    history_limit: Some(2),
                },
                &[],
                "example-consumer",
                Some(owner.to_string()),
            )
            .unwrap();
        Suite {
            app,
            owner,
            alice,
            token,
            vault,
            synthesis,
            consumer,
            paid: 0,
        }
    }

    fn height(&self) -> u64 {
        self.app.block_info().height
    }

    fn advance(&mut self, blocks: u64) {
        self.app.update_block(|b| {
            b.height += blocks;
            b.time = b.time.plus_seconds(5 * blocks);
        });
    }

    /// Synthesis publishes nonce `nonce` of `TOPIC`, its window closing at this height.
    fn publish(&mut self, nonce: u64, value: i64) {
        self.app
            .execute_contract(
                self.owner.clone(),
                self.synthesis.clone(),
                &SynthesisMockExec::SetLatest {
                    topic_id: TOPIC,
                    nonce,
                    value: d(value),
                },
                &[],
            )
            .unwrap();
    }

    /// Alice pays `amount` and uses the latest inference of `topic_id`: native coins on
    /// `UseLatestInference`, or a cw20 `Send` with the `ReceiveMsg` hook.
    fn use_latest_paying(&mut self, topic_id: u64, amount: u128) -> AnyResult<AppResponse> {
        let max_age = None;
        match self.token.clone() {
            None => self.app.execute_contract(
                self.alice.clone(),
                self.consumer.clone(),
                &ExecuteMsg::UseLatestInference { topic_id, max_age },
                &coins(amount, DENOM),
            ),
            Some(token) => self.app.execute_contract(
                self.alice.clone(),
                token,
                &Cw20ExecuteMsg::Send {
                    contract: self.consumer.to_string(),
                    amount: Uint128::new(amount),
                    msg: to_json_binary(&ReceiveMsg::UseLatestInference { topic_id, max_age })
                        .unwrap(),
                },
                &[],
            ),
        }
    }

    fn use_latest(&mut self) -> AnyResult<AppResponse> {
        let res = self.use_latest_paying(TOPIC, FEE);
        if res.is_ok() {
            self.paid += FEE;
        }
        res
    }

    fn balance(&self, who: &Addr) -> u128 {
        match &self.token {
            None => self
                .app
                .wrap()
                .query_balance(who, DENOM)
                .unwrap()
                .amount
                .u128(),
            Some(token) => {
                let r: BalanceResponse = self
                    .app
                    .wrap()
                    .query_wasm_smart(
                        token,
                        &Cw20QueryMsg::Balance {
                            address: who.to_string(),
                        },
                    )
                    .unwrap();
                r.balance.u128()
            }
        }
    }

    fn treasury(&self) -> u128 {
        let r: TreasuryResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.vault, &VaultQuery::Treasury {})
            .unwrap();
        r.balance.u128()
    }

    fn revenue(&self) -> u128 {
        let r: TopicRevenueResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.vault,
                &VaultQuery::TopicRevenue {
                    topic_id: TOPIC,
                    epoch: None,
                },
            )
            .unwrap();
        r.revenue.u128()
    }

    fn last_reading(&self) -> LastReadingResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.consumer, &QueryMsg::LastReading { topic_id: TOPIC })
            .unwrap()
    }

    fn readings(&self) -> Vec<u64> {
        let r: ReadingsResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.consumer,
                &QueryMsg::Readings {
                    topic_id: TOPIC,
                    start_after: None,
                    limit: None,
                },
            )
            .unwrap();
        r.readings.iter().map(|r| r.seq).collect()
    }

    /// Conservation: the consumer keeps nothing, the vault's balance is its treasury, and
    /// what left Alice is exactly the fees paid, each booked once as topic revenue (all
    /// payments here fall in the topic's epoch 0, so no drip applies).
    fn assert_books(&self) {
        assert_eq!(
            self.balance(&self.consumer),
            0,
            "the consumer keeps nothing"
        );
        assert_eq!(
            self.balance(&self.vault),
            self.treasury(),
            "vault balance == treasury"
        );
        assert_eq!(self.treasury(), self.paid, "treasury == fees paid");
        assert_eq!(self.revenue(), self.paid, "topic revenue == fees paid");
        assert_eq!(
            self.balance(&self.alice),
            START - self.paid,
            "alice paid the fees"
        );
        if self.token.is_some() {
            // Native coins never moved on a cw20 deployment.
            assert_eq!(
                self.app
                    .wrap()
                    .query_balance(&self.alice, DENOM)
                    .unwrap()
                    .amount
                    .u128(),
                START
            );
        }
    }
}

// ---- stories ---------------------------------------------------------------------------

fn fee_paid_once_per_use(cw20: bool) {
    let mut s = Suite::new(cw20);
    s.assert_books();
    s.publish(0, 120);
    for round in 0..3u64 {
        s.advance(1);
        let res = s.use_latest().unwrap();
        // One `pay_for_read` in the vault per use, for exactly the fee.
        assert_eq!(
            wasm_attr(&res, "pay_for_read", "amount"),
            Some(FEE.to_string())
        );
        assert_eq!(
            wasm_attr(&res, "pay_for_read", "payer"),
            Some(s.consumer.to_string())
        );
        assert_eq!(
            wasm_attr(&res, "use_latest_inference", "seq"),
            Some(round.to_string())
        );
        assert_eq!(
            wasm_attr(&res, "use_latest_inference", "age"),
            Some((round + 1).to_string())
        );
        s.assert_books();
    }
    assert_eq!(s.paid, 3 * FEE);
    let reading = s.last_reading().reading.unwrap();
    assert_eq!((reading.seq, reading.nonce), (2, 0));
    assert_eq!(reading.decision, Decision::Above);
    assert_eq!(reading.payer, s.alice);
    assert_eq!(reading.read_at, s.height());
    // history_limit 2.
    assert_eq!(s.readings(), vec![1, 2]);

    // A newer nonce below the threshold.
    s.publish(1, 80);
    s.use_latest().unwrap();
    s.assert_books();
    let reading = s.last_reading().reading.unwrap();
    assert_eq!(
        (reading.nonce, reading.decision, reading.age),
        (1, Decision::Below, 0)
    );
}

#[test]
fn native_fee_paid_once_per_use() {
    fee_paid_once_per_use(false);
}

#[test]
fn cw20_fee_paid_once_per_use() {
    fee_paid_once_per_use(true);
}

fn stale_or_missing_inference_pays_nothing(cw20: bool) {
    let mut s = Suite::new(cw20);

    // Missing: synthesis has nothing yet.
    let err = s.use_latest().unwrap_err();
    assert!(
        matches!(contract_error::<ContractError>(&err), Some(ContractError::Consumer(ConsumerError::InferenceUnavailable { reason, .. }))
            if reason.contains("no network inference yet")),
        "{err:?}"
    );
    s.assert_books();

    // Fresh, then stale one block past the maximum age.
    s.publish(0, 120);
    s.advance(MAX_AGE);
    s.use_latest().unwrap();
    s.assert_books();
    s.advance(1);
    let err = s.use_latest().unwrap_err();
    assert_eq!(
        contract_error::<ContractError>(&err),
        Some(&ContractError::Consumer(ConsumerError::StaleReading {
            topic_id: TOPIC,
            nonce: 0,
            age_blocks: MAX_AGE + 1,
            max_age_blocks: MAX_AGE
        })),
        "{err:?}"
    );
    assert!(err.root_cause().to_string().contains("is 6 blocks old"));
    // Nothing paid, nothing stored.
    s.assert_books();
    assert_eq!(s.paid, FEE);
    assert_eq!(s.readings(), vec![0]);

    // A topic the vault doesn't know: the fee can't be learnt, nothing is paid.
    let err = s.use_latest_paying(UNREGISTERED_TOPIC, FEE).unwrap_err();
    assert!(
        matches!(
            contract_error::<ContractError>(&err),
            Some(ContractError::Consumer(ConsumerError::ReadFeeUnavailable {
                topic_id: UNREGISTERED_TOPIC,
                ..
            }))
        ),
        "{err:?}"
    );
    // A wrong amount is refused before anything else.
    s.publish(1, 90);
    let err = s.use_latest_paying(TOPIC, FEE + 1).unwrap_err();
    assert_eq!(
        contract_error::<ContractError>(&err),
        Some(&ContractError::Consumer(ConsumerError::Overpayment {
            expected: Uint128::new(FEE),
            got: Uint128::new(FEE + 1)
        }))
    );
    s.assert_books();
    // A new inference: usable again.
    s.use_latest().unwrap();
    s.assert_books();
    assert_eq!(s.last_reading().reading.unwrap().nonce, 1);
}

#[test]
fn native_stale_or_missing_inference_pays_nothing() {
    stale_or_missing_inference_pays_nothing(false);
}

#[test]
fn cw20_stale_or_missing_inference_pays_nothing() {
    stale_or_missing_inference_pays_nothing(true);
}

#[test]
fn zero_read_fee_reads_for_free_and_wrong_coins_are_refused() {
    let mut s = Suite::new(false);
    s.publish(0, 100);
    let err = s
        .app
        .execute_contract(
            s.alice.clone(),
            s.consumer.clone(),
            &ExecuteMsg::UseLatestInference {
                topic_id: TOPIC,
                max_age: None,
            },
            &[Coin::new(FEE, "uatom")],
        )
        .unwrap_err();
    assert!(matches!(
        contract_error::<ContractError>(&err),
        Some(ContractError::Consumer(ConsumerError::WrongDenom { .. }))
    ));
    s.app
        .execute_contract(
            s.owner.clone(),
            s.vault.clone(),
            &VaultExecute::UpdateConfig {
                registry: None,
                reward_distributor: None,
                read_fee: Some(Uint128::zero()),
            },
            &[],
        )
        .unwrap();
    let res = s
        .app
        .execute_contract(
            s.alice.clone(),
            s.consumer.clone(),
            &ExecuteMsg::UseLatestInference {
                topic_id: TOPIC,
                max_age: Some(0),
            },
            &[],
        )
        .unwrap();
    assert_eq!(wasm_attr(&res, "pay_for_read", "amount"), Some("0".into()));
    assert_eq!(
        wasm_attr(&res, "use_latest_inference", "decision"),
        Some("uncertain".into())
    );
    s.assert_books();
}

#[test]
fn migrate_through_the_chain() {
    let mut s = Suite::new(false);
    let code = s.app.store_code(suite_code(SuiteContract::ExampleConsumer));
    s.app
        .migrate_contract(
            s.owner.clone(),
            s.consumer.clone(),
            &example_consumer::msg::MigrateMsg {},
            code,
        )
        .unwrap();
}
