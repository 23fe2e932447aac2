// After a dropped connection the phone and the server agree (issue 11 item 5). The server
// commits a new LSC on the phone's store certificate response; the phone now keeps the
// certificate before it sends that response, so a relay that drops the end session (the last
// record) and closes leaves both naming the same certificate — and the phone gets its
// encrypted config, at the latest on its next boot.

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { signFile } from "../host/shared/signed/signedFileWriter.js";
import { addPhone, alteringFront, bodyOf, boot, dbRow, md5, nextMac, scratchDir } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";
import { closeWithConnections } from "./helpers/tcpPeer.js";

let lab: LabServer;

before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 } }, {});
});
after(() => lab.close());

/**
 * A TCP relay to the lab's CAPF port that forwards both ways until `committed()` says the server
 * has recorded the outcome; from then on the server's bytes (the end session) are dropped and
 * both sides are closed, as a lost record followed by a reset would.
 */
async function droppingRelay(t: { after: (fn: () => Promise<void>) => void }, committed: () => boolean): Promise<{ port: number; dropped: () => number }> {
  let dropped = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((phone) => {
    const capf = net.connect({ host: "127.0.0.1", port: lab.server.ports.capf });
    for (const s of [phone, capf]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => sockets.delete(s));
    }
    phone.on("data", (d) => capf.write(d));
    capf.on("data", (d) => {
      if (!committed()) return void phone.write(d);
      dropped += d.length;
      phone.destroy();
      capf.destroy();
    });
    phone.on("close", () => capf.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => closeWithConnections(server, sockets));
  return { port: (server.address() as net.AddressInfo).port, dropped: () => dropped };
}

/** An HTTP front whose partial configs send the phone to `capfPort` (re-signed with the lab's TFTP key). */
async function frontTo(t: Parameters<typeof scratchDir>[0], capfPort: number): Promise<number> {
  const front = await alteringFront(lab, (name, bytes) => {
    if (!bytes || !name.endsWith(".cnf.xml.sgn")) return bytes;
    const body = bodyOf(bytes)
      .toString("utf8")
      .replace(/<phonePort>\d+<\/phonePort>/g, `<phonePort>${capfPort}</phonePort>`);
    return Buffer.from(signFile(Buffer.from(body), { signer: lab.pki.tftp, filename: name }));
  });
  t.after(front.close);
  return front.port;
}

function lscMd5(state: string): string {
  return md5(new X509Certificate(readFileSync(join(state, "lsc.pem"))).raw);
}

test("the end session is lost after the server committed: phone and server name the same LSC; the encrypted config follows", async (t) => {
  const mac = nextMac();
  const device = addPhone(lab, mac, "enc");
  const state = scratchDir(t);
  const relay = await droppingRelay(t, () => dbRow(lab, device).md5hash !== null);
  const first = await boot(lab, mac, state, { httpPort: await frontTo(t, relay.port) });
  assert.ok(relay.dropped() > 0, "the relay dropped the server's last record");
  const recorded = dbRow(lab, device).md5hash;
  assert.ok(recorded, "the server committed the new certificate");
  assert.equal(lscMd5(state), recorded, "the phone holds the certificate the server recorded");
  // At the latest on the next boot (straight to the server) the phone gets its encrypted config.
  const result = first.ok ? first : await boot(lab, mac, state);
  assert.equal(result.ok, true, JSON.stringify(result.failure));
  assert.ok(result.steps.some((s) => s.step === "encrypted-config" && s.ok));
  assert.equal(dbRow(lab, device).md5hash, lscMd5(state));
});
