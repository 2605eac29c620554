// The commitment of a worker payload on a commit–reveal topic, computed in the client:
// the same bytes as nous_types::synthesis::payload_commitment (docs/PROTOCOL.md §4.1), so a
// worker written in TypeScript can commit without asking a node (the `PayloadCommitment`
// query computes it too, but carries the secret salt to the node it asks).
import { sha256 } from "@cosmjs/crypto";
import { toUtf8 } from "@cosmjs/encoding";

import type { ForecastElement } from "./generated/Synthesis.types";
import { NousError } from "./errors";

const DOMAIN = toUtf8("nous/payload-commitment/v1");
/** Fractional digits of a SignedDecimal. */
const DECIMALS = 18;
export const MIN_SALT_BYTES = 16;
export const MAX_SALT_BYTES = 64;

/** A SignedDecimal string ("-2.25", "1.50") as its 18-decimal atomics. */
export function decimalAtomics(value: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new NousError(`not a decimal number: ${JSON.stringify(value)}`);
  const [, sign = "", whole = "0", fraction = ""] = m;
  if (fraction.length > DECIMALS) {
    throw new NousError(`${value} has more than ${DECIMALS} fractional digits`);
  }
  const atomics = BigInt(whole) * 10n ** BigInt(DECIMALS) + BigInt(fraction.padEnd(DECIMALS, "0"));
  return sign === "-" ? -atomics : atomics;
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function u64(n: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

/** A signed 128-bit integer, big-endian two's complement. */
function i128(n: bigint): Uint8Array {
  const bits = BigInt.asUintN(128, n);
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, bits >> 64n);
  view.setBigUint64(8, bits & ((1n << 64n) - 1n));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * SHA-256 of the preimage of PROTOCOL §4.1: domain tag, topic, nonce, the worker's address,
 * the salt, the inference and the forecast (in the order it will be sent). Send the result,
 * hex-encoded, as `CommitWorkerPayload.commitment`; reveal the same payload and salt.
 */
export function payloadCommitment(
  topicId: bigint | number,
  nonce: bigint | number,
  address: string,
  inference: string | null | undefined,
  forecast: ForecastElement[] | null | undefined,
  salt: Uint8Array,
): Uint8Array {
  if (salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES) {
    throw new NousError(`a salt is ${MIN_SALT_BYTES} to ${MAX_SALT_BYTES} bytes long, got ${salt.length}`);
  }
  const addressBytes = toUtf8(address);
  const parts: Uint8Array[] = [DOMAIN, u64(topicId), u64(nonce), u32(addressBytes.length), addressBytes];
  parts.push(u32(salt.length), salt);
  if (inference == null) {
    parts.push(Uint8Array.of(0));
  } else {
    parts.push(Uint8Array.of(1), i128(decimalAtomics(inference)));
  }
  if (forecast == null) {
    parts.push(Uint8Array.of(0));
  } else {
    parts.push(Uint8Array.of(1), u32(forecast.length));
    for (const el of forecast) {
      parts.push(u32(el.inferer), i128(decimalAtomics(el.value)));
    }
  }
  return sha256(concat(parts));
}
