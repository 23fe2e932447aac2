// Every hash algorithm cnfguard names, and what each layer calls it: the CLI's name, the
// core's selector, the signed header's tag value, and whether phones accept it for signing.
// The one place to change: adding SHA-256 signing is `signing: true` on its row below.

import { Hash } from "../generated/abi.js";

/** One row per algorithm, in the order the CLI lists them. */
const TABLE = {
  md5: { display: "MD5", coreSelector: Hash.MD5, headerTag: undefined, signing: false },
  sha1: { display: "SHA-1", coreSelector: Hash.SHA1, headerTag: 1, signing: true },
  sha256: { display: "SHA-256", coreSelector: Hash.SHA256, headerTag: 2, signing: false },
  sha512: { display: "SHA-512", coreSelector: Hash.SHA512, headerTag: 3, signing: true },
} as const;
// coreSelector: the ABI's hash selectors, generated from assembly/abi/schema.json.
// headerTag: the value of signed-header tag 8 (signature hash) and tag 26 (content hash),
// formats.md §1; MD5 has none. signing: what phones accept in a signed file's header.

export type HashAlgorithm = keyof typeof TABLE;
/** Algorithms a signed header can name (tag 8 / tag 26). */
export type HeaderHash = { [K in HashAlgorithm]: (typeof TABLE)[K]["headerTag"] extends number ? K : never }[HashAlgorithm];
/** Algorithms phones accept for signing files (and a profile's signing hash). */
export type SigningHash = { [K in HashAlgorithm]: (typeof TABLE)[K]["signing"] extends true ? K : never }[HashAlgorithm];

const names = Object.keys(TABLE) as HashAlgorithm[];

/** md5, sha1, sha256, sha512. */
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = names;
/** The header's hashes: sha1, sha256, sha512. */
export const HEADER_HASHES = names.filter((n) => TABLE[n].headerTag !== undefined) as readonly HeaderHash[];
/** The signing hashes phones accept: sha1, sha512. */
export const SIGNING_HASHES = names.filter((n) => TABLE[n].signing) as readonly SigningHash[];
/** What a file is signed with when nobody says (what CUCM's default profiles use). */
export const DEFAULT_SIGNING_HASH: SigningHash = "sha1";

/** The core's selector for each algorithm (hash_begin, rsa_pub_verify, …). */
export const CORE_HASH_SELECTOR = Object.fromEntries(names.map((n) => [n, TABLE[n].coreSelector])) as {
  [K in HashAlgorithm]: (typeof TABLE)[K]["coreSelector"];
};

/** Signed-header tag 8 / tag 26 value for each header hash. */
export const HEADER_HASH_TAG = Object.fromEntries(HEADER_HASHES.map((n) => [n, TABLE[n].headerTag])) as Record<HeaderHash, number>;

/** How people write the algorithm (SHA-1, SHA-512). */
export function hashDisplayName(name: HashAlgorithm): string {
  return TABLE[name].display;
}

/** How CUCM's pages write each signing hash (SHA-1, SHA-512). */
export const SIGNING_HASH_LABEL = Object.fromEntries(SIGNING_HASHES.map((n) => [n, TABLE[n].display])) as Record<SigningHash, string>;

export function isHashAlgorithm(name: string): name is HashAlgorithm {
  return Object.hasOwn(TABLE, name);
}

export function isSigningHash(name: string): name is SigningHash {
  return (SIGNING_HASHES as readonly string[]).includes(name);
}

/** The header hash a tag 8 / tag 26 value names, or undefined for a value no algorithm has. */
export function headerHashFromTag(tag: number): HeaderHash | undefined {
  return HEADER_HASHES.find((n) => HEADER_HASH_TAG[n] === tag);
}

/** "sha1|sha512", for usage lines. */
export function signingHashChoices(separator = "|"): string {
  return SIGNING_HASHES.join(separator);
}

/**
 * The signing hash `value` names, or a sentence saying what to use instead (the caller wraps
 * it in its error kind, naming its option).
 */
export function signingHashProblem(value: string): string | undefined {
  if (isSigningHash(value)) return undefined;
  return `use ${SIGNING_HASHES.join(" or ")} (phones accept no other signing hash)`;
}
