import { makeCosmoshubPath } from "@cosmjs/amino";
import type { CosmWasmClient, ExecuteResult } from "@cosmjs/cosmwasm-stargate";
import { fromBech32, fromUtf8, toUtf8 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet, type OfflineSigner } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";

import { NousQueryingClient, NousSigningCosmWasmClient, type ContractNames } from "./cosmjs";
import { loadDeployment, parseDeployment, suiteAddresses, type Deployment, type SuiteAddresses } from "./deployment";
import { DeploymentError, NousError } from "./errors";
import {
  ExampleConsumerClient,
  ExampleConsumerQueryClient,
  FeeVaultClient,
  FeeVaultQueryClient,
  RewardDistributionClient,
  RewardDistributionQueryClient,
  StakingClient,
  StakingQueryClient,
  SynthesisClient,
  SynthesisQueryClient,
  TopicRegistryClient,
  TopicRegistryQueryClient,
} from "./generated";
import type * as ExampleConsumerTypes from "./generated/ExampleConsumer.types";
import type * as FeeVaultTypes from "./generated/FeeVault.types";
import type * as SynthesisTypes from "./generated/Synthesis.types";
import type * as TopicRegistryTypes from "./generated/TopicRegistry.types";
import { SCHEMAS } from "./generated/schemas";
import { payAndReadCall, readingSeq, type PayAndReadCall } from "./paid-read";

export interface ConnectOptions {
  /** The node's CometBFT RPC endpoint, e.g. "http://127.0.0.1:26657". */
  rpc: string;
  /**
   * The suite's deployment record: the record itself (from parseDeployment), the path of a
   * record (".json"), or a folder of records, from which `<chain-id>.json` is read for the
   * node's chain id.
   */
  deployment: Deployment | string;
}

export interface SigningConnectOptions extends ConnectOptions {
  /** The signer: a BIP-39 mnemonic (key m/44'/118'/0'/0/<hdIndex>), or any CosmJS signer. */
  mnemonic?: string;
  signer?: OfflineSigner;
  /** HD index of the mnemonic's key (default 0). */
  hdIndex?: number;
  /** Bech32 prefix of the mnemonic's address (default: the deployment admin's). */
  prefix?: string;
  /** Gas price with its denom, at least the chain's minimum, e.g. "0.025unous". */
  gasPrice: string;
  /** How often to look for a broadcast transaction in a block (CosmJS' default: 3000 ms). */
  broadcastPollIntervalMs?: number;
  /** An example-consumer instance to pay and read through (payAndRead). */
  consumer?: string;
}

/** The fee of a paid read, in the suite's token. */
export interface ReadFee {
  topicId: number;
  denom: FeeVaultTypes.Denom;
  amount: bigint;
}

/** What payAndRead paid and read. */
export interface PaidReading {
  /** The reading the consumer acted on and stored, as its `readings` query returns it. */
  reading: ExampleConsumerTypes.Reading;
  fee: ReadFee;
  transactionHash: string;
  height: number;
  gasUsed: bigint;
}

/** A contract's cw2 version on chain against the version its generated client was made from. */
export interface VersionCheck {
  contract: string;
  address: string;
  onChain: { contract: string; version: string } | null;
  generatedFrom: string;
  matches: boolean;
}

/** The generated query clients of the suite's five contracts. */
export interface QueryContracts {
  topicRegistry: TopicRegistryQueryClient;
  feeVault: FeeVaultQueryClient;
  staking: StakingQueryClient;
  synthesis: SynthesisQueryClient;
  rewardDistribution: RewardDistributionQueryClient;
}

/** The generated signing clients of the suite's five contracts (queries included). */
export interface SigningContracts {
  topicRegistry: TopicRegistryClient;
  feeVault: FeeVaultClient;
  staking: StakingClient;
  synthesis: SynthesisClient;
  rewardDistribution: RewardDistributionClient;
}

