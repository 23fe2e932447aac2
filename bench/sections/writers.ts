// What the server pays per request: signing a config (.sgn), encrypting one (.enc.sgn), writing a
// trust list, and issuing a certificate (our asn1js builder against node-forge's).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";
import { createCertificate } from "../../host/shared/pki/certificateBuilder.js";
import { encryptConfig } from "../../host/shared/signed/encryptedConfigWriter.js";
import { signFile } from "../../host/shared/signed/signedFileWriter.js";
import { writeTrustList } from "../../host/shared/signed/trustListWriter.js";
import { type BenchCase, type BenchSection, measure } from "../harness.js";

const CONFIG_SIZE = 8 * 1024;

export const section: BenchSection = {
  title: "Writers (server side)",
  async run(): Promise<BenchCase[]> {
    const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const certificateDer = createCertificate({ subject: [["CN", "cucm-bench"]], publicKey: keys.publicKey, selfSigningKey: keys.privateKey });
    const signer = { certificateDer, privateKey: keys.privateKey };
    const device = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    const config = new Uint8Array(randomBytes(CONFIG_SIZE));
    const records = [
      { role: "SAST" as const, certificateDer },
      { role: "CCM+TFTP" as const, certificateDer },
      { role: "CAPF" as const, certificateDer },
    ];

    const forgeKeys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
    const forgeCertificate = () => {
      const cert = forge.pki.createCertificate();
      cert.publicKey = forgeKeys.publicKey;
      cert.serialNumber = "01";
      cert.validity.notBefore = new Date();
      cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
      cert.setSubject([{ shortName: "CN", value: "SEPA45630BBFA40" }]);
      cert.setIssuer([{ shortName: "CN", value: "CAPF-bench" }]);
      cert.sign(forgeKeys.privateKey, forge.md.sha256.create());
      return forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
    };
    const issuer = { certificateDer, privateKey: keys.privateKey };
    return [
      {
        name: `.sgn, ${CONFIG_SIZE / 1024} KiB, SHA-1, RSA-2048`,
        results: [{ impl: "cnfguard writer", opsPerSec: measure(() => signFile(config, { signer, filename: "f.sgn" })), bytesPerOp: CONFIG_SIZE }],
      },
      {
        name: `.sgn, ${CONFIG_SIZE / 1024} KiB, SHA-512, RSA-2048`,
        results: [
          { impl: "cnfguard writer", opsPerSec: measure(() => signFile(config, { signer, filename: "f.sgn", hash: "sha512" })), bytesPerOp: CONFIG_SIZE },
        ],
      },
      {
        name: `.enc.sgn, ${CONFIG_SIZE / 1024} KiB, RSA-2048 device`,
        results: [
          { impl: "cnfguard writer", opsPerSec: measure(() => encryptConfig(config, { signer, device, filename: "f.enc.sgn" })), bytesPerOp: CONFIG_SIZE },
        ],
      },
      { name: "trust list, 3 records", results: [{ impl: "cnfguard writer", opsPerSec: measure(() => writeTrustList({ signer, records })) }] },
      {
        name: "issue an RSA-2048 LSC (SHA-256)",
        results: [
          {
            impl: "cnfguard (asn1js + node:crypto)",
            opsPerSec: measure(() => createCertificate({ subject: [["CN", "SEPA45630BBFA40"]], publicKey: device, issuer, days: 365 })),
          },
          { impl: "node-forge", opsPerSec: measure(forgeCertificate) },
        ],
      },
    ];
  },
};
