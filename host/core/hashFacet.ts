// The core's hash exports (assembly/abi/hashAbi.md) as a typed API: one-shot digests,
// streams of any length fed through the IN window, and files streamed from disk.
// Browser-safe to import: only hashFile reaches Node's fs, and only when called.
import { CORE_HASH_SELECTOR, type HashAlgorithm } from "../shared/hashAlgorithms.js";
import type { WasmCore } from "./wasmInstance.js";

export { type HashAlgorithm, isHashAlgorithm } from "../shared/hashAlgorithms.js";

/** A hash in progress in one of the core's slots. Feed it with update(), finish with end(). */
export class HashStream {
  private open = true;

  constructor(
    private readonly facet: HashFacet,
    private readonly slot: number,
    readonly algorithm: HashAlgorithm,
  ) {}

  /** Absorb bytes of any length (split into IN-window chunks here). */
  update(bytes: Uint8Array): this {
    if (!this.open) throw new Error(`${this.algorithm} stream: update() after end()`);
    this.facet.feed(this.slot, bytes);
    return this;
  }

  /** The digest; the stream's slot is released. */
  end(): Uint8Array {
    if (!this.open) throw new Error(`${this.algorithm} stream: end() called twice`);
    this.open = false;
    return this.facet.finish(this.slot);
  }

  /** Give the slot back without a digest (after an error while feeding). */
  cancel(): void {
    if (this.open) {
      this.open = false;
      this.facet.release(this.slot);
    }
  }
}

export class HashFacet {
  private readonly freeSlots: number[];
  private readonly exports: WasmCore["exports"];

  constructor(readonly w: WasmCore) {
    this.exports = w.exports;
    this.freeSlots = Array.from({ length: this.exports.hash_slots() }, (_, i) => i).reverse();
  }

  /** Digest length in bytes. */
  digestLength(alg: HashAlgorithm): number {
    return this.exports.hash_digest_length(CORE_HASH_SELECTOR[alg]);
  }

  /** Start a stream. Throws when every slot holds an unfinished stream. */
  begin(alg: HashAlgorithm): HashStream {
    const slot = this.freeSlots.pop();
    if (slot === undefined) throw new Error(`all ${this.exports.hash_slots()} hash slots of the core are in use: end() or cancel() a HashStream first`);
    const status = this.exports.hash_begin(slot, CORE_HASH_SELECTOR[alg]);
    if (status !== 0) {
      this.freeSlots.push(slot);
      this.w.check(status, `hash ${alg}`);
    }
    return new HashStream(this, slot, alg);
  }

  /** Digest of bytes in one call. */
  digest(alg: HashAlgorithm, bytes: Uint8Array): Uint8Array {
    const stream = this.begin(alg);
    try {
      stream.update(bytes);
    } catch (e) {
      stream.cancel();
      throw e;
    }
    return stream.end();
  }

  /** Digest of bytes in one call, as lowercase hex (certHash, certificate fingerprints). */
  digestHex(alg: HashAlgorithm, bytes: Uint8Array): string {
    return Buffer.from(this.digest(alg, bytes)).toString("hex");
  }

  /** Digest of everything an async source yields (a file stream, stdin). */
  async digestChunks(alg: HashAlgorithm, chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
    const stream = this.begin(alg);
    try {
      for await (const chunk of chunks) stream.update(chunk);
    } catch (e) {
      stream.cancel();
      throw e;
    }
    return stream.end();
  }

  /** Digest of a file, read in 256 KiB pieces (never whole). Rejects with the fs error. */
  hashFile(alg: HashAlgorithm, path: string): Promise<Uint8Array> {
    // Not a static import of node:fs, so the facet loads in a browser (cnfguard/core).
    const { createReadStream } = process.getBuiltinModule("fs");
    return this.digestChunks(alg, createReadStream(path, { highWaterMark: 256 * 1024 }));
  }

  /** @internal HashStream.update: copy through the IN window, one hash_update per window. */
  feed(slot: number, bytes: Uint8Array): void {
    const cap = this.w.inCap;
    for (let offset = 0; offset < bytes.length; offset += cap) {
      const chunk = bytes.subarray(offset, offset + cap);
      this.w.writeIn(chunk);
      this.w.check(this.exports.hash_update(slot, chunk.length), "hash update");
    }
  }

  /** @internal HashStream.end: digest from OUT, slot back to the pool. */
  finish(slot: number): Uint8Array {
    try {
      this.w.check(this.exports.hash_end(slot), "hash end");
      return this.w.readOut(this.w.reg(0));
    } finally {
      this.freeSlots.push(slot);
    }
  }

  /** @internal HashStream.cancel. */
  release(slot: number): void {
    this.freeSlots.push(slot);
  }
}
