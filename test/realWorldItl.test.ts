// Optional: the trust list published by a live deployment (4096-bit APP-SERVER records,
// 2048-bit signer), read from ../shared/vectors/real-world/ beside the repository when
// that folder exists. It is not copied into the repository.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { newCore } from "../host/core.js";
import { repoRoot } from "../host/paths.js";
import { assertInspectMatches, parsedText } from "./fuzz/signedCorpus.js";

const ITL = resolve(repoRoot, "..", "shared", "vectors", "real-world", "ITLFile.tlv");

test("a real deployment's ITLFile.tlv inspects like the peer's parser and verifies on first use", (t) => {
  if (!existsSync(ITL)) {
    t.skip(`skipped: ${ITL} is not present (the real-world vectors live outside the repository)`);
    return;
  }
  const bytes = readFileSync(ITL);
  const core = newCore();
  const seen = core.files.inspect(bytes);
  if (existsSync(`${ITL}.parsed.txt`)) assertInspectMatches(seen, parsedText(readFileSync(`${ITL}.parsed.txt`, "utf8")));
  assert.equal(seen.signature, "valid");
  assert.ok(
    seen.records!.some((r) => r.modulusBytes === 512),
    "its 4096-bit keys are usable",
  );
  assert.equal(core.files.verify(bytes, "trust-list").status, "OK");
  assert.equal(core.files.installTrustList(bytes).installed, true);
  assert.equal(core.files.trustRecords().length, seen.records!.length);
});
