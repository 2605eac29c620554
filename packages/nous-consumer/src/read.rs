//! `paid_read`: pay the read fee and read a topic's latest value, in the consumer's own
//! transaction. The steps are public too, for a consumer that orders them differently.

use cosmwasm_std::{
    to_json_binary, Addr, Coin, CosmosMsg, Deps, Env, MessageInfo, QuerierWrapper, Uint128, WasmMsg,
};

use crate::error::ConsumerError;
use crate::msg::{
    Cw20ExecuteMsg, Cw20ReceiveMsg, Denom, FeeVaultExecuteMsg, FeeVaultQueryMsg,
    FeeVaultReceiveMsg, InferencePath, LatestValue, ReadFeeResponse, SynthesisQueryMsg,
};

/// Where the suite's two contracts a consumer talks to are deployed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NousAddrs {
    /// Source of the read fee, receiver of the payment.
    pub fee_vault: Addr,
    /// Source of the network inferences.
    pub synthesis: Addr,
}

/// How the caller paid the read fee to the consumer contract.
#[derive(Clone, Copy, Debug)]
pub enum Payment<'a> {
    /// Native coins attached to the consumer's message (nothing when the fee is zero).
    Native(&'a MessageInfo),
    /// A cw20 `Send` to the consumer: `MessageInfo::sender` is the token, and the hook's
    /// `sender` the payer.
    Cw20(&'a MessageInfo, &'a Cw20ReceiveMsg),
}

/// Fewest inferers `ReadPolicy::new` accepts: with three, no single worker sets the value.
pub const DEFAULT_MIN_INFERERS: u32 = 3;

/// What a reading must satisfy before the consumer pays for it and acts on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadPolicy {
    /// Oldest accepted, in blocks since the end of the inference's worker window.
    pub max_age_blocks: u64,
    /// Oldest accepted, in seconds since the block that computed it (`u64::MAX`: no limit).
    pub max_age_seconds: u64,
    /// Refuse the single-worker and no-loss-yet (median) paths.
    pub require_full_path: bool,
    /// Fewest inferers the inference must combine.
    pub min_inferers: u32,
}

impl ReadPolicy {
    /// Readings at most `max_age_blocks` blocks and `max_age_seconds` seconds old, computed
    /// on the full path from at least `DEFAULT_MIN_INFERERS` inferers.
    pub const fn new(max_age_blocks: u64, max_age_seconds: u64) -> Self {
        ReadPolicy {
            max_age_blocks,
            max_age_seconds,
            require_full_path: true,
            min_inferers: DEFAULT_MIN_INFERERS,
        }
    }

    /// The same, requiring at least `min_inferers` inferers.
    pub const fn with_min_inferers(mut self, min_inferers: u32) -> Self {
        self.min_inferers = min_inferers;
        self
    }

    /// The same, accepting the single-worker and no-loss-yet paths too (a young topic, or
    /// one with a single active inferer: combine with `with_min_inferers`).
    pub const fn allowing_any_path(mut self) -> Self {
        self.require_full_path = false;
        self
    }

    /// Checks `latest` at the block `env` describes; returns its age in blocks and seconds.
    pub fn check(&self, latest: &LatestValue, env: &Env) -> Result<(u64, u64), ConsumerError> {
        let (topic_id, nonce) = (latest.topic_id, latest.nonce);
        let age_blocks = latest.age_blocks(env.block.height);
        if age_blocks > self.max_age_blocks {
            return Err(ConsumerError::StaleReading {
                topic_id,
                nonce,
                age_blocks,
                max_age_blocks: self.max_age_blocks,
            });
        }
        let age_seconds = latest.age_seconds(env.block.time);
        if age_seconds > self.max_age_seconds {
            return Err(ConsumerError::StaleReadingSeconds {
                topic_id,
                nonce,
                age_seconds,
                max_age_seconds: self.max_age_seconds,
            });
        }
        if self.require_full_path && !matches!(latest.path, InferencePath::Full { .. }) {
            return Err(ConsumerError::PathNotFull {
                topic_id,
                nonce,
                path: latest.path,
            });
        }
        if latest.inferers < self.min_inferers {
            return Err(ConsumerError::TooFewInferers {
                topic_id,
                nonce,
                inferers: latest.inferers,
                min_inferers: self.min_inferers,
            });
        }
        Ok((age_blocks, age_seconds))
    }
}

/// A paid reading that passed the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Synthesis' answer.
    pub latest: LatestValue,
    /// Its age when read, in blocks and seconds (see `LatestValue::age_blocks`).
    pub age_blocks: u64,
    pub age_seconds: u64,
    /// Who paid: the sender of the message, or the cw20 `Send`'s sender.
    pub payer: Addr,
    /// The read fee paid and its token.
    pub fee: Uint128,
    pub denom: Denom,
}

/// Pays the read fee of `topic_id` and reads its latest value, in the consumer's
/// transaction. In order: asks the fee-vault the fee; checks `payment` is exactly that fee in
/// the suite's token; reads synthesis' `LatestValue`; checks it against `policy` at the
/// current block. Returns the reading and the message paying the vault, which the consumer
/// adds to its `Response`: if the vault refuses it, the whole transaction reverts, so a
/// reading the consumer stores or acts on is always paid for.
pub fn paid_read(
    deps: Deps,
    env: &Env,
    nous: &NousAddrs,
    payment: Payment,
    topic_id: u64,
    policy: &ReadPolicy,
) -> Result<(Reading, CosmosMsg), ConsumerError> {
    let fee = read_fee(&deps.querier, nous, topic_id)?;
    let payer = check_payment(deps, payment, &fee)?;
    let latest = latest_value(&deps.querier, nous, topic_id)?;
    let (age_blocks, age_seconds) = policy.check(&latest, env)?;
    let pay = pay_for_read_msg(nous, &fee)?;
    let reading = Reading {
        latest,
        age_blocks,
        age_seconds,
        payer,
        fee: fee.amount,
        denom: fee.denom,
    };
    Ok((reading, pay))
}

