// AES-128-CBC through the core: the key schedule and chaining state stay inside
// the module; data moves through the IN/OUT windows in window-sized pieces.
import type { WasmCore } from "./wasmInstance.js";

const BLOCK = 16;

/** Which way a CBC stream runs. */
export type CbcDirection = "encrypt" | "decrypt";

/** One open CBC stream. The core holds a single AES context: starting another
 *  stream (or calling cbcEncrypt / cbcDecrypt) ends this one. */
export interface CbcStream {
  /** Process a multiple of 16 bytes; returns as many bytes. */
  update(data: Uint8Array): Uint8Array;
  /** Wipe the key schedule inside the core. */
  end(): void;
}

export class AesFacet {
  /** Largest multiple of 16 that fits the input window. */
  private readonly piece: number;
  private generation = 0;

  constructor(readonly w: WasmCore) {
    this.piece = w.inCap - (w.inCap % BLOCK);
  }

  /** AES-128-CBC decryption without padding: data.length must be a multiple of 16. */
  cbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    return this.oneShot("decrypt", key, iv, data);
  }

  /** AES-128-CBC encryption without padding: data.length must be a multiple of 16. */
  cbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    return this.oneShot("encrypt", key, iv, data);
  }

  /** Open a stream that carries the chaining value across update() calls. */
  cbcStream(direction: CbcDirection, key: Uint8Array, iv: Uint8Array): CbcStream {
    checkLength("key", key, BLOCK);
    checkLength("IV", iv, BLOCK);
    this.w.writeIn(key, 0);
    this.w.writeIn(iv, BLOCK);
    this.w.check(this.w.exports.aes_cbc_begin(direction === "encrypt" ? 1 : 0), `AES-CBC ${direction} begin`);
    const generation = ++this.generation;
    const live = (): void => {
      if (generation !== this.generation) throw new Error("AES-CBC stream was superseded by a newer one (the core holds one AES context)");
    };
    return {
      update: (data) => {
        live();
        return this.run(direction, data);
      },
      end: () => {
        live();
        this.generation++;
        this.w.exports.aes_cbc_end();
      },
    };
  }

  private oneShot(direction: CbcDirection, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    checkAligned(direction, data);
    const stream = this.cbcStream(direction, key, iv);
    try {
      return stream.update(data);
    } finally {
      stream.end();
    }
  }

  /** Feed data through the open stream in window-sized pieces. */
  private run(direction: CbcDirection, data: Uint8Array): Uint8Array {
    checkAligned(direction, data);
    const out = new Uint8Array(data.length);
    for (let off = 0; off < data.length; off += this.piece) {
      const n = Math.min(this.piece, data.length - off);
      this.w.writeIn(data.subarray(off, off + n));
      this.w.check(this.w.exports.aes_cbc_update(n), `AES-CBC ${direction}`);
      out.set(this.w.viewOut(n), off);
    }
    return out;
  }
}

function checkLength(what: string, value: Uint8Array, want: number): void {
  if (value.length !== want) throw new RangeError(`AES-128 ${what} must be ${want} bytes, got ${value.length}`);
}

function checkAligned(direction: CbcDirection, data: Uint8Array): void {
  if (data.length % BLOCK !== 0) {
    throw new RangeError(`AES-CBC ${direction}: data length ${data.length} is not a multiple of 16 (pad it, or pass whole blocks)`);
  }
}
