import assert from "node:assert/strict";
import { test } from "node:test";

import { fromBase64, fromUtf8 } from "@cosmjs/encoding";

import { NousError, payAndReadCall, readingSeq } from "../src";

const consumer = "wasm1consumer";

test("native deployment: UseLatestInference on the consumer with exactly the fee", () => {
  const call = payAndReadCall(consumer, 3, undefined, { denom: { native: "unous" }, amount: 500n });
  assert.deepEqual(call, {
    contract: consumer,
    msg: { use_latest_inference: { topic_id: 3, max_age: null } },
    funds: [{ denom: "unous", amount: "500" }],
  });
});

test("a zero read fee attaches no coin (a zero coin is not a valid amount on chain)", () => {
  const call = payAndReadCall(consumer, 3, 10, { denom: { native: "unous" }, amount: 0n });
  assert.deepEqual(call.funds, []);
  assert.deepEqual(call.msg, { use_latest_inference: { topic_id: 3, max_age: 10 } });
});

test("cw20 deployment: a Send of the fee to the consumer with UseLatestInference as hook", () => {
  const call = payAndReadCall(consumer, 7, 12, { denom: { cw20: "wasm1token" }, amount: 2n ** 70n });
  assert.equal(call.contract, "wasm1token");
  assert.deepEqual(call.funds, []);
  const send = (call.msg as { send: { contract: string; amount: string; msg: string } }).send;
  assert.equal(send.contract, consumer);
  assert.equal(send.amount, "1180591620717411303424");
  assert.deepEqual(JSON.parse(fromUtf8(fromBase64(send.msg))), {
    use_latest_inference: { topic_id: 7, max_age: 12 },
  });
});

const wasm = (attributes: [string, string][]) => ({
  type: "wasm",
  attributes: attributes.map(([key, value]) => ({ key, value })),
});

test("readingSeq: the consumer's event, not the vault's nor another consumer's", () => {
  const events = [
    { type: "message", attributes: [{ key: "action", value: "/cosmwasm.wasm.v1.MsgExecuteContract" }] },
    wasm([["_contract_address", "wasm1other"], ["action", "use_latest_inference"], ["seq", "9"]]),
    wasm([["_contract_address", consumer], ["action", "use_latest_inference"], ["seq", "4"]]),
    wasm([["_contract_address", "wasm1vault"], ["action", "pay_for_read"], ["amount", "500"]]),
  ];
  assert.equal(readingSeq(events, consumer), 4);
});

test("readingSeq: no event, or no usable seq, is a NousError", () => {
  assert.throws(() => readingSeq([], consumer), NousError);
  assert.throws(
    () => readingSeq([wasm([["_contract_address", consumer], ["action", "use_latest_inference"], ["seq", "x"]])], consumer),
    NousError,
  );
});
