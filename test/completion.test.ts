// `cnfguard completion bash`, sourced into a real bash: commands, actions and options complete
// to what the dispatcher and each command's parser accept (both read the same tables).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { cnfguard } from "./helpers/cliRun.js";

/** What bash offers for the words typed so far (the last one is being completed). */
function complete(script: string, words: string[]): string[] {
  const program = `eval "$(cat)"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _cnfguard; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync("bash", ["-c", program], { input: script, encoding: "utf8" }).split("\n").filter(Boolean).sort();
}

test("bash completion: commands, actions and options from the tables", async () => {
  const r = await cnfguard(["completion", "bash"]);
  assert.equal(r.code, 0, r.stderr);
  const top = await cnfguard(["--help"]);
  const commands = [...top.stdout.matchAll(/^ {2}(\w+) {2}/gm)].map((m) => m[1]);
  assert.ok(commands.length > 10);
  assert.deepEqual(
    complete(r.stdout, ["cnfguard", ""]).filter((w) => !w.startsWith("-") && w !== "help"),
    [...commands].sort(),
  );
  assert.deepEqual(complete(r.stdout, ["cnfguard", "dev"]), ["device"]);
  assert.deepEqual(complete(r.stdout, ["cnfguard", "server", "st"]), ["start"]);
  assert.ok(complete(r.stdout, ["cnfguard", "server", "start", "--h"]).includes("--http-port"));
  assert.deepEqual(complete(r.stdout, ["cnfguard", "hash", "sha5"]), ["sha512"]);
  assert.ok(complete(r.stdout, ["cnfguard", "sign", "--"]).includes("--output"));
  // Every option completion offers, the command's parser accepts (no drift between the two).
  for (const name of ["sign", "decrypt", "device"]) {
    for (const flag of complete(r.stdout, ["cnfguard", name, "--"]).filter((f) => f !== "--help")) {
      const run = await cnfguard([name, flag, "x"]);
      assert.doesNotMatch(run.stderr, /unknown option/, `${name} ${flag}`);
    }
  }
  const other = await cnfguard(["completion", "zsh"]);
  assert.equal(other.code, 2);
});
