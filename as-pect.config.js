// as-pect runs the specs in assembly/__tests__ with the incremental runtime (specs allocate freely;
// the core itself never does — test/allocationFree.test.ts proves that on the release build).
export default {
  entries: ["assembly/__tests__/**/*.spec.ts"],
  include: ["assembly/__tests__/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
