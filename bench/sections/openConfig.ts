// Opening the 95 KiB encrypted config end to end — verify the signature against the
// installed trust list, unwrap the AES key with the device key, decrypt, check the
// content hash — in the core, beside the same pipeline written with node:crypto
// (privateDecrypt with RSA_NO_PADDING and the PKCS#1 v1.5 padding stripped here, since
// Node refuses PKCS#1 v1.5 decryption). Peak memory of each is shown too. Then the open's
// pieces one by one, each beside node:crypto doing the same, to show where the time goes.

import {
  constants,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createVerify,
  type KeyObject,
  privateDecrypt,
  timingSafeEqual,
  X509Certificate,
} from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { newCore } from "../../host/core.js";
import { vectorsDir } from "../../host/paths.js";
import { headerHashFromTag, isHashAlgorithm } from "../../host/shared/hashAlgorithms.js";
import { derFromPemOrDer } from "../../host/shared/pem.js";
import { type BenchCase, type BenchSection, bestOfInterleaved, cpuClock } from "../harness.js";

const PEER = join(vectorsDir, "peer");
const FILE = join(PEER, "enc/big/SEPA45630BBFA40.cnf.xml.enc.sgn");
const DEVICE = join(PEER, "devices/SEPA45630BBFA40.pem");
const ITL = join(PEER, "itl/ITLSEPA45630BBFA40.tlv");
const SIGNER = join(PEER, "pki/tftp.pem");
/** Header tag 8 / 26 value → node:crypto's name (the one vocabulary's, as the header names it). */
function hashOfTag(tag: number): string {
  const name = headerHashFromTag(tag);
  if (name === undefined) throw new Error(`header names an unknown hash ${tag}`);
  return name;
}

/** The header elements the node:crypto pipeline needs, found by walking the TLVs. */
function readHeader(file: Buffer) {
  const headerLength = file.readUInt16BE(8);
  const values = new Map<number, Buffer>();
  let signatureStart = 0,
    signatureEnd = 0;
  const walk = (from: number, to: number) => {
    for (let p = from; p < to; ) {
      const tag = file[p];
      if (tag === 13) {
        p++;
        continue;
      }
      const len = file.readUInt16BE(p + 1);
      if ([3, 7, 9, 16, 17, 21].includes(tag)) walk(p + 3, p + 3 + len);
      else values.set(tag, file.subarray(p + 3, p + 3 + len));
      if (tag === 12) {
        signatureStart = p;
        signatureEnd = p + 3 + len;
      }
      p += 3 + len;
    }
  };
  walk(0, headerLength);
  return { headerLength, values, signatureStart, signatureEnd };
}

/** RSAES-PKCS1-v1_5 padding removal (0x00 0x02 PS≥8 0x00 M), as Node will not do it. */
function stripType2(block: Buffer): Buffer {
  if (block[0] !== 0 || block[1] !== 2) throw new Error("bad padding");
  const zero = block.indexOf(0, 2);
  if (zero < 10) throw new Error("bad padding");
  return block.subarray(zero + 1);
}

function openWithNode(file: Buffer, signerKey: KeyObject, deviceKey: KeyObject): Buffer {
  const h = readHeader(file);
  const v = h.values;
  const verify = createVerify(hashOfTag(v.get(8)![0]));
  verify.update(file.subarray(0, h.signatureStart)).update(file.subarray(h.signatureEnd));
  if (!verify.verify(signerKey, v.get(12)!)) throw new Error("bad signature");
  const aesKey = stripType2(privateDecrypt({ key: deviceKey, padding: constants.RSA_NO_PADDING }, v.get(25)!));
  if (aesKey.length !== 16) throw new Error("bad key");
  const d = createDecipheriv("aes-128-cbc", aesKey, v.get(19)!).setAutoPadding(false);
  const padded = Buffer.concat([d.update(file.subarray(h.headerLength)), d.final()]);
  const plain = padded.subarray(0, padded.length - v.get(20)!.readUInt16BE(0));
  const digest = createHash(hashOfTag(v.get(26)![0]))
    .update(plain)
    .digest();
  if (!timingSafeEqual(digest, v.get(27)!)) throw new Error("content hash");
  return plain;
}

