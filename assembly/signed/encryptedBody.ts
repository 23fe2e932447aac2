// The body of a 2.0 file, decrypted as it streams (formats.md §2). The file's
// length is not in the header, so the last 1…16 ciphertext bytes seen so far are
// always held back: whatever is emitted before finish can never be padding.
// Finish decrypts the held block, drops `padding count` bytes and completes the
// hash of the plaintext for comparison with tag 27.
import { OK, E_BODY_LENGTH } from "../status";
import { AES_CBC_CTX_SIZE, aesCbcInit, aesCbcDecrypt } from "../aes/aesCbc";
import { HASH_CTX_SIZE, hashInit, hashUpdate, hashFinal } from "../hash/hashContext";

const AES_CTX: usize = memory.data(<i32>AES_CBC_CTX_SIZE, 16);
const CONTENT_CTX: usize = memory.data(HASH_CTX_SIZE, 8);
const CONTENT_DIGEST: usize = memory.data(64, 8);
/** The unwrapped AES key, wiped once the cipher context holds it. */
export const SESSION_KEY: usize = memory.data(16, 8);
/** Ciphertext not yet decrypted (always 1…16 bytes once the body has begun). */
const HELD: usize = memory.data(16, 16);

let held: u32 = 0;
let finalLength: u32 = 0;

/** SESSION_KEY holds the key; `iv` the 16-byte IV; `contentAlg` the tag 26 hash. */
export function cipherStart(iv: usize, contentAlg: u32): void {
  aesCbcInit(AES_CTX, SESSION_KEY, iv);
  memory.fill(SESSION_KEY, 0, 16);
  hashInit(CONTENT_CTX, contentAlg);
  held = 0;
  finalLength = 0;
}

/** Decrypt what can safely be emitted of `len` bytes at `src` into `out`; returns the bytes written (≤ len + 15). */
export function cipherRead(src: usize, len: u32, out: usize): u32 {
  let total = held + len;
  if (total <= 16) {
    memory.copy(HELD + held, src, len);
    held = total;
    return 0;
  }
  let keep = total & 15;
  if (keep == 0) keep = 16;
  let toDecrypt = total - keep;
  let written: u32 = 0;
  if (held > 0) {
    let fill = 16 - held;
    memory.copy(HELD + held, src, fill);
    src += fill;
    aesCbcDecrypt(AES_CTX, HELD, out, 16);
    written = 16;
    toDecrypt -= 16;
  }
  aesCbcDecrypt(AES_CTX, src, out + written, toDecrypt);
  written += toDecrypt;
  src += toDecrypt;
  memory.copy(HELD, src, keep);
  held = keep;
  hashUpdate(CONTENT_CTX, out, written);
  return written;
}

/** The last block: decrypt it, drop the padding, write the rest to `out`. */
export function cipherFinish(out: usize, padding: u32): u32 {
  if (held != 16) return E_BODY_LENGTH;
  aesCbcDecrypt(AES_CTX, HELD, out, 16);
  finalLength = 16 - padding;
  hashUpdate(CONTENT_CTX, out, finalLength);
  return OK;
}

/** Plaintext bytes cipherFinish wrote. */
export function cipherFinalLength(): u32 {
  return finalLength;
}

/** Compare the plaintext hash with `expected` without an early exit. */
export function cipherContentMatches(expected: usize, length: u32): bool {
  let n = hashFinal(CONTENT_CTX, CONTENT_DIGEST);
  if (n != length) return false;
  let diff: u32 = 0;
  for (let i: u32 = 0; i < n; i++) diff |= <u32>(load<u8>(CONTENT_DIGEST + i) ^ load<u8>(expected + i));
  return diff == 0;
}
