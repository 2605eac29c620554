// nous-ts: the generated contract clients (./generated, `npm run codegen`) and a thin layer
// for dApps: connect, the deployment record, the reads, the paid read, typed errors; and the
// commitment of a worker payload on a commit–reveal topic.
export * from "./generated";
export {
  NousClient,
  NousSigningClient,
  type ConnectOptions,
  type SigningConnectOptions,
  type ReadFee,
  type PaidReading,
  type VersionCheck,
  type QueryContracts,
  type SigningContracts,
} from "./client";
export {
  loadDeployment,
  parseDeployment,
  suiteAddresses,
  RECORD_VERSION,
  SUITE_CONTRACTS,
  type Deployment,
  type SuiteAddresses,
} from "./deployment";
export { NousError, DeploymentError, ContractError, contractErrorText, type ContractOperation } from "./errors";
export {
  payloadCommitment,
  decimalAtomics,
  MIN_SALT_BYTES,
  MAX_SALT_BYTES,
} from "./commitment";
export { payAndReadCall, readingSeq, type PayAndReadCall, type UseLatestInference } from "./paid-read";
