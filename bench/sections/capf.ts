// CAPF on loopback: whole sessions through our server and client (TLS handshake included),
// an install with a pre-made key (so the figure is protocol + LSC issuance, not key generation),
// and the codec on its largest message, an LSC-authenticated auth response.
import crypto from "node:crypto";
import { runCapfSession } from "../../host/phone/capfClient.js";
import { type CapfCompletion, type CapfDevice, startCapfService } from "../../host/server/capfService.js";
import { makeCertificateProof } from "../../host/shared/capf/capfAuth.js";
import { CapfTag, certificateValue, stringValue, u8Value } from "../../host/shared/capf/capfElements.js";
import { decodeCapfMessage, encodeCapfMessage } from "../../host/shared/capf/capfMessage.js";
import { createCertificate } from "../../host/shared/pki/certificateBuilder.js";
import { type BenchCase, type BenchSection, measure, measureAsync } from "../harness.js";

export const section: BenchSection = {
  title: "CAPF sessions and codec (loopback TLS)",
  async run(): Promise<BenchCase[]> {
    const capf = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const capfDer = Buffer.from(
      createCertificate({
        subject: [["CN", "CAPF-bench"]],
        publicKey: capf.publicKey,
        selfSigningKey: capf.privateKey,
        ca: true,
        keyUsage: ["keyCertSign", "digitalSignature"],
        extKeyUsage: ["serverAuth"],
      }),
    );
    const devices: Record<string, CapfDevice> = {
      SEP000000000001: { name: "SEP000000000001", operation: "none", authMode: "null", keyType: "ec", curve: "secp256r1" },
      SEP000000000002: { name: "SEP000000000002", operation: "install", authMode: "null", keyType: "ec", curve: "secp256r1" },
    };
    const store = {
      findDevice: (name: string) => devices[name] && { ...devices[name] },
      completeOperation: (_name: string, _c: CapfCompletion) => {},
    };
    const service = await startCapfService({ bind: "127.0.0.1", port: 0, key: capf.privateKey, cert: capfDer, store });
    const phoneKey = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    const session = (deviceName: string) => () =>
      runCapfSession({ host: "127.0.0.1", port: service.port, pinnedCertificateDer: capfDer, deviceName, authMode: "null", generateKey: async () => phoneKey });
    try {
      const sessions: BenchCase = {
        name: "one CAPF session per op (TLS handshake included)",
        results: [
          { impl: "cnfguard: nothing to do (1, 2, 15)", opsPerSec: await measureAsync(session("SEP000000000001"), 1500) },
          { impl: "cnfguard: install EC P-256, key made beforehand", opsPerSec: await measureAsync(session("SEP000000000002"), 1500) },
        ],
      };
      const auth = lscAuthResponse(capf.privateKey, capfDer);
      const codec: BenchCase = {
        name: `auth response with LSC proof (${auth.length} bytes)`,
        results: [
          { impl: "cnfguard decode", opsPerSec: measure(() => decodeCapfMessage(auth)), bytesPerOp: auth.length },
          { impl: "cnfguard encode", opsPerSec: measure(() => encodeCapfMessage(decodeCapfMessage(auth))), bytesPerOp: auth.length, note: "includes a decode" },
        ],
      };
      return [sessions, codec];
    } finally {
      await service.close();
    }
  },
};

/** An auth response as a phone authenticating by LSC sends it (the CAPF certificate stands in for the LSC). */
function lscAuthResponse(key: crypto.KeyObject, certificateDer: Buffer): Buffer {
  const proof = makeCertificateProof("SEP000000000001", certificateDer, key);
  return encodeCapfMessage({
    command: 2,
    sessionId: 1,
    elements: [
      { tag: CapfTag.reason, value: u8Value(1) },
      { tag: CapfTag.certificate, value: certificateValue(certificateDer, 1) },
      { tag: CapfTag.signedData, value: proof.signedData },
      { tag: CapfTag.version, value: u8Value(3) },
      { tag: CapfTag.password, value: stringValue("") },
      { tag: CapfTag.deviceName, value: stringValue("SEP000000000001") },
      { tag: CapfTag.sha2SignedData, value: proof.sha2SignedData },
    ],
  });
}
