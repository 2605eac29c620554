import assert from "node:assert/strict";
import { test } from "node:test";

import { toHex } from "@cosmjs/encoding";

import { decimalAtomics, NousError, payloadCommitment } from "../src";

// The preimage pinned by nous-types' `a_known_preimage_hashes_to_its_pinned_value`: the
// client must hash exactly what the contract checks at the reveal.
test("a known preimage hashes to the value the contract's own test pins", () => {
  const c = payloadCommitment(3, 9, "wasm1worker", "-2.25", [{ inferer: 4, value: "0.125" }], new Uint8Array(16));
  assert.equal(toHex(c), "6d88fa0ac265bebe8cf3d0df1dc8c0722d2188df1c243ac34c829a1ffc9d09f3");
});

test("the same number written differently commits alike; every field counts", () => {
  const salt = new Uint8Array(32).fill(7);
  const a = { inferer: 1, value: "0.5" };
  const b = { inferer: 2, value: "-1" };
  const f = [a, b];
  const base = toHex(payloadCommitment(1, 5, "wasm1alice", "1.5", f, salt));
  assert.equal(toHex(payloadCommitment(1n, 5n, "wasm1alice", "1.500", f, salt)), base);
  const others = [
    payloadCommitment(2, 5, "wasm1alice", "1.5", f, salt),
    payloadCommitment(1, 6, "wasm1alice", "1.5", f, salt),
    payloadCommitment(1, 5, "wasm1bob", "1.5", f, salt),
    payloadCommitment(1, 5, "wasm1alice", "1.6", f, salt),
    payloadCommitment(1, 5, "wasm1alice", null, f, salt),
    payloadCommitment(1, 5, "wasm1alice", "1.5", null, salt),
    payloadCommitment(1, 5, "wasm1alice", "1.5", [b, a], salt),
    payloadCommitment(1, 5, "wasm1alice", "1.5", f, new Uint8Array(32).fill(8)),
  ].map(toHex);
  for (const o of others) assert.notEqual(o, base);
});

test("decimals are read as 18-decimal atomics; bad input and salts are refused", () => {
  assert.equal(decimalAtomics("-2.25"), -2_250_000_000_000_000_000n);
  assert.equal(decimalAtomics("0.000000000000000001"), 1n);
  assert.equal(decimalAtomics("1000000000"), 10n ** 27n);
  assert.throws(() => decimalAtomics("1.0000000000000000001"), NousError);
  assert.throws(() => decimalAtomics("1e3"), NousError);
  assert.throws(() => payloadCommitment(1, 1, "wasm1a", "1", null, new Uint8Array(15)), NousError);
  assert.throws(() => payloadCommitment(1, 1, "wasm1a", "1", null, new Uint8Array(65)), NousError);
});
