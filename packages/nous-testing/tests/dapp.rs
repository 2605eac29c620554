//! The doc example: a small dApp outside the suite's crates that pays for and reads a
//! network inference with nous-consumer, tested against the real suite with nous-testing
//! in its own `App` (one with a custom message type, to show the suite fits any App).

use cosmwasm_std::{Addr, Empty, SignedDecimal};
use cw_multi_test::{AppBuilder, ContractWrapper, Executor, FailingModule};
use nous_testing::{topic_params, NousBuilder, SuiteApp, DENOM};
use nous_types::synthesis::InferencePath;

/// The dApp: `Settle { topic_id }` pays the read fee (attached by the caller) and records
/// the network's value if it is fresh and combined from at least three inferers.
mod dapp {
    use cosmwasm_schema::cw_serde;
    use cosmwasm_std::{
        to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response, SignedDecimal,
    };
    use cw_storage_plus::Item;
    use nous_consumer::{paid_read, ConsumerError, NousAddrs, Payment, ReadPolicy};

    #[cw_serde]
    pub struct InstantiateMsg {
        pub fee_vault: String,
        pub synthesis: String,
    }

    #[cw_serde]
    pub enum ExecuteMsg {
        Settle { topic_id: u64 },
    }

    #[cw_serde]
    pub enum QueryMsg {
        Price {},
    }

    const NOUS: Item<(String, String)> = Item::new("nous");
    const PRICE: Item<SignedDecimal> = Item::new("price");

    pub fn instantiate(
        deps: DepsMut,
        _: Env,
        _: MessageInfo,
        msg: InstantiateMsg,
    ) -> Result<Response, ConsumerError> {
        NOUS.save(deps.storage, &(msg.fee_vault, msg.synthesis))?;
        Ok(Response::new())
    }

    pub fn execute(
        deps: DepsMut,
        env: Env,
        info: MessageInfo,
        msg: ExecuteMsg,
    ) -> Result<Response, ConsumerError> {
        let ExecuteMsg::Settle { topic_id } = msg;
        let (fee_vault, synthesis) = NOUS.load(deps.storage)?;
        let nous = NousAddrs {
            fee_vault: deps.api.addr_validate(&fee_vault)?,
            synthesis: deps.api.addr_validate(&synthesis)?,
        };
        // At most 20 blocks and 120 seconds old, full path, three inferers or more.
        let policy = ReadPolicy::new(20, 120);
        let (reading, pay) = paid_read(
            deps.as_ref(),
            &env,
            &nous,
            Payment::Native(&info),
            topic_id,
            &policy,
        )?;
        PRICE.save(deps.storage, &reading.latest.value)?;
        Ok(Response::new()
            .add_message(pay)
            .add_attribute("price", reading.latest.value.to_string()))
    }

    pub fn query(deps: Deps, _: Env, msg: QueryMsg) -> Result<Binary, ConsumerError> {
        let QueryMsg::Price {} = msg;
        Ok(to_json_binary(&PRICE.may_load(deps.storage)?)?)
    }
}

/// A chain-specific message type the caller's App speaks: the suite still deploys into it.
#[cosmwasm_schema::cw_serde]
enum ChainMsg {}
impl cosmwasm_std::CustomMsg for ChainMsg {}

#[test]
fn a_dapp_pays_for_and_reads_a_real_network_inference() {
    let mut app = AppBuilder::new_custom()
        .with_custom(FailingModule::<ChainMsg, Empty, Empty>::new())
        .build(|_, _, _| {});
    let user = app.api().addr_make("user");

    // The whole suite, and a topic run by canned workers and reputers.
    let mut nous = NousBuilder::new().deploy(&mut app).unwrap();
    let topic = nous
        .canned_topic(&mut app, topic_params(12, 6, 12))
        .unwrap();

    // The caller's own contract, next to the suite.
    let code = app.store_code(Box::new(ContractWrapper::new_with_empty(
        dapp::execute,
        dapp::instantiate,
        dapp::query,
    )));
    let dapp = app
        .instantiate_contract(
            code,
            user.clone(),
            &dapp::InstantiateMsg {
                fee_vault: nous.vault.to_string(),
                synthesis: nous.synthesis.to_string(),
            },
            &[],
            "dapp",
            None,
        )
        .unwrap();
    let fee = nous.read_fee(&app, topic).unwrap();
    nous.fund(&mut app, &user, 10 * fee).unwrap();
    let settle = |app: &mut _, dapp: &Addr| {
        let funds = cosmwasm_std::coins(fee, DENOM);
        Executor::execute_contract(
            app,
            user.clone(),
            dapp.clone(),
            &dapp::ExecuteMsg::Settle { topic_id: topic },
            &funds,
        )
    };

    // Young topic: no losses yet, so the dApp's policy (full path) refuses to pay.
    let first = nous
        .publish_inference(&mut app, topic, "3000".parse().unwrap())
        .unwrap();
    assert_eq!(first.inferers, 3);
    assert_eq!(first.path, InferencePath::NoLossYet);
    let err = settle(&mut app, &dapp).unwrap_err();
    assert!(
        matches!(
            nous_testing::contract_error::<nous_consumer::ConsumerError>(&err),
            Some(nous_consumer::ConsumerError::PathNotFull { .. })
        ),
        "{err:#}"
    );

    // Two more epochs: the reputers' losses for the first are in; the path is full.
    nous.publish_inference(&mut app, topic, "3010".parse().unwrap())
        .unwrap();
    let latest = nous
        .publish_inference(&mut app, topic, "3020".parse().unwrap())
        .unwrap();
    assert!(
        matches!(latest.path, InferencePath::Full { .. }),
        "{:?}",
        latest.path
    );
    let near = |v: SignedDecimal, want: &str| {
        let want: SignedDecimal = want.parse().unwrap();
        let tolerance: SignedDecimal = "30.2".parse().unwrap(); // the canned ±1%
        assert!(
            v.abs_diff(want) <= tolerance.abs_diff(SignedDecimal::zero()),
            "{v} is not within the canned spread of {want}"
        );
    };
    near(latest.value, "3020");

    let revenue_before = nous.topic_revenue(&app, topic, None).unwrap();
    settle(&mut app, &dapp).unwrap();
    let price: Option<SignedDecimal> = app
        .wrap()
        .query_wasm_smart(&dapp, &dapp::QueryMsg::Price {})
        .unwrap();
    assert_eq!(price, Some(latest.value));
    assert_eq!(
        nous.topic_revenue(&app, topic, None).unwrap(),
        revenue_before + fee,
        "the read fee reached the vault as the topic's revenue"
    );
    nous.check_books(&app).unwrap();

    // Stale after 20 blocks without a new epoch: refused, nothing paid.
    app.advance_blocks(21);
    assert!(settle(&mut app, &dapp).is_err());
    assert_eq!(nous.balance(&app, &dapp).unwrap(), 0);
}