/** Page size of topics() (the registry's maximum page). */
const TOPICS_PAGE = 100;

/** The record's contracts and codes by address and "code <id>", for ContractError. */
function names(record: Deployment): ContractNames {
  const names: ContractNames = new Map();
  for (const [name, code] of Object.entries(record.codes)) names.set(`code ${code.code_id}`, name);
  for (const [name, contract] of Object.entries(record.contracts)) names.set(contract.address, name);
  return names;
}

/**
 * The bech32 prefix of `address`. The length limit is explicit: CosmJS' default (Infinity)
 * is refused by @scure/base 2.3 and later (cosmos/cosmjs#1982).
 */
function addressPrefix(address: string): string {
  return fromBech32(address, address.length).prefix;
}

/** The record `deployment` names, checked against the chain the client is connected to. */
async function resolveDeployment(deployment: Deployment | string, client: CosmWasmClient): Promise<Deployment> {
  const chainId = await client.getChainId();
  const record = typeof deployment === "string" ? await loadDeployment(deployment, chainId) : parseDeployment(deployment);
  if (record.chain_id !== chainId) {
    throw new DeploymentError(`the deployment record is for ${record.chain_id}, the node is on ${chainId}`);
  }
  return record;
}

/** Read-only access to a nous deployment: the generated query clients and the common reads. */
export class NousClient {
  readonly addresses: SuiteAddresses;
  readonly contracts: QueryContracts;

  /** Connects to a node and reads the suite's deployment record (checked against the node's chain id). */
  static async connect(options: ConnectOptions): Promise<NousClient> {
    const client = await NousQueryingClient.connectTo(options.rpc, new Map());
    try {
      const record = await resolveDeployment(options.deployment, client);
      return new NousClient(client, record);
    } catch (e) {
      client.disconnect();
      throw e;
    }
  }

  protected constructor(
    /** The CosmJS client underneath (contract refusals come out as ContractError). */
    readonly cosmwasm: CosmWasmClient & { names: ContractNames },
    readonly deployment: Deployment,
  ) {
    this.addresses = suiteAddresses(deployment);
    for (const [key, name] of names(deployment)) cosmwasm.names.set(key, name);
    const a = this.addresses;
    this.contracts = {
      topicRegistry: new TopicRegistryQueryClient(cosmwasm, a.topicRegistry),
      feeVault: new FeeVaultQueryClient(cosmwasm, a.feeVault),
      staking: new StakingQueryClient(cosmwasm, a.staking),
      synthesis: new SynthesisQueryClient(cosmwasm, a.synthesis),
      rewardDistribution: new RewardDistributionQueryClient(cosmwasm, a.rewardDistribution),
    };
  }

  get chainId(): string {
    return this.deployment.chain_id;
  }

  /** One page of topics, by id (at most 100 a page; startAfter: the last id of the previous page). */
  async topics(page: { startAfter?: number; limit?: number } = {}): Promise<TopicRegistryTypes.Topic[]> {
    const { topics } = await this.contracts.topicRegistry.topics({
      limit: page.limit ?? TOPICS_PAGE,
      ...(page.startAfter === undefined ? {} : { startAfter: page.startAfter }),
    });
    return topics;
  }

  /** Every topic, page after page. */
  async allTopics(): Promise<TopicRegistryTypes.Topic[]> {
    const all: TopicRegistryTypes.Topic[] = [];
    for (;;) {
      const last = all[all.length - 1];
      const page = await this.topics(last ? { startAfter: last.id } : {});
      all.push(...page);
      if (page.length < TOPICS_PAGE) return all;
    }
  }

  /** The fee a paid read of the topic costs (the fee-vault's ReadFee). */
  async readFee(topicId: number): Promise<ReadFee> {
    const fee = await this.contracts.feeVault.readFee({ topicId });
    return { topicId: fee.topic_id, denom: fee.denom, amount: BigInt(fee.amount) };
  }

