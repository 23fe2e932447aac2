// `server init --import-pki DIR`: a data folder started from existing SAST, TFTP and CAPF
// certificates and keys (either order in the file), and the named refusals — a key that is not
// the certificate's, a non-RSA key, a CAPF certificate that cannot issue LSCs or serve TLS.
// Oracles: node:crypto (certificate bytes, key pairing) and the ITL the core reads.
import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { newCore } from "../host/core.js";
import { readLabPki } from "../host/server/labPki.js";
import { trustListFile } from "../host/server/trustListFile.js";
import { type CertificateOptions, certificatePem, createCertificate, privateKeyPem } from "../host/shared/pki/certificateBuilder.js";
import { cnfguardCli as cnfguard } from "./helpers/cliRun.js";

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "cnfguard-importpki-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Pair {
  der: Uint8Array;
  key: KeyObject;
}

function selfSigned(cn: string, o: Partial<CertificateOptions> = {}, kind: "rsa" | "ec" = "rsa"): Pair {
  const pair = kind === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { der: createCertificate({ subject: [["CN", cn]], publicKey: pair.publicKey, selfSigningKey: pair.privateKey, ...o }), key: pair.privateKey };
}

const GOOD = {
  sast: () => selfSigned("SAST-import", { ca: true, keyUsage: ["digitalSignature", "keyCertSign"] }),
  tftp: () => selfSigned("tftp-import", { keyUsage: ["digitalSignature", "keyEncipherment"], extKeyUsage: ["serverAuth", "clientAuth"] }),
  capf: () =>
    selfSigned("CAPF-import", { ca: true, keyUsage: ["digitalSignature", "keyEncipherment", "keyCertSign"], extKeyUsage: ["serverAuth", "clientAuth"] }),
};

let folders = 0;
/** A folder with the three files; `keyFirst` writes the key before the certificate (as mkcert does). */
function pkiFolder(files: { sast: Pair; tftp: Pair; capf: Pair }, keyFirst: Partial<Record<string, boolean>> = {}, swapKey?: string): string {
  const dir = join(tmp, `pki-${folders++}`);
  mkdirSync(dir);
  for (const [role, p] of Object.entries(files)) {
    const key = swapKey === role ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey : p.key;
    const parts = [certificatePem(p.der), privateKeyPem(key)];
    writeFileSync(join(dir, `${role}.pem`), (keyFirst[role] ? parts.reverse() : parts).join(""));
  }
  return dir;
}

test("good files, key first or certificate first: the folder uses them, and its trust list carries them", async () => {
  const files = { sast: GOOD.sast(), tftp: GOOD.tftp(), capf: GOOD.capf() };
  const dir = pkiFolder(files, { sast: true, capf: true });
  const data = join(tmp, "data-good");
  const r = await cnfguard("server", "init", "--data", data, "--import-pki", dir);
  assert.equal(r.code, 0, r.stderr);
  const pki = readLabPki(data);
  for (const role of ["sast", "tftp", "capf"] as const) assert.deepEqual(Buffer.from(pki[role].certificateDer), Buffer.from(files[role].der), role);
  assert.ok(pki.micCa.certificateDer.length > 0, "a lab MIC CA is still made");
  const core = newCore();
  assert.equal(core.files.installTrustList(trustListFile(pki, "sha1")).installed, true, "the ITL signed by the imported SAST installs");
});

test("named refusals, and nothing is left behind", async () => {
  const cases: Array<[string, () => string, RegExp]> = [
    [
      "mismatched key",
      () => pkiFolder({ sast: GOOD.sast(), tftp: GOOD.tftp(), capf: GOOD.capf() }, {}, "tftp"),
      /tftp\.pem: the private key is not the key of its certificate/,
    ],
    [
      "EC SAST",
      () => pkiFolder({ sast: selfSigned("SAST-ec", { ca: true }, "ec"), tftp: GOOD.tftp(), capf: GOOD.capf() }),
      /sast\.pem: the SAST key is EC, not RSA/,
    ],
    ["CAPF not a CA", () => pkiFolder({ sast: GOOD.sast(), tftp: GOOD.tftp(), capf: selfSigned("CAPF-leaf") }), /capf\.pem: the CAPF certificate is not a CA/],
    [
      "CAPF without keyCertSign",
      () =>
        pkiFolder({ sast: GOOD.sast(), tftp: GOOD.tftp(), capf: selfSigned("CAPF-nosign", { ca: true, keyUsage: ["digitalSignature", "keyEncipherment"] }) }),
      /capf\.pem: the CAPF certificate's key usage lacks keyCertSign/,
    ],
    [
      "CAPF without serverAuth",
      () =>
        pkiFolder({
          sast: GOOD.sast(),
          tftp: GOOD.tftp(),
          capf: selfSigned("CAPF-client", { ca: true, keyUsage: ["digitalSignature", "keyCertSign"], extKeyUsage: ["clientAuth"] }),
        }),
      /capf\.pem: the CAPF certificate's extended key usage lacks serverAuth/,
    ],
  ];
  for (const [what, make, message] of cases) {
    const data = join(tmp, `data-bad-${folders}`);
    const r = await cnfguard("server", "init", "--data", data, "--import-pki", make());
    assert.equal(r.code, 3, `${what}: ${r.stderr}`);
    assert.match(r.stderr, message, what);
    assert.equal(existsSync(data), false, `${what}: no data folder is made`);
  }
  const empty = join(tmp, "empty-pki");
  mkdirSync(empty);
  writeFileSync(join(empty, "sast.pem"), "");
  const r = await cnfguard("server", "init", "--data", join(tmp, "data-empty"), "--import-pki", empty);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /sast\.pem: no PEM certificate/);
});
