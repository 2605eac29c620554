import { readFile } from "node:fs/promises";
import { join } from "node:path";

import Ajv, { type ValidateFunction } from "ajv";

import { DeploymentError } from "./errors";
import { DEPLOYMENT_SCHEMA } from "./generated/deployment-schema";
import type { Deployment } from "./generated/Deployment.types";

export type { Deployment } from "./generated/Deployment.types";

/** The record format this package reads (`version` of deployments/<chain-id>.json). */
export const RECORD_VERSION = 1;

/** The contracts a deployment instantiates, by their name in the record. */
export const SUITE_CONTRACTS = [
  "topic-registry",
  "fee-vault",
  "staking",
  "synthesis",
  "reward-distribution",
] as const;

/** The suite's addresses on one chain. */
export interface SuiteAddresses {
  topicRegistry: string;
  feeVault: string;
  staking: string;
  synthesis: string;
  rewardDistribution: string;
}

let validator: ValidateFunction<Deployment> | undefined;

/** The record's JSON schema, compiled once (the same schema nous-deploy's types generate). */
function validateRecord(): ValidateFunction<Deployment> {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    // Rust integer formats of the schemas (schemars): non-negative integers in the type's
    // range (u64 only up to 2^53 - 1: a JSON number beyond that has lost its precision).
    const unsigned: [string, number][] = [
      ["uint8", 0xff],
      ["uint16", 0xffff],
      ["uint32", 0xffff_ffff],
      ["uint64", Number.MAX_SAFE_INTEGER],
    ];
    for (const [format, max] of unsigned) {
      ajv.addFormat(format, { type: "number", validate: (n: number) => Number.isSafeInteger(n) && n >= 0 && n <= max });
    }
    validator = ajv.compile<Deployment>(DEPLOYMENT_SCHEMA);
  }
  return validator;
}

/**
 * Checks a parsed deployment record against deployments/deployment.schema.json (the same
 * rules nous-deploy reads it with: unknown fields refused), its format version and the
 * presence of the five suite contracts. Throws a DeploymentError listing every problem.
 */
export function parseDeployment(json: unknown): Deployment {
  const validate = validateRecord();
  if (!validate(json)) {
    const issues = (validate.errors ?? []).map((e) => {
      const where = e.instancePath || "(record)";
      const extra =
        e.keyword === "additionalProperties"
          ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})`
          : "";
      return `${where}: ${e.message ?? e.keyword}${extra}`;
    });
    throw new DeploymentError("not a nous deployment record", issues);
  }
  const issues: string[] = [];
  if (json.version !== RECORD_VERSION) {
    issues.push(`/version: this client reads version ${RECORD_VERSION}, the record is version ${json.version}`);
  }
  for (const name of SUITE_CONTRACTS) {
    if (!json.contracts[name]) issues.push(`/contracts: no "${name}" (the deployment is not finished)`);
  }
  if (issues.length) throw new DeploymentError(`unusable deployment record for ${json.chain_id}`, issues);
  return json;
}

/**
 * Reads a deployment record: `path` is the record itself (a .json file) or a folder of
 * records, `deployments/`, from which `<chainId>.json` is read.
 */
export async function loadDeployment(path: string, chainId?: string): Promise<Deployment> {
  let file = path;
  if (!path.endsWith(".json")) {
    if (!chainId) throw new DeploymentError(`${path} is a folder: which chain's record? (give the chain id)`);
    file = join(path, `${chainId}.json`);
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new DeploymentError(`cannot read the deployment record ${file}`, [], { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DeploymentError(`${file} is not JSON`, [String(e)], { cause: e });
  }
  const record = parseDeployment(json);
  if (chainId !== undefined && record.chain_id !== chainId) {
    throw new DeploymentError(`${file} is the record of ${record.chain_id}, not of ${chainId}`);
  }
  return record;
}

/** The suite's five addresses (parseDeployment has checked they are there). */
export function suiteAddresses(record: Deployment): SuiteAddresses {
  const at = (name: (typeof SUITE_CONTRACTS)[number]): string => {
    const contract = record.contracts[name];
    if (!contract) throw new DeploymentError(`the record of ${record.chain_id} has no ${name}`);
    return contract.address;
  };
  return {
    topicRegistry: at("topic-registry"),
    feeVault: at("fee-vault"),
    staking: at("staking"),
    synthesis: at("synthesis"),
    rewardDistribution: at("reward-distribution"),
  };
}
