// AES-128-CBC exports: one streaming context, key‖IV in, data IN → OUT.
// assembly/abi/aesAbi.md documents the calls and their statuses.
import { IN, IN_CAP, OUT } from "../memoryMap";
import { OK, E_ARGUMENT, E_STATE, E_AES_LENGTH } from "../status";
import { AES_CBC_CTX_SIZE, aesCbcInit, aesCbcEncrypt, aesCbcDecrypt } from "../aes/aesCbc";

const CTX: usize = memory.data(<i32>AES_CBC_CTX_SIZE, 16);

/** No stream is open. */
const MODE_NONE: u32 = 0;
const MODE_DECRYPT: u32 = 1;
const MODE_ENCRYPT: u32 = 2;
let mode: u32 = MODE_NONE;

/** Start a CBC stream with key (16 bytes) ‖ IV (16 bytes) read from IN.
 *  encrypt: 0 = decrypt, 1 = encrypt. */
export function aes_cbc_begin(encrypt: u32): u32 {
  if (encrypt > 1) return E_ARGUMENT;
  aesCbcInit(CTX, IN, IN + 16);
  mode = encrypt == 1 ? MODE_ENCRYPT : MODE_DECRYPT;
  return OK;
}

/** Process len bytes (a multiple of 16, at most IN_CAP) from IN into OUT; the
 *  chaining value carries over to the next call. */
export function aes_cbc_update(len: u32): u32 {
  if (mode == MODE_NONE) return E_STATE;
  if (len > IN_CAP) return E_ARGUMENT;
  if ((len & 15) != 0) return E_AES_LENGTH;
  if (mode == MODE_ENCRYPT) aesCbcEncrypt(CTX, IN, OUT, len);
  else aesCbcDecrypt(CTX, IN, OUT, len);
  return OK;
}

/** Close the stream and wipe the key schedule. */
export function aes_cbc_end(): u32 {
  memory.fill(CTX, 0, AES_CBC_CTX_SIZE);
  mode = MODE_NONE;
  return OK;
}
