// The two pure halves of payAndRead: the call that pays the consumer exactly the read fee,
// and finding the consumer's reading in the transaction's events.
import type { Coin } from "@cosmjs/amino";
import type { JsonObject } from "@cosmjs/cosmwasm-stargate";
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import type { Event } from "@cosmjs/stargate";

import { NousError } from "./errors";
import type * as ExampleConsumerTypes from "./generated/ExampleConsumer.types";
import type * as FeeVaultTypes from "./generated/FeeVault.types";

/** The consumer's execute message that pays and reads (also its cw20 hook message). */
export type UseLatestInference = Extract<ExampleConsumerTypes.ExecuteMsg, { use_latest_inference: unknown }>;

/** A contract call: which contract, the message, the coins attached. */
export interface PayAndReadCall {
  contract: string;
  msg: JsonObject;
  funds: Coin[];
}

/**
 * The call paying `fee` to `consumer` for a read of `topicId`: on a native deployment the
 * consumer's UseLatestInference with exactly the fee attached (nothing when it is zero); on
 * a cw20 deployment a cw20 Send of the fee to the consumer with UseLatestInference as hook.
 */
export function payAndReadCall(
  consumer: string,
  topicId: number,
  maxAge: number | undefined,
  fee: { denom: FeeVaultTypes.Denom; amount: bigint },
): PayAndReadCall {
  const use: UseLatestInference = { use_latest_inference: { topic_id: topicId, max_age: maxAge ?? null } };
  if ("native" in fee.denom) {
    const funds = fee.amount > 0n ? [{ denom: fee.denom.native, amount: fee.amount.toString() }] : [];
    return { contract: consumer, msg: use, funds };
  }
  const send = {
    send: { contract: consumer, amount: fee.amount.toString(), msg: toBase64(toUtf8(JSON.stringify(use))) },
  };
  return { contract: fee.denom.cw20, msg: send, funds: [] };
}

/** The `seq` of the reading `consumer` stored, from its use_latest_inference event. */
export function readingSeq(events: readonly Event[], consumer: string): number {
  for (const event of events) {
    if (event.type !== "wasm") continue;
    const attr = (key: string) => event.attributes.find((a) => a.key === key)?.value;
    if (attr("_contract_address") !== consumer || attr("action") !== "use_latest_inference") continue;
    const seq = Number(attr("seq"));
    if (!Number.isSafeInteger(seq) || seq < 0) break;
    return seq;
  }
  throw new NousError(`no use_latest_inference event of ${consumer} with a reading number in the transaction`);
}
