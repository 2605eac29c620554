// test/fixtures/nous-local-1.json is a record written by nous-deploy on the local chain
// (scripts/local-chain.sh, the chain-smoke configuration). When the record's format changes,
// replace it with a record of the new format (any run of scripts/e2e-chain.sh writes one).
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { DeploymentError, loadDeployment, parseDeployment, suiteAddresses, type Deployment } from "../src";

const fixtures = join(__dirname, "../../test/fixtures");
const fixture = join(fixtures, "nous-local-1.json");

async function record(): Promise<Deployment> {
  return loadDeployment(fixture);
}

/** The issues parseDeployment reports for `json`. */
function issues(json: unknown): readonly string[] {
  try {
    parseDeployment(json);
  } catch (e) {
    assert.ok(e instanceof DeploymentError, String(e));
    return e.issues;
  }
  assert.fail("accepted");
}

test("a nous-deploy record: typed, its five contracts' addresses", async () => {
  const r = await record();
  assert.equal(r.chain_id, "nous-local-1");
  assert.equal(r.version, 1);
  assert.deepEqual(r.config.denom, { native: "unous" });
  const a = suiteAddresses(r);
  assert.equal(a.feeVault, r.contracts["fee-vault"]?.address);
  assert.equal(a.synthesis, r.contracts["synthesis"]?.address);
  assert.equal(new Set(Object.values(a)).size, 5);
  assert.ok(r.codes["example-consumer"]?.code_id);
});

test("loadDeployment: a folder of records and a chain id reads <chain-id>.json", async () => {
  assert.deepEqual(await loadDeployment(fixtures, "nous-local-1"), await record());
  await assert.rejects(loadDeployment(fixtures), /is a folder: which chain's record/);
  await assert.rejects(loadDeployment(fixtures, "other-chain-1"), (e: unknown) => {
    assert.ok(e instanceof DeploymentError);
    assert.match(e.message, /cannot read the deployment record .*other-chain-1\.json/);
    return true;
  });
});

test("loadDeployment: a record of another chain, a file that is not JSON", async () => {
  await assert.rejects(loadDeployment(fixture, "other-chain-1"), /is the record of nous-local-1, not of other-chain-1/);
  const dir = await mkdtemp(join(tmpdir(), "nous-ts-"));
  await writeFile(join(dir, "bad.json"), "{ not json");
  await assert.rejects(loadDeployment(join(dir, "bad.json")), /bad\.json is not JSON/);
});

test("parseDeployment: every schema violation, with its path", async () => {
  const good = await record();
  const bad = structuredClone(good) as unknown as Record<string, any>;
  bad.contracts["fee-vault"].code_id = "2";
  bad.codes["synthesis"].code_id = -4;
  bad.config.surprise = true;
  bad.config.params.token_decimals = 256;
  delete bad.wiring;
  const found = issues(bad);
  assert.ok(found.includes("/contracts/fee-vault/code_id: must be integer"), found.join("\n"));
  assert.ok(found.includes("/codes/synthesis/code_id: must be >= 0"), found.join("\n"));
  assert.ok(found.includes("/config: must NOT have additional properties (surprise)"), found.join("\n"));
  assert.ok(found.includes('/config/params/token_decimals: must match format "uint8"'), found.join("\n"));
  assert.ok(found.includes("(record): must have required property 'wiring'"), found.join("\n"));
  assert.deepEqual(issues([]), ["(record): must be object"]);
});

test("parseDeployment: another format version, an unfinished deployment", async () => {
  const good = await record();
  assert.deepEqual(issues({ ...good, version: 2 }), ["/version: this client reads version 1, the record is version 2"]);
  const contracts = { ...good.contracts };
  delete contracts["synthesis"];
  assert.deepEqual(issues({ ...good, contracts }), ['/contracts: no "synthesis" (the deployment is not finished)']);
});
