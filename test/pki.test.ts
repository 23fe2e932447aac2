// The lab PKI's certificates, judged by node:crypto's X.509 parser, OpenSSL's TLS stack and the peer's DER conventions.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as tls from "node:tls";
import * as asn1js from "asn1js";
import { certificateInfo } from "../host/shared/certificateInfo.js";
import { certificatePem, createCertificate, privateKeyPem } from "../host/shared/pki/certificateBuilder.js";

const rsa = (bits = 2048) => generateKeyPairSync("rsa", { modulusLength: bits });
const ec = (curve: string) => generateKeyPairSync("ec", { namedCurve: curve });

function selfSignedCa(keys: { publicKey: KeyObject; privateKey: KeyObject }, cn = "CAPF-lab") {
  return createCertificate({
    subject: [
      ["CN", cn],
      ["O", "Cisco"],
      ["OU", "It"],
    ],
    publicKey: keys.publicKey,
    selfSigningKey: keys.privateKey,
    ca: true,
    keyUsage: ["digitalSignature", "keyEncipherment", "keyCertSign"],
    extKeyUsage: ["serverAuth", "clientAuth"],
  });
}

/** The TBSCertificate fields as asn1js blocks (version first). */
function tbsFields(der: Uint8Array) {
  const cert = asn1js.fromBER(der).result as asn1js.Sequence;
  return (cert.valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
}

test("a self-signed RSA CA certificate parses, verifies under its own key and carries its options", () => {
  const keys = rsa();
  const der = selfSignedCa(keys);
  const cert = new X509Certificate(der);
  assert.equal(cert.verify(keys.publicKey), true);
  assert.equal(cert.verify(rsa().publicKey), false);
  assert.equal(cert.ca, true);
  assert.equal(cert.subject, "CN=CAPF-lab\nO=Cisco\nOU=It");
  assert.equal(cert.issuer, cert.subject);
  assert.deepEqual(cert.keyUsage?.slice().sort(), ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
  assert.ok(cert.publicKey.equals(keys.publicKey));
  assert.ok(cert.checkIssued(cert));
});

test("a certificate issued under a CA names the CA's subject byte for byte and verifies under the CA key", () => {
  const caKeys = rsa();
  const caDer = selfSignedCa(caKeys);
  for (const [name, keys] of [
    ["rsa1024", rsa(1024)],
    ["p256", ec("P-256")],
    ["p384", ec("P-384")],
    ["p521", ec("P-521")],
  ] as const) {
    const der = createCertificate({
      subject: [
        ["CN", "SEPA45630BBFA40"],
        ["O", "Cisco"],
        ["OU", "It"],
      ],
      publicKey: keys.publicKey,
      issuer: { certificateDer: caDer, privateKey: caKeys.privateKey },
      ca: false,
      keyUsage: ["digitalSignature", "keyEncipherment"],
      days: 365,
    });
    const cert = new X509Certificate(der);
    assert.equal(cert.verify(caKeys.publicKey), true, name);
    assert.ok(cert.checkIssued(new X509Certificate(caDer)), name);
    assert.equal(cert.ca, false, name);
    assert.deepEqual(tbsFields(der)[3].valueBeforeDecodeView, tbsFields(caDer)[5].valueBeforeDecodeView, name);
    assert.ok(cert.publicKey.equals(keys.publicKey), name);
  }
});

test("EC issuers sign with ECDSA and every hash choice verifies", () => {
  for (const curve of ["P-256", "P-384", "P-521"]) {
    const keys = ec(curve);
    for (const hash of ["sha1", "sha256", "sha512"] as const) {
      const der = createCertificate({ subject: [["CN", "ec"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey, hash });
      const cert = new X509Certificate(der);
      assert.equal(cert.verify(keys.publicKey), true, `${curve} ${hash}`);
    }
  }
  const keys = rsa();
  for (const hash of ["sha1", "sha256", "sha512"] as const) {
    const der = createCertificate({ subject: [["CN", "r"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey, hash });
    const sigAlg = (asn1js.fromBER(der).result as asn1js.Sequence).valueBlock.value[1] as asn1js.Sequence;
    const oid = (sigAlg.valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString();
    assert.equal(oid, { sha1: "1.2.840.113549.1.1.5", sha256: "1.2.840.113549.1.1.11", sha512: "1.2.840.113549.1.1.13" }[hash]);
    assert.equal(new X509Certificate(der).verify(keys.publicKey), true);
  }
});

test("serials are minimal positive DER integers; the default is 16 random bytes", () => {
  const keys = ec("P-256");
  const cases: Array<[number[], string]> = [
    [[0x80, 0x01], "8001"],
    [[0x00, 0x00, 0x7f], "7F"],
    [[0x01], "01"],
  ];
  for (const [bytes, hex] of cases) {
    const der = createCertificate({ subject: [["CN", "s"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey, serial: new Uint8Array(bytes) });
    assert.equal(new X509Certificate(der).serialNumber, hex);
    const encoded = tbsFields(der)[1] as asn1js.Integer;
    const content = encoded.valueBlock.valueHexView;
    assert.ok(content.length === 1 || !(content[0] === 0 && (content[1] & 0x80) === 0), "no redundant leading zero");
  }
  const a = new X509Certificate(createCertificate({ subject: [["CN", "s"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey }));
  const b = new X509Certificate(createCertificate({ subject: [["CN", "s"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey }));
  assert.notEqual(a.serialNumber, b.serialNumber);
  assert.equal(a.serialNumber.length, 32);
  assert.ok(parseInt(a.serialNumber[0], 16) < 8, "positive without a leading zero byte");
});

test("validity: notBefore and days are honoured, whole seconds, GeneralizedTime from 2050", () => {
  const keys = ec("P-256");
  const notBefore = new Date("2026-11-27T04:17:49.750Z");
  const cert = new X509Certificate(
    createCertificate({ subject: [["CN", "v"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey, notBefore, days: 365 }),
  );
  assert.equal(new Date(cert.validFrom).toISOString(), "2026-11-27T04:17:49.000Z");
  assert.equal(new Date(cert.validTo).toISOString(), "2027-11-27T04:17:49.000Z");
  const late = createCertificate({
    subject: [["CN", "v"]],
    publicKey: keys.publicKey,
    selfSigningKey: keys.privateKey,
    notBefore: new Date("2049-06-01T00:00:00Z"),
    days: 3650,
  });
  const validity = (tbsFields(late)[4] as asn1js.Sequence).valueBlock.value;
  assert.ok(validity[0] instanceof asn1js.UTCTime && !(validity[0] instanceof asn1js.GeneralizedTime));
  assert.ok(validity[1] instanceof asn1js.GeneralizedTime);
  assert.equal(new Date(new X509Certificate(late).validTo).toISOString(), "2059-05-30T00:00:00.000Z");
  const defaults = new X509Certificate(createCertificate({ subject: [["CN", "v"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey }));
  const from = new Date(defaults.validFrom).getTime();
  assert.ok(Math.abs(from - (Date.now() - 3_600_000)) < 5_000);
  assert.equal(new Date(defaults.validTo).getTime() - from, 3650 * 86_400_000);
});

test("names are UTF8String like the peer's certificates, country PrintableString; unknown attributes refused", () => {
  const keys = ec("P-256");
  const der = createCertificate({
    subject: [
      ["CN", "Zürich"],
      ["C", "CH"],
      ["2.5.4.7", "Bern"],
    ],
    publicKey: keys.publicKey,
    selfSigningKey: keys.privateKey,
  });
  const rdns = (tbsFields(der)[5] as asn1js.Sequence).valueBlock.value;
  const value = (i: number) => ((rdns[i] as asn1js.Set).valueBlock.value[0] as asn1js.Sequence).valueBlock.value[1];
  assert.ok(value(0) instanceof asn1js.Utf8String);
  assert.ok(value(1) instanceof asn1js.PrintableString);
  assert.equal(new X509Certificate(der).subject, "CN=Zürich\nC=CH\nL=Bern");
  assert.throws(() => createCertificate({ subject: [["XX", "y"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey }), /unknown attribute "XX"/);
  assert.throws(() => createCertificate({ subject: [["CN", "y"]], publicKey: keys.publicKey }), /issuer or selfSigningKey/);
});

test("the subject key identifier is the SHA-1 of the key bits and children carry it as authority key identifier", () => {
  const caKeys = rsa();
  const caDer = selfSignedCa(caKeys);
  const spki = caKeys.publicKey.export({ type: "spki", format: "der" });
  const bits = ((asn1js.fromBER(spki).result as asn1js.Sequence).valueBlock.value[1] as asn1js.BitString).valueBlock.valueHexView;
  const expected = createHash("sha1").update(bits).digest("hex").toUpperCase().match(/../g)!.join(":");
  const child = ec("P-256");
  const childDer = createCertificate({ subject: [["CN", "c"]], publicKey: child.publicKey, issuer: { certificateDer: caDer, privateKey: caKeys.privateKey } });
  // node:crypto does not expose these extensions; read them back with asn1js.
  const extensionValue = (der: Uint8Array, oid: string) => {
    const fields = tbsFields(der);
    const exts = ((fields[fields.length - 1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
    const ext = exts.find((e) => ((e as asn1js.Sequence).valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString() === oid) as asn1js.Sequence;
    const octets = ext.valueBlock.value[ext.valueBlock.value.length - 1] as asn1js.OctetString;
    return asn1js.fromBER(octets.valueBlock.valueHexView).result;
  };
  const ski = Buffer.from((extensionValue(caDer, "2.5.29.14") as asn1js.OctetString).valueBlock.valueHexView)
    .toString("hex")
    .toUpperCase()
    .match(/../g)!
    .join(":");
  assert.equal(ski, expected);
  const aki = extensionValue(childDer, "2.5.29.35") as asn1js.Sequence;
  const keyId = Buffer.from((aki.valueBlock.value[0] as asn1js.Primitive).valueBlock.valueHexView)
    .toString("hex")
    .toUpperCase()
    .match(/../g)!
    .join(":");
  assert.equal(keyId, expected);
  const ku = extensionValue(caDer, "2.5.29.15") as asn1js.BitString;
  assert.deepEqual([...ku.valueBlock.valueHexView], [0xa4]); // digitalSignature, keyEncipherment, keyCertSign
  assert.equal(ku.valueBlock.unusedBits, 2);
});

test("a CA certificate with serverAuth works as a TLS server certificate when it is the client's only CA", async () => {
  const keys = rsa();
  const der = selfSignedCa(keys);
  const server = tls.createServer({ cert: certificatePem(der), key: privateKeyPem(keys.privateKey) }, (socket) => socket.end("capf"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const received = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ca: [certificatePem(der)], servername: "CAPF-lab", checkServerIdentity: () => undefined }, () => {
        if (!socket.authorized) reject(new Error(`not authorized: ${socket.authorizationError}`));
      });
      let text = "";
      socket.on("data", (d) => (text += d));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    assert.equal(received, "capf");
    // And a different CA is refused: the test above can fail.
    const other = selfSignedCa(rsa(1024), "other");
    await assert.rejects(
      new Promise((resolve, reject) => {
        const s = tls.connect({ host: "127.0.0.1", port, ca: [certificatePem(other)], checkServerIdentity: () => undefined }, () => resolve(s.end()));
        s.on("error", reject);
      }),
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("pathLength lands in basicConstraints (openssl agrees)", () => {
  const keys = ec("P-256");
  const der = createCertificate({ subject: [["CN", "ca"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey, ca: true, pathLength: 0 });
  const text = execFileSync("openssl", ["x509", "-inform", "DER", "-noout", "-text"], { input: der }).toString();
  assert.match(text, /CA:TRUE, pathlen:0/);
});

test("PEM output round-trips through node:crypto", () => {
  const keys = ec("P-384");
  const der = createCertificate({ subject: [["CN", "p"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey });
  const pem = certificatePem(der);
  assert.match(pem, /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
  assert.deepEqual(new Uint8Array(new X509Certificate(pem).raw), der);
  const keyPem = privateKeyPem(keys.privateKey);
  assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
});

test("certificateInfo agrees with node:crypto on the peer's certificates and ours", () => {
  const peer = ["sast", "sast2", "tftp", "tftp4096", "capf", "tvs", "app-ec"].map((n) =>
    readFileSync(new URL(`../../vectors/peer/pki/${n}.pem`, import.meta.url)),
  );
  const keys = rsa(1024);
  const ours = createCertificate({
    subject: [
      ["CN", "x"],
      ["O", "Cisco"],
      ["OU", "It"],
    ],
    publicKey: keys.publicKey,
    selfSigningKey: keys.privateKey,
    serial: new Uint8Array([0, 0, 0xff]),
  });
  for (const der of [...peer.map((pem) => new Uint8Array(new X509Certificate(pem).raw)), ours]) {
    const cert = new X509Certificate(der);
    const info = certificateInfo(der);
    assert.equal(info.subjectName, cert.subject.replace(/\n/g, ","));
    assert.equal(info.issuerName, cert.issuer.replace(/\n/g, ","));
    assert.equal(Buffer.from(info.serial).toString("hex").toUpperCase(), cert.serialNumber.replace(/^(00)+(?=..)/, ""));
    assert.notEqual(info.serial[0], 0);
    assert.deepEqual(info.subjectPublicKeyInfo, new Uint8Array(cert.publicKey.export({ type: "spki", format: "der" })));
    const jwk = cert.publicKey.export({ format: "jwk" });
    if (jwk.kty === "EC") assert.equal(Buffer.from(info.subjectPublicKey.subarray(1, 1 + (info.subjectPublicKey.length - 1) / 2)).toString("base64url"), jwk.x);
    else assert.equal(info.subjectPublicKey.length > 128, true);
    assert.deepEqual(tbsFields(der)[5].valueBeforeDecodeView, info.subjectDer);
  }
  assert.deepEqual([...certificateInfo(ours).serial], [0xff]);
});

test("an LSC issued under the peer's CAPF certificate chains to it (openssl verify) and names it byte for byte", () => {
  const capfPem = readFileSync(new URL("../../vectors/peer/pki/capf.pem", import.meta.url), "utf8");
  const capf = new X509Certificate(capfPem);
  const capfDer = new Uint8Array(capf.raw);
  const phone = ec("P-256");
  const lsc = createCertificate({
    subject: [
      ["CN", "SEPA45630BBFA40"],
      ["O", "Cisco"],
      ["OU", "It"],
    ],
    publicKey: phone.publicKey,
    issuer: { certificateDer: capfDer, privateKey: createPrivateKey(capfPem) },
    ca: false,
    keyUsage: ["digitalSignature", "keyAgreement"],
    extKeyUsage: ["clientAuth"],
    notBefore: new Date("2026-11-27T04:17:49Z"),
    days: 365,
  });
  assert.ok(new X509Certificate(lsc).checkIssued(capf));
  assert.equal(new X509Certificate(lsc).verify(capf.publicKey), true);
  assert.deepEqual(tbsFields(lsc)[3].valueBeforeDecodeView, certificateInfo(capfDer).subjectDer);
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-pki-"));
  try {
    writeFileSync(join(dir, "ca.pem"), capf.toString());
    writeFileSync(join(dir, "lsc.pem"), certificatePem(lsc));
    // The vectors' certificates date from the day they were made: check the chain, not the clock.
    const out = execFileSync("openssl", ["verify", "-no_check_time", "-CAfile", join(dir, "ca.pem"), join(dir, "lsc.pem")]).toString();
    assert.match(out, /lsc\.pem: OK/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
