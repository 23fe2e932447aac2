// The short run of the TypeScript-side decoder fuzzers (test/fuzz/decoderFuzz.ts): the CAPF
// codec and framing, the TFTP codec with option negotiation, the phone's config-XML reading.
// No exception but the codec's named one, no slow call, bounded heap. `npm run fuzz -- decoders
// --count N --seed S` is the long run.

import assert from "node:assert/strict";
import { test } from "node:test";
import { readPhoneConfig } from "../host/phone/phoneConfig.js";
import { DECODER_TARGETS, fuzzDecoder, mutate, random } from "./fuzz/decoderFuzz.js";

for (const target of DECODER_TARGETS) {
  test(`decoder fuzz (short): ${target.name}, 3000 mutants`, () => {
    const report = fuzzDecoder(target, 3000, 20261201);
    assert.equal(report.runs, 3000);
    if (target.named.length > 0) assert.ok(report.refused > 0, "the mutants reach the named refusals");
  });
}

test("the mutator is deterministic for a seed and changes its input", () => {
  const input = Buffer.from("0123456789abcdef");
  const a = mutate(input, random(7));
  const b = mutate(input, random(7));
  assert.deepEqual(a, b);
  assert.ok(Array.from({ length: 20 }, (_, i) => mutate(input, random(i))).some((m) => !Buffer.from(m).equals(input)));
});

test("config XML with 100 000 unclosed <capf> tags is read in bounded time", () => {
  const started = performance.now();
  const view = readPhoneConfig(`<device><fullConfig>false</fullConfig>${"<capf>".repeat(100_000)}</device>`);
  assert.deepEqual(view.capfList, []);
  assert.ok(performance.now() - started < 2000, "linear, not quadratic");
});
