// The core's whole export surface: a plain C-style ABI (i32/u32 only), no imports.
// Each group lives in assembly/abi/; assembly/README.md is the contract.
export * from "./abi/windows";
export * from "./abi/hashAbi";
export * from "./abi/aesAbi";
export * from "./abi/rsaAbi";
export * from "./abi/fileAbi";
export { selftest } from "./selftest";
