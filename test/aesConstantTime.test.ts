// "No table lookup indexed by key or data", checked on the built module: binaryen
// instruments every load and store (reporting its address) and every loop header and
// function entry; the AES exports must then touch the same addresses in the same order
// and run the same loops for any key, IV and data of a given length. A control module
// with a real table lookup and a data-dependent loop shows the harness would notice.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { wasmPath } from "../host/paths.js";
import { instrument, type Traced, tracedControl } from "./helpers/tracedCore.js";

/** The events of begin (key schedule) and one update of `blocks` blocks, for random inputs. */
function aesTrace(core: Traced, encrypt: number, blocks: number): string[] {
  const inPtr = core.exports.in_ptr();
  core.memory.set(randomBytes(32), inPtr);
  const begin = core.trace(() => assert.equal(core.exports.aes_cbc_begin(encrypt), 0));
  core.memory.set(randomBytes(blocks * 16), inPtr);
  const update = core.trace(() => assert.equal(core.exports.aes_cbc_update(blocks * 16), 0));
  return [...begin, "|", ...update];
}

test("AES key schedule, encryption and decryption touch the same addresses and run the same loops for any key and data", () => {
  const core = instrument(readFileSync(wasmPath));
  for (const encrypt of [0, 1]) {
    for (const blocks of [1, 3, 4, 9]) {
      const first = aesTrace(core, encrypt, blocks);
      assert.ok(first.length > 1000, `the trace records the work (${first.length} events)`);
      for (let run = 0; run < 3; run++) {
        const again = aesTrace(core, encrypt, blocks);
        assert.equal(again.length, first.length, `${encrypt ? "encrypt" : "decrypt"} ${blocks} blocks: event count`);
        assert.ok(
          again.every((e, i) => e === first[i]),
          `${encrypt ? "encrypt" : "decrypt"} ${blocks} blocks: same event sequence`,
        );
      }
    }
  }
});

test("the harness sees a table lookup and a data-dependent loop (control)", () => {
  const control = tracedControl();
  assert.notDeepEqual(
    control.trace(() => control.exports.lookup(3)),
    control.trace(() => control.exports.lookup(200)),
  );
  assert.notDeepEqual(
    control.trace(() => control.exports.count(2)),
    control.trace(() => control.exports.count(5)),
  );
});
