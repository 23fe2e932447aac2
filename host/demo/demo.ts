// `npm start` / `cnfguard demo`: the seed end to end on loopback. A fresh data folder with the
// embedded SQLite database, a security profile with TFTP Encrypted Config, a phone assigned to it
// with a CAPF install scheduled, the server on free ports of 127.0.0.1, then a new phone booting
// ITL → partial config → CAPF → reset → encrypted config. Ends with the decrypted config's outline
// (secrets masked) and the seed's SQL row; removes everything it made.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bootPhone } from "../phone/bootFlow.js";
import { configOutline } from "../phone/phoneConfig.js";
import { stepLine } from "../phone/trace.js";
import { initAdmin } from "../server/admin/adminSetup.js";
import { openDatabase } from "../server/database.js";
import { initDataFolder } from "../server/dataFolder.js";
import { addDevice, setCapfOperation } from "../server/deviceStore.js";
import { addProfile } from "../server/profileStore.js";
import { runReadOnlyQuery } from "../server/sqlQuery.js";
import { startServer } from "../server/startServer.js";
import { textTable } from "../server/textTable.js";
import { macDeviceName } from "../shared/deviceNames.js";

export const DEMO_MAC = "A45630BBFA40";
const DEVICE = macDeviceName(DEMO_MAC);
const PROFILE = "Cisco 7942 - Encrypted Config";

/** Runs the demo, writing to `out`; returns 0 when the phone ends with a verified config. */
export async function runDemo(out: (line: string) => void = (l) => process.stdout.write(l + "\n"), o: { keep?: boolean } = {}): Promise<number> {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), "cnfguard-demo-"));
  const data = join(root, "data");
  try {
    out(`== server: data folder ${data}`);
    initDataFolder(data, "127.0.0.1");
    const db = openDatabase(data);
    try {
      addProfile(db, PROFILE, { tftpencryptedconfig: true, capfauthmode: "null", keysize: 2048 });
      addDevice(db, DEVICE, { profile: PROFILE });
      setCapfOperation(db, DEVICE, { operation: "install" });
    } finally {
      db.close();
    }
    out(`   profile "${PROFILE}": TFTP Encrypted Config, CAPF by null string, RSA 2048`);
    out(`   device ${DEVICE} assigned to it, CAPF operation: install`);
    const admin = await initAdmin(data, {});
    const server = await startServer({ data, httpPort: 0, tftpPort: 0, capfPort: 0, admin: { port: 0 } });
    try {
      out(`   listening on 127.0.0.1: HTTP ${server.ports.http}, TFTP ${server.ports.tftp}, CAPF ${server.ports.capf}`);
      out(`   admin pages: https://127.0.0.1:${server.ports.admin}/ — login ${admin.user} / ${admin.generatedPassword} (while the demo runs)`);
      out(`== phone ${DEVICE}: new, MIC only`);
      const result = await bootPhone({
        server: "127.0.0.1",
        mac: DEMO_MAC,
        state: join(root, "phone"),
        httpPort: server.ports.http,
        tftpPort: server.ports.tftp,
        onStep: (s) => out(stepLine(s)),
      });
      if (!result.ok) {
        out(`== failed: ${result.failure!.name}: ${result.failure!.message}`);
        return 1;
      }
      out(`== decrypted config (secrets masked)`);
      for (const line of configOutline(result.config!.toString("utf8"))) out(`   ${line}`);
    } finally {
      await server.close();
    }
    const sql = `select md5hash,name from device where name='${DEVICE}'`;
    const q = runReadOnlyQuery(data, sql);
    out(`== run sql ${sql}`);
    for (const line of textTable(q.columns, q.rows).trimEnd().split("\n")) out(`   ${line}`);
    out(`== done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    if (o.keep) out(`== kept ${root}: the server's data folder is ${data}, the phone's flash ${join(root, "phone")} (rm -r ${root} removes it)`);
    else rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runDemo(undefined, { keep: process.argv.includes("--keep") }).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`demo: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