  /**
   * The topic's latest network inference, compact (synthesis' LatestValue: value, error
   * bars, nonce, heights, time, path, inferer count). Free: no fee is paid. A topic
   * without an inference yet is a ContractError from synthesis.
   */
  async latestValue(topicId: number): Promise<SynthesisTypes.LatestValue> {
    return this.contracts.synthesis.latestValue({ topicId });
  }

  /** Several topics' latest values in one query (null for a topic without one), in the order asked. */
  async latestValues(topicIds: number[]): Promise<(SynthesisTypes.LatestValue | null)[]> {
    const { values } = await this.contracts.synthesis.latestValues({ topicIds });
    return values;
  }

  /** The fee-vault's emission treasury, in base units of the suite's token. */
  async treasury(): Promise<bigint> {
    const { balance } = await this.contracts.feeVault.treasury();
    return BigInt(balance);
  }

  /**
   * Each contract's cw2 version on chain against the schema version its client was
   * generated from: a mismatch means messages may differ from the types of this package.
   */
  async checkVersions(): Promise<VersionCheck[]> {
    const a = this.addresses;
    const deployed: [string, string][] = [
      ["topic-registry", a.topicRegistry],
      ["fee-vault", a.feeVault],
      ["staking", a.staking],
      ["synthesis", a.synthesis],
      ["reward-distribution", a.rewardDistribution],
    ];
    return Promise.all(
      deployed.map(async ([contract, address]) => {
        const generatedFrom = SCHEMAS.find((s) => s.contract === contract)?.version ?? "";
        const raw = await this.cosmwasm.queryContractRaw(address, toUtf8("contract_info"));
        const onChain = raw ? (JSON.parse(fromUtf8(raw)) as { contract: string; version: string }) : null;
        const matches = onChain?.contract === `crates.io:${contract}` && onChain.version === generatedFrom;
        return { contract, address, onChain, generatedFrom, matches };
      }),
    );
  }

  disconnect(): void {
    this.cosmwasm.disconnect();
  }
}

/** A NousClient with a key: the generated signing clients, the example consumer, paid reads. */
export class NousSigningClient extends NousClient {
  readonly signing: SigningContracts;
  private consumerAddress: string | undefined;

  /** Connects with a signer (a mnemonic or any CosmJS OfflineSigner) and reads the deployment record. */
  static override async connect(options: SigningConnectOptions): Promise<NousSigningClient> {
    if ((options.mnemonic === undefined) === (options.signer === undefined)) {
      throw new NousError("give exactly one of mnemonic and signer");
    }
    let gasPrice: GasPrice;
    try {
      gasPrice = GasPrice.fromString(options.gasPrice);
    } catch (e) {
      throw new NousError(`gasPrice ${JSON.stringify(options.gasPrice)} is not an amount with a denom, e.g. 0.025unous`, {
        cause: e,
      });
    }
    // The record comes first: it gives the mnemonic's default address prefix.
    const reader = await NousQueryingClient.connectTo(options.rpc, new Map());
    let record: Deployment;
    try {
      record = await resolveDeployment(options.deployment, reader);
    } finally {
      reader.disconnect();
    }
    const signer =
      options.signer ??
      (await DirectSecp256k1HdWallet.fromMnemonic(options.mnemonic ?? "", {
        prefix: options.prefix ?? addressPrefix(record.config.admin),
        hdPaths: [makeCosmoshubPath(options.hdIndex ?? 0)],
      }));
    const [account] = await signer.getAccounts();
    if (!account) throw new NousError("the signer has no account");
    const client = await NousSigningCosmWasmClient.connectTo(
      options.rpc,
      signer,
      { gasPrice, ...(options.broadcastPollIntervalMs ? { broadcastPollIntervalMs: options.broadcastPollIntervalMs } : {}) },
      new Map(),
    );
    return new NousSigningClient(client, record, account.address, options.consumer);
  }

