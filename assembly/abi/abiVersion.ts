// The ABI version (its own module: index.ts re-exports windows.ts, and an exported
// constant there would become a wasm global export).

/** the ABI version abi_version() returns: bumped whenever an export changes meaning */
export const ABI_VERSION: u32 = 1;
