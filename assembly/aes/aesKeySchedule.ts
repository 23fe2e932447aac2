// AES-128 key expansion into the 11 bit-planed round keys that aesRounds.ts uses.
// SubWord goes through the same S-box circuit as the data (one word in an
// otherwise zero state), so the key never indexes a table either.
// Each round key is stored the way its round needs it (aesRounds.ts): keys 1…10
// carry the S-box constant 0x63, and key r sits in round r's fixsliced frame.
import { packBlocks, unpackBlocks } from "./aesBitslice";
import { SCRATCH_PLANES, SCRATCH_BLOCKS, wipeScratch } from "./aesScratch";
import { subBytes } from "./aesSbox";
import { ROUND_KEY_SIZE, invShiftRowsPlane } from "./aesRounds";

/** Working planes for SubWord, and the bytes they come from (a word, or four
 *  copies of the current round key). */
const WORK: usize = SCRATCH_PLANES;
const COPIES: usize = SCRATCH_BLOCKS;

/** Expand the 16-byte key at `key` into 11 bit-planed round keys at `roundKeys`
 *  (ROUND_KEYS_SIZE bytes). */
export function expandKey(roundKeys: usize, key: usize): void {
  // The round key as four little-endian words: w0 holds key bytes 0…3.
  let w0 = load<u32>(key, 0), w1 = load<u32>(key, 4), w2 = load<u32>(key, 8), w3 = load<u32>(key, 12);
  let rcon: u32 = 1;
  for (let r: usize = 0; r < 11; r++) {
    if (r > 0) {
      // RotWord moves byte 1 to byte 0: a right rotation of a little-endian word.
      w0 ^= subWord(rotr<u32>(w3, 8)) ^ rcon;
      w1 ^= w0; w2 ^= w1; w3 ^= w2;
      rcon = (rcon << 1) ^ (0x11B & -(rcon >> 7));
    }
    planeRoundKey(roundKeys + r * ROUND_KEY_SIZE, w0, w1, w2, w3, r);
  }
  wipeScratch();
}

/** The S-box applied to each byte of w, through the bitsliced circuit. */
function subWord(w: u32): u32 {
  memory.fill(COPIES, 0, 64);
  store<u32>(COPIES, w);
  packBlocks(WORK, COPIES, 1);
  subBytes(WORK);
  unpackBlocks(WORK, COPIES);
  return load<u32>(COPIES);
}

/** Bit-plane round key r into all four block slots, ready to XOR into a state of round r. */
function planeRoundKey(dst: usize, w0: u32, w1: u32, w2: u32, w3: u32, r: usize): void {
  for (let b: usize = 0; b < 64; b += 16) {
    store<u32>(COPIES + b, w0, 0);
    store<u32>(COPIES + b, w1, 4);
    store<u32>(COPIES + b, w2, 8);
    store<u32>(COPIES + b, w3, 12);
  }
  packBlocks(dst, COPIES, 4);
  // Round r's frame is the state after r skipped ShiftRows: the key's bytes move as
  // ShiftRows⁻¹ would move them, r times. Key 0 needs neither this nor 0x63.
  const constant: u64 = r > 0 ? ~(<u64>0) : 0;
  for (let i: usize = 0; i < 8; i++) {
    let plane = load<u64>(dst + (i << 3));
    for (let k: usize = 0; k < (r & 3); k++) plane = invShiftRowsPlane(plane);
    if ((0x63 >> i) & 1) plane ^= constant;
    store<u64>(dst + (i << 3), plane);
  }
}