  private constructor(
    readonly signer: NousSigningCosmWasmClient,
    deployment: Deployment,
    /** The signer's address: the sender of every transaction. */
    readonly sender: string,
    consumer: string | undefined,
  ) {
    super(signer, deployment);
    const a = this.addresses;
    this.signing = {
      topicRegistry: new TopicRegistryClient(signer, sender, a.topicRegistry),
      feeVault: new FeeVaultClient(signer, sender, a.feeVault),
      staking: new StakingClient(signer, sender, a.staking),
      synthesis: new SynthesisClient(signer, sender, a.synthesis),
      rewardDistribution: new RewardDistributionClient(signer, sender, a.rewardDistribution),
    };
    if (consumer !== undefined) this.useConsumer(consumer);
  }

  /** The example-consumer instance payAndRead goes through. */
  useConsumer(address: string): void {
    this.consumerAddress = address;
    this.signer.names.set(address, "example-consumer");
  }

  get consumer(): string | undefined {
    return this.consumerAddress;
  }

  /**
   * Instantiates the example consumer from the code the deployment stored (a dApp's own
   * instance: its guards, its maximum age) and makes it the one payAndRead uses.
   */
  async instantiateExampleConsumer(
    init: Omit<ExampleConsumerTypes.InstantiateMsg, "fee_vault" | "synthesis">,
    label = "example-consumer",
  ): Promise<string> {
    const code = this.deployment.codes["example-consumer"];
    if (!code) throw new DeploymentError(`the record of ${this.chainId} has no example-consumer code`);
    const msg: ExampleConsumerTypes.InstantiateMsg = {
      ...init,
      fee_vault: this.addresses.feeVault,
      synthesis: this.addresses.synthesis,
    };
    const { contractAddress } = await this.signer.instantiate(this.sender, code.code_id, msg, label, "auto", {
      admin: this.sender,
    });
    this.useConsumer(contractAddress);
    return contractAddress;
  }

  /**
   * Pays the topic's read fee and reads its latest inference in one transaction, through
   * the example consumer: asks the consumer the fee (the vault's ReadFee, forwarded),
   * attaches exactly that (native coins, or a cw20 Send to the consumer), and returns the
   * reading the consumer stored. `maxAge` (blocks) may only tighten the consumer's own.
   * A refusal (stale, unguarded topic, wrong fee...) is a ContractError and costs no fee.
   */
  async payAndRead(topicId: number, maxAge?: number): Promise<PaidReading> {
    const consumer = this.requireConsumer();
    const query = new ExampleConsumerQueryClient(this.signer, consumer);
    const answer = await query.readFee({ topicId });
    const fee: ReadFee = { topicId: answer.topic_id, denom: answer.denom, amount: BigInt(answer.amount) };
    const call: PayAndReadCall = payAndReadCall(consumer, topicId, maxAge, fee);
    const result: ExecuteResult = await this.signer.execute(this.sender, call.contract, call.msg, "auto", undefined, call.funds);
    const seq = readingSeq(result.events, consumer);
    const { readings } = await query.readings({ topicId, ...(seq > 0 ? { startAfter: seq - 1 } : {}), limit: 1 });
    const reading = readings[0];
    if (!reading || reading.seq !== seq) {
      throw new NousError(`the consumer has no reading ${seq} of topic ${topicId} after transaction ${result.transactionHash}`);
    }
    return { reading, fee, transactionHash: result.transactionHash, height: result.height, gasUsed: result.gasUsed };
  }

  /** The generated client of the consumer payAndRead uses, for its other queries. */
  consumerClient(): ExampleConsumerClient {
    return new ExampleConsumerClient(this.signer, this.sender, this.requireConsumer());
  }

  private requireConsumer(): string {
    if (this.consumerAddress === undefined) {
      throw new NousError("no example consumer: pass `consumer` to connect, or useConsumer / instantiateExampleConsumer");
    }
    return this.consumerAddress;
  }
}
