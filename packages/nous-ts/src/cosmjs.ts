// The CosmJS clients the generated contract clients run on, with one change: a contract's
// refusal comes out as a ContractError carrying the contract's own error text, whichever
// generated client or helper sent the query or transaction.
import type { Coin, StdFee } from "@cosmjs/amino";
import {
  CosmWasmClient,
  SigningCosmWasmClient,
  type ExecuteResult,
  type InstantiateOptions,
  type InstantiateResult,
  type JsonObject,
  type SigningCosmWasmClientOptions,
} from "@cosmjs/cosmwasm-stargate";
import type { EncodeObject, OfflineSigner } from "@cosmjs/proto-signing";
import type { DeliverTxResponse } from "@cosmjs/stargate";
import { connectComet } from "@cosmjs/tendermint-rpc";

import { asContractError, type ContractTarget } from "./errors";

/** Address (or "code <id>") -> contract name, for the errors. */
export type ContractNames = Map<string, string>;

export class NousQueryingClient extends CosmWasmClient {
  static async connectTo(rpc: string, names: ContractNames): Promise<NousQueryingClient> {
    return new NousQueryingClient(await connectComet(rpc), names);
  }

  private constructor(
    cometClient: Awaited<ReturnType<typeof connectComet>>,
    readonly names: ContractNames,
  ) {
    super(cometClient, {});
  }

  override async queryContractSmart(address: string, query: JsonObject): Promise<JsonObject> {
    try {
      return await super.queryContractSmart(address, query);
    } catch (e) {
      throw asContractError(e, { address }, this.names);
    }
  }
}

export class NousSigningCosmWasmClient extends SigningCosmWasmClient {
  static async connectTo(
    rpc: string,
    signer: OfflineSigner,
    options: SigningCosmWasmClientOptions,
    names: ContractNames,
  ): Promise<NousSigningCosmWasmClient> {
    return new NousSigningCosmWasmClient(await connectComet(rpc), signer, options, names);
  }

  private constructor(
    cometClient: Awaited<ReturnType<typeof connectComet>>,
    signer: OfflineSigner,
    options: SigningCosmWasmClientOptions,
    readonly names: ContractNames,
  ) {
    super(cometClient, signer, options);
  }

  override async queryContractSmart(address: string, query: JsonObject): Promise<JsonObject> {
    try {
      return await super.queryContractSmart(address, query);
    } catch (e) {
      throw asContractError(e, { address }, this.names);
    }
  }

  /**
   * Every transaction goes through here (execute, instantiate, message composers): a refusal
   * at simulation names the contract of the message the node reports ("message index: i").
   * A transaction refused in its block is returned, as CosmJS does, with a non-zero code.
   */
  override async signAndBroadcast(
    signerAddress: string,
    messages: readonly EncodeObject[],
    fee: StdFee | "auto" | number,
    memo?: string,
    timeoutHeight?: bigint,
  ): Promise<DeliverTxResponse> {
    try {
      return await super.signAndBroadcast(signerAddress, messages, fee, memo, timeoutHeight);
    } catch (e) {
      throw asContractError(e, messageTarget(e, messages), this.names);
    }
  }

  // execute and instantiate throw on a transaction refused in its block: named here.
  override async execute(
    sender: string,
    contract: string,
    msg: JsonObject,
    fee: StdFee | "auto" | number,
    memo?: string,
    funds?: readonly Coin[],
  ): Promise<ExecuteResult> {
    try {
      return await super.execute(sender, contract, msg, fee, memo, funds);
    } catch (e) {
      throw asContractError(e, { address: contract }, this.names);
    }
  }

  override async instantiate(
    sender: string,
    codeId: number,
    msg: JsonObject,
    label: string,
    fee: StdFee | "auto" | number,
    options?: InstantiateOptions,
  ): Promise<InstantiateResult> {
    try {
      return await super.instantiate(sender, codeId, msg, label, fee, options);
    } catch (e) {
      throw asContractError(e, { codeId }, this.names);
    }
  }
}

/** The contract (or code) of the message a node's error names by its index. */
function messageTarget(error: unknown, messages: readonly EncodeObject[]): ContractTarget | undefined {
  const index = /message index: (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
  const message = index === undefined ? undefined : messages[Number(index)];
  const value = message?.value as { contract?: unknown; codeId?: unknown } | undefined;
  if (typeof value?.contract === "string") return { address: value.contract };
  if (typeof value?.codeId === "bigint" || typeof value?.codeId === "number") return { codeId: Number(value.codeId) };
  return undefined;
}
