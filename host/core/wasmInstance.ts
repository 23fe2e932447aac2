// One instance of the core with typed access to its fixed windows. Browser-safe: nothing
// from node: (host/core/wasmCore.ts loads the module from disk for Node). Facets (hash, aes,
// rsa, files) build on this; they never touch exports by string outside their own file.
import { STATUS } from "../generated/status.js";

/** A non-zero status from the core, turned into a sentence. */
export class CoreError extends Error {
  constructor(
    readonly code: number,
    readonly context: string,
  ) {
    const info = STATUS.get(code);
    super(`${context}: ${info ? info.sentence : `core status ${code}`}${info ? ` (${info.name})` : ""}`);
    // The status name is the error's name (E_BAD_SIGNATURE …): what a caller switches on.
    this.name = this.statusName;
  }
  /** The status constant's name, e.g. "E_BAD_SIGNATURE". */
  get statusName(): string {
    return STATUS.get(this.code)?.name ?? `STATUS_${this.code}`;
  }
}

type Fn = (...args: number[]) => number;

export class WasmCore {
  readonly exports: Record<string, Fn>;
  readonly memory: WebAssembly.Memory;
  readonly inPtr: number;
  readonly inCap: number;
  readonly outPtr: number;
  readonly outCap: number;
  readonly regPtr: number;
  private readonly bytes: Uint8Array;
  private readonly regs: Uint32Array;

  constructor(module: WebAssembly.Module) {
    // Empty import object: the module imports nothing, by design.
    const instance = new WebAssembly.Instance(module, {});
    this.exports = instance.exports as unknown as Record<string, Fn>;
    this.memory = instance.exports.memory as WebAssembly.Memory;
    // Memory is fixed (initial = maximum), so these views never detach.
    this.bytes = new Uint8Array(this.memory.buffer);
    this.inPtr = this.exports.in_ptr();
    this.inCap = this.exports.in_cap();
    this.outPtr = this.exports.out_ptr();
    this.outCap = this.exports.out_cap();
    this.regPtr = this.exports.reg_ptr();
    this.regs = new Uint32Array(this.memory.buffer, this.regPtr, this.exports.reg_count());
  }

  /** The whole linear memory (fixed size). */
  get heap(): Uint8Array {
    return this.bytes;
  }

  /** Copy bytes into the input window at `offset`. */
  writeIn(data: Uint8Array, offset = 0): void {
    if (offset + data.length > this.inCap) throw new RangeError(`input of ${data.length} bytes exceeds the core's ${this.inCap}-byte window`);
    this.bytes.set(data, this.inPtr + offset);
  }

  /** A copy of `len` bytes of the output window from `offset`. */
  readOut(len: number, offset = 0): Uint8Array {
    if (offset + len > this.outCap) throw new RangeError(`output read of ${len} bytes exceeds the core's window`);
    return this.bytes.slice(this.outPtr + offset, this.outPtr + offset + len);
  }

  /** A view (no copy) of the output window; valid until the next core call. */
  viewOut(len: number, offset = 0): Uint8Array {
    return this.bytes.subarray(this.outPtr + offset, this.outPtr + offset + len);
  }

  /** Result register i. */
  reg(i: number): number {
    return this.regs[i];
  }

  /** Throw a CoreError for a non-zero status. */
  check(status: number, context: string): void {
    if (status !== 0) throw new CoreError(status, context);
  }
}
