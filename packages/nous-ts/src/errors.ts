/** Every error this package throws on purpose is a NousError. */
export class NousError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The deployment record is missing, unreadable, invalid, or for another chain. */
export class DeploymentError extends NousError {
  /** One line per problem: the JSON path and what was expected there. */
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[] = [], options?: { cause?: unknown }) {
    super(issues.length ? `${message}:\n  ${issues.join("\n  ")}` : message, options);
    this.issues = issues;
  }
}

export type ContractOperation = "execute" | "query" | "instantiate" | "migrate";

/**
 * A contract refused a query or a transaction. `reason` is the contract's own error text
 * (its `ContractError` message, e.g. "topic 7 has no network inference yet"), without the
 * node's wrapping; `cause` keeps the node's whole answer.
 */
export class ContractError extends NousError {
  constructor(
    /** The contract's name in the deployment record ("fee-vault", ...), or its address. */
    readonly contract: string,
    /** Its address; undefined for a refused instantiation. */
    readonly address: string | undefined,
    readonly operation: ContractOperation,
    readonly reason: string,
    /** The refused transaction when it was included in a block (and paid its gas). */
    readonly transactionHash: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${contract} refused the ${operation}: ${reason}`, options);
  }
}

/**
 * The contract's error text inside a node's error message, or undefined when the message
 * is not a contract's refusal (a network failure, an out-of-gas, a bad signature...).
 *
 * wasmd wraps it as "<...>message index: 0: <text>: execute wasm contract failed [...]" for
 * a transaction (simulated or delivered), and CosmJS a smart query's as
 * "Query failed with (<code>): <text>: query wasm contract failed: unknown request".
 */
export function contractErrorText(
  message: string,
): { operation: ContractOperation; reason: string } | undefined {
  const failed = /(execute|query|instantiate|migrate) wasm contract failed/.exec(message);
  if (!failed) return undefined;
  let text = message.slice(0, failed.index).replace(/:\s*$/, "");
  const index = text.lastIndexOf("message index: ");
  if (index >= 0) {
    text = text.slice(index + "message index: ".length).replace(/^\d+:\s*/, "");
  } else {
    text = text.replace(/^Query failed with \(\d+\):\s*/, "");
  }
  return { operation: failed[1] as ContractOperation, reason: text.trim() };
}

/** What a refused message was sent to: a contract, or a code being instantiated. */
export type ContractTarget = { address: string } | { codeId: number };

/**
 * `error` as a ContractError when it is a contract's refusal, naming the contract by
 * `names` (an address, or "code <id>" for an instantiation, -> a name; "a contract" when the
 * target is not known); otherwise `error`.
 */
export function asContractError(
  error: unknown,
  target: ContractTarget | undefined,
  names: ReadonlyMap<string, string>,
): unknown {
  if (!(error instanceof Error) || error instanceof NousError) return error;
  const found = contractErrorText(error.message);
  if (!found) return error;
  const address = target && "address" in target ? target.address : undefined;
  const key = !target ? "a contract" : "address" in target ? target.address : `code ${target.codeId}`;
  // CosmJS: "Error when broadcasting tx <hash> at height <h>. Code: ...; Raw log: ..."
  const tx = /^Error when broadcasting tx ([0-9A-F]+) at height/.exec(error.message)?.[1];
  return new ContractError(names.get(key) ?? key, address, found.operation, found.reason, tx, { cause: error });
}
