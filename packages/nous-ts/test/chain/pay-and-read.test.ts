// On a running chain with a deployed suite whose topic has produced inferences (run by
// scripts/e2e-ts.sh after the chain-smoke scenario, from scripts/e2e-chain.sh):
//   NOUS_RPC, NOUS_DEPLOYMENT (the record), NOUS_MNEMONIC (a funded key the scenario does
//   not use), NOUS_GAS_PRICE.
// Queries topics, reads a value, pays and reads through a fresh example consumer, and sees
// the fee arrive in the fee-vault; sends generated message composers' messages; refusals
// come back as the contract's error and cost nothing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  ContractError,
  ExampleConsumerMsgComposer,
  FeeVaultMsgComposer,
  NousClient,
  NousSigningClient,
  type ReadFee,
} from "../../src";
import type * as SynthesisTypes from "../../src/generated/Synthesis.types";
import type * as TopicRegistryTypes from "../../src/generated/TopicRegistry.types";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this test runs on a local chain (scripts/e2e-ts.sh)`);
  return value;
}

const rpc = env("NOUS_RPC");
const deployment = env("NOUS_DEPLOYMENT");
const mnemonic = env("NOUS_MNEMONIC");
const gasPrice = env("NOUS_GAS_PRICE");

/** The consumer accepts inferences up to this many blocks old (the scenario has stopped). */
const CONSUMER_MAX_AGE = 1_000_000;

describe("nous-ts on a local chain", () => {
  let reader: NousClient;
  let nous: NousSigningClient;
  let topic: TopicRegistryTypes.Topic;
  let latest: SynthesisTypes.LatestValue;
  let fee: ReadFee;
  let denom: string;

  before(async () => {
    reader = await NousClient.connect({ rpc, deployment });
    // 300 ms blocks: look for each transaction more often than CosmJS' 3 s default.
    nous = await NousSigningClient.connect({ rpc, deployment, mnemonic, gasPrice, broadcastPollIntervalMs: 300 });
  });

  after(() => {
    reader?.disconnect();
    nous?.disconnect();
  });

  test("the deployed contracts are the versions the clients were generated from", async () => {
    const checks = await reader.checkVersions();
    assert.equal(checks.length, 5);
    for (const c of checks) assert.ok(c.matches, `${c.contract}: on chain ${JSON.stringify(c.onChain)}, generated from ${c.generatedFrom}`);
  });

  test("topics: the scenario's topic, paged like the registry", async () => {
    const topics = await reader.allTopics();
    assert.ok(topics.length >= 1, "no topic");
    const first = topics[0];
    assert.ok(first);
    topic = first;
    assert.deepEqual(await reader.topics({ limit: 1 }), [topic]);
    assert.deepEqual(await reader.topics({ startAfter: topics[topics.length - 1]?.id ?? 0 }), []);
    assert.equal(typeof topic.params.epoch_length, "number");
  });

  test("latestValue: the compact read of the topic's latest inference", async () => {
    latest = await reader.latestValue(topic.id);
    assert.equal(latest.topic_id, topic.id);
    assert.ok(latest.nonce > 0, "the scenario produced inferences");
    assert.ok(latest.inferers >= 1);
    assert.ok(Number.isFinite(Number(latest.value)), `value ${latest.value}`);
    assert.ok(latest.computed_at >= latest.worker_window_end);
    const [again, none] = await reader.latestValues([topic.id, 999_999]);
    assert.deepEqual(again, latest, "no epoch has closed since (the scenario stopped)");
    assert.equal(none, null);
  });

  test("readFee: the record's read fee, in the suite's token", async () => {
    fee = await reader.readFee(topic.id);
    assert.equal(fee.amount, BigInt(reader.deployment.config.read_fee));
    assert.ok(fee.amount > 0n);
    assert.ok("native" in fee.denom, "the local chain's suite uses a native denom");
    denom = fee.denom.native;
  });

  test("a query the contract refuses is a ContractError with its text", async () => {
    await assert.rejects(reader.latestValue(999_999), (e: unknown) => {
      assert.ok(e instanceof ContractError, String(e));
      assert.equal(e.contract, "synthesis");
      assert.equal(e.operation, "query");
      assert.equal(e.reason, "topic 999999 has no network inference yet");
      return true;
    });
  });

  test("payAndRead: pays exactly the fee, the vault receives it, the reading is the latest value", async () => {
    const vault = reader.addresses.feeVault;
    const consumer = await nous.instantiateExampleConsumer({
      guards: [{ topic_id: topic.id, threshold: "0" }],
      max_age: CONSUMER_MAX_AGE,
      history_limit: 5,
    });
    assert.equal(nous.consumer, consumer);

    const treasuryBefore = await reader.treasury();
    const vaultBefore = BigInt((await reader.cosmwasm.getBalance(vault, denom)).amount);

    const paid = await nous.payAndRead(topic.id);

    assert.equal(paid.fee.amount, fee.amount);
    assert.equal(paid.reading.topic_id, topic.id);
    assert.equal(paid.reading.seq, 0, "the consumer's first reading");
    assert.equal(paid.reading.nonce, latest.nonce);
    assert.equal(paid.reading.value, latest.value);
    assert.equal(paid.reading.computed_at, latest.computed_at);
    assert.equal(paid.reading.age, paid.height - latest.worker_window_end);
    assert.deepEqual(paid.reading.error_bars, latest.error_bars);
    assert.equal(paid.reading.fee, fee.amount.toString());
    assert.equal(paid.reading.payer, nous.sender);
    assert.equal(paid.reading.read_at, paid.height);
    assert.ok(paid.gasUsed > 0n);

    // The fee reached the vault: its treasury and its bank balance grew by exactly the fee,
    // and the consumer kept nothing.
    assert.equal((await reader.treasury()) - treasuryBefore, fee.amount);
    assert.equal(BigInt((await reader.cosmwasm.getBalance(vault, denom)).amount) - vaultBefore, fee.amount);
    assert.equal((await reader.cosmwasm.getBalance(consumer, denom)).amount, "0");

    // A second read is the consumer's reading 1, of the same inference.
    const again = await nous.payAndRead(topic.id, CONSUMER_MAX_AGE);
    assert.equal(again.reading.seq, 1);
    assert.equal(again.reading.nonce, latest.nonce);
    assert.equal((await reader.treasury()) - treasuryBefore, 2n * fee.amount);
  });

  test("a refused paid read is a ContractError with the contract's text and costs no fee", async () => {
    const treasuryBefore = await reader.treasury();
    await assert.rejects(nous.payAndRead(topic.id, 1), (e: unknown) => {
      assert.ok(e instanceof ContractError, String(e));
      assert.equal(e.contract, "example-consumer");
      assert.equal(e.operation, "execute");
      assert.match(
        e.reason,
        new RegExp(
          `^the latest network inference of topic ${topic.id} \\(nonce ${latest.nonce}\\) is \\d+ blocks old, more than the maximum 1, so nothing was paid$`,
        ),
      );
      return true;
    });
    await assert.rejects(nous.payAndRead(topic.id, CONSUMER_MAX_AGE + 1), (e: unknown) => {
      assert.ok(e instanceof ContractError, String(e));
      assert.equal(e.reason, `max_age ${CONSUMER_MAX_AGE + 1} is looser than this contract allows (${CONSUMER_MAX_AGE} blocks)`);
      return true;
    });
    assert.equal(await reader.treasury(), treasuryBefore);
  });

  test("message composers: two paid reads of the vault in one transaction; a refusal names the message's contract", async () => {
    const consumer = nous.consumer;
    assert.ok(consumer, "the payAndRead test instantiated one");
    const vault = new FeeVaultMsgComposer(nous.sender, reader.addresses.feeVault);
    const coin = [{ denom, amount: fee.amount.toString() }];
    const treasuryBefore = await reader.treasury();
    const result = await nous.signer.signAndBroadcast(
      nous.sender,
      [vault.payForRead({ topicId: topic.id }, coin), vault.payForRead({ topicId: topic.id }, coin)],
      "auto",
    );
    assert.equal(result.code, 0, result.rawLog);
    assert.equal((await reader.treasury()) - treasuryBefore, 2n * fee.amount);

    // The second message, to the consumer, is refused: the error names the consumer.
    const consumerMsgs = new ExampleConsumerMsgComposer(nous.sender, consumer);
    await assert.rejects(
      nous.signer.signAndBroadcast(
        nous.sender,
        [vault.payForRead({ topicId: topic.id }, coin), consumerMsgs.useLatestInference({ topicId: topic.id + 1000 }, coin)],
        "auto",
      ),
      (e: unknown) => {
        assert.ok(e instanceof ContractError, String(e));
        assert.equal(e.contract, "example-consumer");
        assert.equal(e.address, consumer);
        assert.equal(e.reason, `topic ${topic.id + 1000} is not guarded by this contract`);
        return true;
      },
    );
    assert.equal((await reader.treasury()) - treasuryBefore, 2n * fee.amount, "the refused transaction paid nothing");
  });

  test("a refused instantiation is a ContractError of the code's contract", async () => {
    await assert.rejects(nous.instantiateExampleConsumer({ guards: [], max_age: 5 }), (e: unknown) => {
      assert.ok(e instanceof ContractError, String(e));
      assert.equal(e.contract, "example-consumer");
      assert.equal(e.operation, "instantiate");
      assert.equal(e.address, undefined);
      assert.equal(e.reason, "give at least one guard (a topic and its threshold)");
      return true;
    });
  });
});
