// A slow server cannot hold the phone (issue 11 item 7): every fetch has an overall deadline
// (not only a silence time-out), and `phone`/`diagnose --timeout SECONDS` bound the whole run.
// A server that drips one byte at a time ends the boot with a named failure, exit 3, flash untouched.

import assert from "node:assert/strict";
import net from "node:net";
import { after, before, test } from "node:test";
import { bootPhone } from "../host/phone/bootFlow.js";
import { runCli } from "./helpers/cliRun.js";
import { addPhone, boot, nextMac, scratchDir, snapshot } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";
import { closeWithConnections } from "./helpers/tcpPeer.js";

const cli = (args: string[]) => runCli(args);
let lab: LabServer;

before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 } }, {});
});
after(() => lab.close());

/** A TCP server that answers every connection with one byte of an HTTP status line every 200 ms, forever. */
async function drippingServer(t: { after: (fn: () => Promise<void>) => void }): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    const text = "HTTP/1.1 200 OK\r\nx-slow: ";
    let i = 0;
    const timer = setInterval(() => socket.write(text[Math.min(i++, text.length - 1)]), 200);
    socket.on("close", () => {
      clearInterval(timer);
      sockets.delete(socket);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => closeWithConnections(server, sockets));
  return (server.address() as net.AddressInfo).port;
}

/** A booted phone (trust list, LSC, config on flash) and its flash as it is now. */
async function bootedPhone(t: Parameters<typeof scratchDir>[0]) {
  const mac = nextMac();
  addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  const r = await boot(lab, mac, state);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  return { mac, state, before: snapshot(state) };
}

test("a fetch from a server that drips its headers ends at the fetch deadline, named; flash untouched", async (t) => {
  const phone = await bootedPhone(t);
  const port = await drippingServer(t);
  const started = Date.now();
  const r = await bootPhone({
    server: "127.0.0.1",
    mac: phone.mac,
    state: phone.state,
    httpPort: port,
    transport: "http",
    fetchTimeoutMs: 3000,
    fetchDeadlineMs: 1500,
  });
  assert.equal(r.ok, false);
  assert.equal(r.failure!.name, "config-unavailable");
  assert.match(r.failure!.message, /deadline/);
  assert.ok(Date.now() - started < 30_000, "ended long before the dripping server would");
  assert.deepEqual(snapshot(phone.state), phone.before);
});

test("phone --timeout 3 against a dripping server: exit 3 with the timeout named, flash untouched", async (t) => {
  const phone = await bootedPhone(t);
  const port = await drippingServer(t);
  const r = await cli([
    "phone",
    "--server",
    "127.0.0.1",
    "--mac",
    phone.mac,
    "--state",
    phone.state,
    "--http-port",
    String(port),
    "--transport",
    "http",
    "--timeout",
    "3",
  ]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /timeout/);
  assert.match(r.stderr, /--timeout 3/);
  assert.ok(r.ms < 60_000, `took ${r.ms} ms`);
  assert.deepEqual(snapshot(phone.state), phone.before);
});

test("diagnose --timeout 3 against a server that is not there: exit 3 within the bound", async (t) => {
  const state = scratchDir(t);
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const port = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const r = await cli([
    "diagnose",
    "--server",
    "127.0.0.1",
    "--mac",
    nextMac(),
    "--state",
    state,
    "--http-port",
    String(port),
    "--tftp-port",
    String(port),
    "--timeout",
    "3",
  ]);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.ok(r.ms < 60_000, `took ${r.ms} ms`);
});

test("--timeout needs a whole number of seconds", async (t) => {
  const r = await cli(["phone", "--server", "127.0.0.1", "--mac", nextMac(), "--state", scratchDir(t), "--timeout", "soon"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--timeout 'soon'/);
});
