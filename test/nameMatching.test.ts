// Names across every device class (issue 12): CAPF finds a device whatever the case of the name a
// client sends, as CUCM's device table does, and records the outcome under the canonical name;
// the served file names stay exact — for every class a case variant, a suffix variant, a path
// or traversal, and the clear-text config of an encrypted profile are refused over HTTP and
// TFTP, while the canonical names are served. Oracles: the database, the CAPF wire messages.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setCapfOperation } from "../host/server/deviceStore.js";
import { CapfCommand, CapfReason, CapfTag, readU8Value } from "../host/shared/capf/capfElements.js";
import { decodeCapfMessage, findElement } from "../host/shared/capf/capfMessage.js";
import { ataPortDeviceName, DEVICE_CLASSES, deviceFileNames } from "../host/shared/deviceNames.js";
import { rawAuthResponse, rawCapfSession, rawReason } from "./helpers/capfRawClient.js";
import { addNamedDevice, dbRow } from "./helpers/phoneFixtures.js";
import { enrol, type LabServer, labServer, rawHttp, tftpFile } from "./helpers/serverFixtures.js";

let lab: LabServer;
/** one device of every class, on an encrypted profile */
const NAMES = [...DEVICE_CLASSES.map((c) => c.example), ataPortDeviceName(DEVICE_CLASSES[1].example.slice(3), 2)];

before(async () => {
  lab = await labServer({ enc: { tftpencryptedconfig: true, capfauthmode: "null", keysize: 1024 } }, {});
  for (const name of NAMES) addNamedDevice(lab, name, "enc", { operation: "none" });
});
after(() => lab.close());

/** Served over HTTP (status 200) and TFTP (bytes, not an error code)? Both must agree. */
async function served(name: string): Promise<boolean> {
  const http = (await rawHttp(lab.server.ports.http, `/${name}`)).status === 200;
  const tftp = Buffer.isBuffer(await tftpFile(lab, name));
  assert.equal(http, tftp, `${name}: HTTP ${http ? "serves" : "refuses"} it, TFTP ${tftp ? "serves" : "refuses"} it`);
  return http;
}

for (const name of NAMES) {
  test(`${name}: the canonical names are served; case and suffix variants, paths and the clear config are not`, async () => {
    const files = deviceFileNames(name);
    assert.equal(await served(files.signedConfig), true);
    assert.equal(await served(files.trustList), true);
    const refused = [
      files.config, // clear text for an encrypted profile
      files.signedConfig.toLowerCase(),
      `${name}.CNF.XML.SGN`,
      `${name.slice(0, 3).toLowerCase()}${name.slice(3)}.cnf.xml.sgn`,
      `ITL${name.toLowerCase()}.tlv`,
      `${files.signedConfig}.bak`,
      `../${files.signedConfig}`,
      `./${files.signedConfig}`,
      `sub/${files.signedConfig}`,
      `/${files.signedConfig}`,
      `${name}%2ecnf.xml.sgn`,
    ];
    for (const variant of refused) assert.equal(await served(variant), false, `${variant} must not be served`);
    for (const path of [`/%2e%2e/${files.signedConfig}`, `/..%2f${files.signedConfig}`]) {
      assert.notEqual((await rawHttp(lab.server.ports.http, path)).status, 200, path);
    }
  });

  test(`${name}: CAPF finds the device when the client sends its name in lower case, and records under the canonical name`, async () => {
    enrol(lab, name);
    setCapfOperation(lab.db, name, { operation: "delete" });
    const chunks = await rawCapfSession(lab.server.ports.capf, (command, sessionId) =>
      command === CapfCommand.authRequest
        ? rawAuthResponse(name.toLowerCase(), sessionId)
        : command === CapfCommand.deleteCertRequest
          ? rawReason(CapfCommand.deleteCertResponse, sessionId, CapfReason.updateCertificate)
          : undefined,
    );
    const messages = chunks.map((c) => decodeCapfMessage(c));
    assert.deepEqual(
      messages.map((m) => m.command),
      [CapfCommand.authRequest, CapfCommand.deleteCertRequest, CapfCommand.endSession],
    );
    assert.equal(readU8Value(findElement(messages.at(-1)!, CapfTag.reason)!, "reason"), CapfReason.updateCertificate);
    assert.equal(dbRow(lab, name).md5hash, null, "the certificate was deleted");
    const row = lab.db.prepare("SELECT certificateoperationstatus AS s FROM device WHERE name = ?").get(name) as { s: string };
    assert.equal(row.s, "deleteSuccess");
    const unknown = lab.db.prepare("SELECT count(*) AS n FROM capfunknowndevice WHERE upper(name) = ?").get(name) as { n: number };
    assert.equal(unknown.n, 0, "not taken for an unknown device");
  });
}

test("a name of no class is still an unknown device to CAPF, whatever its case", async () => {
  const chunks = await rawCapfSession(lab.server.ports.capf, (command, sessionId) =>
    command === CapfCommand.authRequest ? rawAuthResponse("sepnotamac", sessionId) : undefined,
  );
  const end = decodeCapfMessage(chunks.at(-1)!);
  assert.equal(readU8Value(findElement(end, CapfTag.reason)!, "reason"), CapfReason.unknownDevice);
});
