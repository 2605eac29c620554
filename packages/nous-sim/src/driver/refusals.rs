//! Deliberate refusals (scenario `chain.refusals_at_epoch`): a payload for a closed
//! window, a payload from an account that never registered (on a commit–reveal topic:
//! commitments), a read paying the wrong fee.
//! Each is sent as a real transaction (on a node: without simulation, so a block includes
//! it and it pays its fee) and must fail with the contract's own error text and change
//! nothing but the sender's balance by the fee.

use anyhow::Result;
use cosmwasm_std::{Addr, Binary, HexBinary};
use nous_chain::{pay, Chain, ChainError, Msg, SuiteContract};
use nous_types::{fee_vault, synthesis as syn};

use crate::actors::roster::INTRUDER;
use crate::network::Network;
use crate::record::{Refusal, TopicRun};
use crate::units::dec;

/// Gas limit of a refused transaction (it fails early; the rest is unused).
const REFUSAL_GAS: u64 = 400_000;

/// What a refusal must leave as it was: raw answers of queries.
fn snapshot<C: Chain>(net: &Network<C>, queries: &[(SuiteContract, Binary)]) -> Vec<String> {
    queries
        .iter()
        .map(|(c, q)| match net.contract(*c) {
            Ok(a) => match net.chain.query_smart(&a, q) {
                Ok(b) => String::from_utf8_lossy(b.as_slice()).into_owned(),
                Err(e) => format!("error: {e}"),
            },
            Err(e) => format!("error: {e}"),
        })
        .collect()
}

fn one<C: Chain>(
    net: &mut Network<C>,
    what: &'static str,
    who: &str,
    msg: Msg,
    expected: String,
    watched: &[(SuiteContract, Binary)],
) -> Result<Refusal> {
    let before = snapshot(net, watched);
    let balance = net.balance(who)?;
    let r = net.send_refusal(what, who, vec![msg], REFUSAL_GAS)?;
    let (included, fee, log) = match &r {
        Ok(o) => (true, fee_of(o), "the transaction succeeded".to_string()),
        Err(ChainError::TxFailed(o)) => (true, fee_of(o), o.log.clone()),
        Err(e) => (false, 0, e.to_string()),
    };
    let unchanged =
        r.is_err() && snapshot(net, watched) == before && net.balance(who)? + fee == balance;
    Ok(Refusal {
        what,
        expected,
        log,
        included,
        fee,
        unchanged,
    })
}

fn fee_of(o: &nous_chain::TxOutcome) -> u128 {
    o.fee.iter().map(|c| c.amount.u128()).sum()
}

fn q<M: serde::Serialize>(m: &M) -> Result<Binary> {
    Ok(cosmwasm_std::to_json_binary(m)?)
}

/// A worker's message for `nonce` in the worker window, as topic `t` takes it: a payload
/// in the clear, or on a commit–reveal topic a commitment (to no payload in particular: it
/// is refused before it is read).
fn worker_msg<C: Chain>(
    net: &Network<C>,
    t: &TopicRun,
    synthesis: &Addr,
    nonce: u64,
) -> Result<Msg> {
    let msg = if t.reveal_window > 0 {
        syn::ExecuteMsg::CommitWorkerPayload {
            topic_id: t.id,
            nonce,
            commitment: HexBinary::from(vec![0u8; syn::commitment::COMMITMENT_BYTES]),
        }
    } else {
        syn::ExecuteMsg::SubmitWorkerPayload {
            topic_id: t.id,
            nonce,
            inference: Some(dec(1.0)),
            forecast: None,
        }
    };
    // the topic's payload fee rides along, so the refusal is for the reason it tests
    Ok(Msg::execute(
        synthesis,
        &msg,
        net.payload_fee_coins(t.payload_fee)?,
    )?)
}

/// Sends the three refusals during epoch `k` of topic `t` (its worker window open).
pub(super) fn send<C: Chain>(net: &mut Network<C>, t: &TopicRun, k: u64) -> Result<Vec<Refusal>> {
    let synthesis = net.contract(SuiteContract::Synthesis)?;
    let commits = t.reveal_window > 0;
    let mut out = vec![];
    // 1. An account that never registered submits (commits) in the open window (first: the
    //    window check comes before the registration check, so it must land inside it).
    let msg = worker_msg(net, t, &synthesis, k)?;
    let watched = [(
        SuiteContract::Synthesis,
        q(&syn::QueryMsg::WorkerPayloads {
            topic_id: t.id,
            nonce: k,
            start_after: None,
            limit: None,
        })?,
    )];
    let intruder = net.addr(INTRUDER)?;
    out.push(one(
        net,
        if commits {
            "commitment from an unregistered account"
        } else {
            "payload from an unregistered account"
        },
        INTRUDER,
        msg,
        format!("{intruder} is not registered as a worker in topic {}", t.id),
        &watched,
    )?);
    // 2. A dApp attaches one base unit more than the read fee.
    let fee = net.read_fee(t.id)?;
    let vault = net.contract(SuiteContract::FeeVault)?;
    let msg = pay(
        &net.deployment.config.denom,
        &vault,
        fee + 1,
        &fee_vault::ExecuteMsg::PayForRead { topic_id: t.id },
        &fee_vault::ReceiveMsg::PayForRead { topic_id: t.id },
    )?;
    let watched = [
        (
            SuiteContract::FeeVault,
            q(&fee_vault::QueryMsg::Treasury {})?,
        ),
        (
            SuiteContract::FeeVault,
            q(&fee_vault::QueryMsg::TopicRevenue {
                topic_id: t.id,
                epoch: None,
            })?,
        ),
    ];
    out.push(one(
        net,
        "read paying the wrong fee",
        "dapp-user",
        msg,
        format!("the read fee is {fee} but {} was attached", fee + 1),
        &watched,
    )?);
    // 3. A registered worker submits (commits) for the previous nonce, whose window has
    //    closed.
    if let (Some(prev), Some((worker, &index))) = (k.checked_sub(1), t.worker_index.iter().next()) {
        let msg = worker_msg(net, t, &synthesis, prev)?;
        let mut watched = vec![(
            SuiteContract::Synthesis,
            q(&syn::QueryMsg::WorkerPayload {
                topic_id: t.id,
                nonce: prev,
                worker: index,
            })?,
        )];
        if commits {
            watched.push((
                SuiteContract::Synthesis,
                q(&syn::QueryMsg::WorkerCommitment {
                    topic_id: t.id,
                    nonce: prev,
                    worker: index,
                })?,
            ));
        }
        out.push(one(
            net,
            if commits {
                "commitment outside its worker window"
            } else {
                "payload outside its worker window"
            },
            worker,
            msg,
            format!(
                "the worker window of nonce {prev} (topic {}) is not open",
                t.id
            ),
            &watched,
        )?);
    }
    Ok(out)
}
