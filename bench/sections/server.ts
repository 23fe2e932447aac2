// What a config request costs the reference server: rendering from SQLite and signing
// (SHA-1 and SHA-512 with the RSA-2048 TFTP key), encrypting to a phone's RSA-2048
// certificate, and whole requests over HTTP and TFTP on loopback. Peers: the same bytes
// signed directly with node:crypto, the floor under any renderer.
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpGet } from "../../host/phone/httpFetch.js";
import { capfDeviceStore } from "../../host/server/capfDeviceStore.js";
import { openDatabase } from "../../host/server/database.js";
import { initDataFolder } from "../../host/server/dataFolder.js";
import { addDevice } from "../../host/server/deviceStore.js";
import { renderFile } from "../../host/server/fileRenderer.js";
import { readLabPki } from "../../host/server/labPki.js";
import { addProfile } from "../../host/server/profileStore.js";
import { startServer } from "../../host/server/startServer.js";
import { createCertificate } from "../../host/shared/pki/certificateBuilder.js";
import { tftpGet } from "../../host/shared/tftp/tftpClient.js";
import { type BenchCase, type BenchSection, measure, measureAsync } from "../harness.js";

const SHA1 = "SEPA45630BBFA40";
const SHA512 = "SEP0A1B2C3D4E5F";

export const section: BenchSection = {
  title: "Reference server: rendering and serving configs",
  async run(): Promise<BenchCase[]> {
    const tmp = mkdtempSync(join(tmpdir(), "cnfguard-bench-server-"));
    const data = join(tmp, "data");
    initDataFolder(data);
    const db = openDatabase(data);
    addProfile(db, "Encrypted", { tftpencryptedconfig: true });
    addProfile(db, "Encrypted SHA-512", { tftpencryptedconfig: true, signinghash: "sha512" });
    addDevice(db, SHA1, { profile: "Encrypted" });
    addDevice(db, SHA512, { profile: "Encrypted SHA-512" });
    const pki = readLabPki(data);
    for (const name of [SHA1, SHA512]) {
      const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const der = Buffer.from(createCertificate({ subject: [["CN", name]], publicKey: pair.publicKey, issuer: pki.capf }));
      capfDeviceStore(db).completeOperation(name, {
        certificateDer: der,
        publicKeyDer: pair.publicKey.export({ type: "spki", format: "der" }),
        md5hash: createHash("md5").update(der).digest("hex"),
      });
    }
    const context = { db, pki, address: () => ({ host: "127.0.0.1", capfPort: 3804 }) };
    const server = await startServer({ data, httpPort: 0, tftpPort: 0, capfPort: 0 });
    try {
      const render = (name: string) => () => renderFile(context, name);
      const partial = renderFile(context, `${SHA1}.cnf.xml.sgn`).body!;
      const full = renderFile(context, `${SHA1}.cnf.xml.enc.sgn`).body!;
      return [
        {
          name: "SEP<MAC>.cnf.xml.sgn (partial config), rendered per request",
          results: [
            { impl: "cnfguard render SHA-1", opsPerSec: measure(render(`${SHA1}.cnf.xml.sgn`)), note: `${partial.length} bytes` },
            { impl: "cnfguard render SHA-512", opsPerSec: measure(render(`${SHA512}.cnf.xml.sgn`)) },
            { impl: "node:crypto sign only", opsPerSec: measure(() => sign("sha1", partial, pki.tftp.privateKey)), note: "RSA-2048 signature, no rendering" },
          ],
        },
        {
          name: "SEP<MAC>.cnf.xml.enc.sgn (full config encrypted to an RSA-2048 LSC)",
          results: [
            { impl: "cnfguard render SHA-1", opsPerSec: measure(render(`${SHA1}.cnf.xml.enc.sgn`)), note: `${full.length} bytes` },
            { impl: "cnfguard render SHA-512", opsPerSec: measure(render(`${SHA512}.cnf.xml.enc.sgn`)) },
          ],
        },
        {
          name: "whole request on loopback (partial config)",
          results: [
            {
              impl: "cnfguard HTTP",
              opsPerSec: await measureAsync(() => httpGet({ host: "127.0.0.1", port: server.ports.http, filename: `${SHA1}.cnf.xml.sgn` })),
            },
            {
              impl: "cnfguard TFTP 1428",
              opsPerSec: await measureAsync(() => tftpGet({ host: "127.0.0.1", port: server.ports.tftp, filename: `${SHA1}.cnf.xml.sgn` })),
            },
          ],
        },
      ];
    } finally {
      await server.close();
      db.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