/** One piece of the open, the core's way and node:crypto's, best of four interleaved runs. */
function piece(name: string, ours: () => unknown, node: () => unknown, bytes?: number): BenchCase {
  const contenders = [
    { impl: "cnfguard (wasm)", fn: ours, bytesPerOp: bytes },
    { impl: "node:crypto", fn: node, bytesPerOp: bytes },
  ];
  return { name, results: bestOfInterleaved(contenders, 4, 200, cpuClock) };
}

/** The open's big pieces: unwrapping the session key, AES-CBC over the body, one hash pass
 *  (the open makes two: the signature's over the file, the content hash over the plaintext). */
function pieces(file: Buffer, core: ReturnType<typeof newCore>, deviceKey: KeyObject): BenchCase[] {
  const h = readHeader(file);
  const wrapped = h.values.get(25)!;
  const iv = h.values.get(19)!;
  const body = file.subarray(h.headerLength);
  const unwrap = () => stripType2(privateDecrypt({ key: deviceKey, padding: constants.RSA_NO_PADDING }, wrapped));
  const aesKey = unwrap();
  const hash = hashOfTag(h.values.get(26)![0]);
  if (!isHashAlgorithm(hash)) throw new Error(`openConfig bench: the core has no ${hash}`);
  return [
    piece("  piece: unwrap the session key (RSA-2048 private operation, PKCS#1 v1.5)", () => core.rsa.decrypt(wrapped, 16), unwrap),
    piece(
      `  piece: AES-128-CBC decrypt of the ${body.length}-byte body`,
      () => core.aes.cbcDecrypt(aesKey, iv, body),
      () => createDecipheriv("aes-128-cbc", aesKey, iv).setAutoPadding(false).update(body),
      body.length,
    ),
    piece(
      `  piece: ${hash} of the ${file.length}-byte file (one of the open's two hash passes)`,
      () => core.hash.digest(hash, file),
      () => createHash(hash).update(file).digest(),
      file.length,
    ),
  ];
}

/** Growth of heap+external memory and RSS over `runs` calls (a rough peak, without --expose-gc). */
function memoryGrowth(fn: () => unknown, runs = 20): string {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  let peakHeap = 0,
    peakRss = 0;
  for (let i = 0; i < runs; i++) {
    fn();
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed + now.external + now.arrayBuffers - (before.heapUsed + before.external + before.arrayBuffers));
    peakRss = Math.max(peakRss, now.rss - before.rss);
  }
  const kib = (n: number) => `${Math.max(0, Math.round(n / 1024))} KiB`;
  return `JS heap+buffers +${kib(peakHeap)}, RSS +${kib(peakRss)}`;
}

export const section: BenchSection = {
  title: "Open the 95 KiB encrypted config (verify + unwrap + decrypt + hash; CPU time of this process)",
  async run(): Promise<BenchCase[]> {
    const file = readFileSync(FILE);
    const expected = readFileSync(join(PEER, "plain/big.cnf.xml"));
    const core = newCore();
    core.files.installTrustList(readFileSync(ITL));
    core.files.loadDeviceKey(derFromPemOrDer(readFileSync(DEVICE), ["PRIVATE KEY", "RSA PRIVATE KEY"]).der);
    const signerKey = new X509Certificate(readFileSync(SIGNER)).publicKey;
    const deviceKey = createPrivateKey(readFileSync(DEVICE));
    if (!core.files.open(file).equals(expected) || !openWithNode(file, signerKey, deviceKey).equals(expected))
      throw new Error("openConfig bench: a pipeline does not reproduce plain/big.cnf.xml");
    const linear = core.wasm.memory.buffer.byteLength / 1024;
    const coreMemory = memoryGrowth(() => core.files.open(file));
    const nodeMemory = memoryGrowth(() => openWithNode(file, signerKey, deviceKey));
    return [
      {
        name: `SEPA45630BBFA40.cnf.xml.enc.sgn, ${file.length} bytes, SHA-512, RSA-2048 signer and device key`,
        // Best of four interleaved runs in CPU time (both pipelines compute synchronously).
        results: bestOfInterleaved(
          [
            { impl: "cnfguard (wasm)", fn: () => core.files.open(file), bytesPerOp: file.length, note: `core memory fixed at ${linear} KiB; ${coreMemory}` },
            { impl: "node:crypto", fn: () => openWithNode(file, signerKey, deviceKey), bytesPerOp: file.length, note: nodeMemory },
          ],
          4,
          400,
          cpuClock,
        ),
      },
      ...pieces(file, core, deviceKey),
    ];
  },
};
