// Our TFTP server against an independent client: curl's (libcurl's TFTP, with and
// without RFC 2347 options). Skipped where curl is missing or built without TFTP.

import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { startTftpServer } from "../host/shared/tftp/tftpServer.js";

function curlHasTftp(): boolean {
  try {
    return /\btftp\b/.test(execFileSync("curl", ["--version"], { encoding: "utf8" }));
  } catch {
    return false;
  }
}

function curl(args: string[]): Promise<{ exit: number; body: Buffer }> {
  return new Promise((resolve) => {
    execFile("curl", ["-sS", "--max-time", "20", ...args], { encoding: "buffer" }, (err, stdout) => {
      resolve({ exit: typeof err?.code === "number" ? err.code : 0, body: stdout });
    });
  });
}

test("curl downloads from our server with its default options, blksize 1428, no options, and an exact multiple of 512", {
  skip: !curlHasTftp() && "curl without TFTP",
}, async () => {
  const file = randomBytes(1428 * 20 + 7);
  const exact = randomBytes(2048);
  const logs: string[] = [];
  const server = await startTftpServer({
    resolve: async (name) => ({ "SEP001122334455.cnf.xml.sgn": file, "exact.bin": exact })[name] ?? null,
    log: (l) => logs.push(l),
    timeoutMs: 300,
  });
  const url = (name: string) => `tftp://127.0.0.1:${server.port}/${name}`;
  try {
    const plain = await curl([url("SEP001122334455.cnf.xml.sgn")]);
    assert.equal(plain.exit, 0);
    assert.ok(plain.body.equals(file));
    const big = await curl(["--tftp-blksize", "1428", url("SEP001122334455.cnf.xml.sgn")]);
    assert.ok(big.body.equals(file));
    const bare = await curl(["--tftp-no-options", url("SEP001122334455.cnf.xml.sgn")]);
    assert.ok(bare.body.equals(file));
    const multiple = await curl(["--tftp-blksize", "512", url("exact.bin")]);
    assert.ok(multiple.body.equals(exact));
    const missing = await curl([url("SEPFFFFFFFFFFFF.cnf.xml.sgn")]);
    assert.equal(missing.exit, 68, "curl's exit code for TFTP file not found");
    assert.match(logs[1], /blksize=1428 /);
    assert.match(logs[2], /blksize=512 → sent/, "no options: no OACK, 512-byte blocks");
    assert.equal(logs.filter((l) => / → sent, /.test(l)).length, 4);
  } finally {
    await server.close();
  }
});
