// Bounded fuzz of the file engine in the suite: 20 000 mutated files per format (a signed
// config, an encrypted config, a trust list). No trap, every rejection a named status,
// nothing changed is ever accepted. The long run is `npm run fuzz`.

import assert from "node:assert/strict";
import { test } from "node:test";
import { FUZZ_FORMATS, fuzzFormat } from "./fuzz/fileFuzz.js";

const PER_FORMAT = 20_000;
const SEED = 20261127;

for (const [k, format] of FUZZ_FORMATS.entries()) {
  test(`fuzz ${format.name}: ${PER_FORMAT} mutants, no trap, named rejections only`, () => {
    const report = fuzzFormat(format, PER_FORMAT, SEED + k);
    assert.equal(report.runs, PER_FORMAT);
    // The mutator reaches deep: parsing, the signer lookup and the signature all reject some.
    assert.ok(report.statuses.size >= 8, `only ${[...report.statuses.keys()].join(", ")}`);
    assert.ok((report.statuses.get("E_BAD_SIGNATURE") ?? 0) > 0);
  });
}
