// Exports that tell a host where the fixed windows are (see memoryMap.ts).
import { IN, IN_CAP, OUT, OUT_CAP, REG, REG_COUNT } from "../memoryMap";
import { ABI_VERSION } from "./abiVersion";

/** Address of the input window. */
export function in_ptr(): u32 { return <u32>IN; }
/** Size of the input window in bytes. */
export function in_cap(): u32 { return IN_CAP; }
/** Address of the output window. */
export function out_ptr(): u32 { return <u32>OUT; }
/** Size of the output window in bytes. */
export function out_cap(): u32 { return OUT_CAP; }
/** Address of the result registers (REG_COUNT little-endian u32). */
export function reg_ptr(): u32 { return <u32>REG; }
/** Number of result registers. */
export function reg_count(): u32 { return REG_COUNT; }
/** ABI version: bumped whenever an export changes meaning. */
export function abi_version(): u32 { return ABI_VERSION; }
/** End of the core's static regions (the AssemblyScript `__heap_base`). The core keeps
 *  no heap: memory from here to the end of its 2 pages is never written by the core. */
export function static_end(): u32 { return <u32>__heap_base; }