/// The fee-vault's read fee of `topic_id`, with the deployment's token.
pub fn read_fee(
    querier: &QuerierWrapper,
    nous: &NousAddrs,
    topic_id: u64,
) -> Result<ReadFeeResponse, ConsumerError> {
    querier
        .query_wasm_smart(&nous.fee_vault, &FeeVaultQueryMsg::ReadFee { topic_id })
        .map_err(|e| ConsumerError::ReadFeeUnavailable {
            topic_id,
            reason: e.to_string(),
        })
}

/// Synthesis' latest value of `topic_id` (no policy applied).
pub fn latest_value(
    querier: &QuerierWrapper,
    nous: &NousAddrs,
    topic_id: u64,
) -> Result<LatestValue, ConsumerError> {
    let latest: LatestValue = querier
        .query_wasm_smart(
            &nous.synthesis,
            &SynthesisQueryMsg::LatestValue { topic_id },
        )
        .map_err(|e| ConsumerError::InferenceUnavailable {
            topic_id,
            reason: e.to_string(),
        })?;
    if latest.topic_id != topic_id {
        return Err(ConsumerError::WrongTopicAnswer {
            expected: topic_id,
            got: latest.topic_id,
        });
    }
    Ok(latest)
}

/// Checks that `payment` is exactly `fee` in the suite's token; returns the payer.
pub fn check_payment(
    deps: Deps,
    payment: Payment,
    fee: &ReadFeeResponse,
) -> Result<Addr, ConsumerError> {
    let (payer, amount) = match payment {
        Payment::Native(info) => (info.sender.clone(), native_amount(info, &fee.denom)?),
        Payment::Cw20(info, receive) => {
            if !info.funds.is_empty() {
                return Err(ConsumerError::UnexpectedFunds {});
            }
            match &fee.denom {
                Denom::Cw20(token) if *token == info.sender => {}
                Denom::Cw20(token) => {
                    return Err(ConsumerError::WrongCw20Token {
                        expected: token.to_string(),
                        got: info.sender.to_string(),
                    })
                }
                Denom::Native(denom) => {
                    return Err(ConsumerError::UseNativeFunds {
                        denom: denom.clone(),
                    })
                }
            }
            (deps.api.addr_validate(&receive.sender)?, receive.amount)
        }
    };
    if amount < fee.amount {
        // nothing at all is a clearer error than "0 was paid"
        return Err(match (&fee.denom, amount.is_zero()) {
            (Denom::Native(denom), true) => ConsumerError::NoFunds {
                expected: denom.clone(),
            },
            (Denom::Cw20(token), true) if matches!(payment, Payment::Native(_)) => {
                ConsumerError::UseCw20Send {
                    token: token.to_string(),
                }
            }
            _ => ConsumerError::InsufficientFee {
                expected: fee.amount,
                got: amount,
            },
        });
    }
    if amount > fee.amount {
        return Err(ConsumerError::Overpayment {
            expected: fee.amount,
            got: amount,
        });
    }
    Ok(payer)
}

/// The native coins attached to `info`: nothing, or one coin of the suite's native denom
/// (on a cw20 deployment: nothing).
fn native_amount(info: &MessageInfo, denom: &Denom) -> Result<Uint128, ConsumerError> {
    match (denom, info.funds.as_slice()) {
        (_, []) => Ok(Uint128::zero()),
        (Denom::Cw20(token), _) => Err(ConsumerError::UseCw20Send {
            token: token.to_string(),
        }),
        (Denom::Native(expected), [Coin { denom, amount }]) if denom == expected => Ok(*amount),
        (Denom::Native(expected), [Coin { denom, .. }]) => Err(ConsumerError::WrongDenom {
            expected: expected.clone(),
            got: denom.clone(),
        }),
        (Denom::Native(expected), _) => Err(ConsumerError::MultipleDenoms {
            expected: expected.clone(),
        }),
    }
}

/// The message paying `fee` to the vault's `PayForRead`: native coins attached, or a cw20
/// `Send` with the `PayForRead` hook; a zero fee calls `PayForRead` with nothing attached
/// (banks and cw20 tokens refuse zero transfers, and the vault still records the read).
pub fn pay_for_read_msg(
    nous: &NousAddrs,
    fee: &ReadFeeResponse,
) -> Result<CosmosMsg, ConsumerError> {
    let topic_id = fee.topic_id;
    let msg = match &fee.denom {
        Denom::Cw20(token) if !fee.amount.is_zero() => WasmMsg::Execute {
            contract_addr: token.to_string(),
            msg: to_json_binary(&Cw20ExecuteMsg::Send {
                contract: nous.fee_vault.to_string(),
                amount: fee.amount,
                msg: to_json_binary(&FeeVaultReceiveMsg::PayForRead { topic_id })?,
            })?,
            funds: vec![],
        },
        denom => WasmMsg::Execute {
            contract_addr: nous.fee_vault.to_string(),
            msg: to_json_binary(&FeeVaultExecuteMsg::PayForRead { topic_id })?,
            funds: match denom {
                Denom::Native(d) if !fee.amount.is_zero() => vec![Coin::new(fee.amount, d)],
                _ => vec![],
            },
        },
    };
    Ok(msg.into())
}
