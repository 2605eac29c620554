// The node's error messages below were captured from wasmd v0.60.8 through CosmJS 0.38.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ContractError, NousError, contractErrorText } from "../src";
import { asContractError } from "../src/errors";

const QUERY =
  "Query failed with (6): topic 999999 has no network inference yet: query wasm contract failed: unknown request";
const SIMULATED =
  "Query failed with (6): rpc error: code = Unknown desc = failed to execute message; message index: 0: " +
  "the read fee is 500000000000000000 but only 5 was attached: execute wasm contract failed " +
  "[CosmWasm/wasmd@v0.60.8/x/wasm/keeper/keeper.go:444] with gas used: '133116': unknown request";
const DELIVERED =
  "Error when broadcasting tx 210815F2009EEC2BAE28697ED14AFAF2B6E798E5E05CC331D7F9A70E9617A569 at height 173. " +
  "Code: 5; Raw log: failed to execute message; message index: 0: " +
  "the read fee is 500000000000000000 but only 5 was attached: execute wasm contract failed";
const INSTANTIATE =
  "Query failed with (6): rpc error: code = Unknown desc = failed to execute message; message index: 0: " +
  "give at least one guard (a topic and its threshold): instantiate wasm contract failed " +
  "[CosmWasm/wasmd@v0.60.8/x/wasm/keeper/keeper.go:357] with gas used: '131438': unknown request";
const SEQUENCE =
  "Query failed with (6): rpc error: code = Unknown desc = account sequence mismatch, expected 2, got 1: " +
  "incorrect account sequence [cosmos/cosmos-sdk@v0.53.6/x/auth/ante/sigverify.go:364] with gas used: '16816': unknown request";

test("contractErrorText: the contract's own text out of a query, a simulation, a delivered transaction", () => {
  assert.deepEqual(contractErrorText(QUERY), { operation: "query", reason: "topic 999999 has no network inference yet" });
  const fee = "the read fee is 500000000000000000 but only 5 was attached";
  assert.deepEqual(contractErrorText(SIMULATED), { operation: "execute", reason: fee });
  assert.deepEqual(contractErrorText(DELIVERED), { operation: "execute", reason: fee });
  assert.deepEqual(contractErrorText(INSTANTIATE), {
    operation: "instantiate",
    reason: "give at least one guard (a topic and its threshold)",
  });
});

test("contractErrorText: a text with colons of its own is kept whole", () => {
  const text =
    "the fee vault did not give the read fee of topic 4: Generic error: Querier contract error: topic 4 is not registered";
  assert.equal(
    contractErrorText(`Query failed with (6): rpc error: code = Unknown desc = failed to execute message; message index: 0: ${text}: execute wasm contract failed [x]`)?.reason,
    text,
  );
});

test("contractErrorText: not a contract's refusal", () => {
  assert.equal(contractErrorText(SEQUENCE), undefined);
  assert.equal(contractErrorText("fetch failed"), undefined);
});

test("asContractError names the contract, keeps the cause and the hash of a delivered transaction", () => {
  const names = new Map([
    ["wasm1vault", "fee-vault"],
    ["code 6", "example-consumer"],
  ]);
  const delivered = new Error(DELIVERED);
  const e = asContractError(delivered, { address: "wasm1vault" }, names);
  assert.ok(e instanceof ContractError && e instanceof NousError);
  assert.equal(e.contract, "fee-vault");
  assert.equal(e.address, "wasm1vault");
  assert.equal(e.operation, "execute");
  assert.equal(e.transactionHash, "210815F2009EEC2BAE28697ED14AFAF2B6E798E5E05CC331D7F9A70E9617A569");
  assert.equal(e.cause, delivered);
  assert.equal(e.message, "fee-vault refused the execute: the read fee is 500000000000000000 but only 5 was attached");
  assert.equal(e.name, "ContractError");

  const simulated = asContractError(new Error(SIMULATED), { address: "wasm1unknown" }, names);
  assert.ok(simulated instanceof ContractError);
  assert.equal(simulated.contract, "wasm1unknown", "an address the record does not name");
  assert.equal(simulated.transactionHash, undefined, "a refused simulation sent nothing");

  const instantiated = asContractError(new Error(INSTANTIATE), { codeId: 6 }, names);
  assert.ok(instantiated instanceof ContractError);
  assert.equal(instantiated.contract, "example-consumer");
  assert.equal(instantiated.address, undefined);
});

test("asContractError leaves other errors alone", () => {
  const sequence = new Error(SEQUENCE);
  assert.equal(asContractError(sequence, { address: "wasm1vault" }, new Map()), sequence);
  assert.equal(asContractError("text", { address: "wasm1vault" }, new Map()), "text");
});
