// Seeded fuzzing of the TypeScript-side decoders a peer can reach: the CAPF message codec and
// stream framing (and the element readers behind them), the TFTP packet codec (and option
// negotiation on what it decodes), and the phone's reading of config XML. Each input is a
// mutant of a valid one (bit flips, byte sets, cuts, splices, repeats, length-field edits) or
// pure noise. The rule checked: no exception escapes except the codec's named error, every call
// returns within a time bound, and the retained heap stays bounded.

import { configOutline, readPhoneConfig } from "../../host/phone/phoneConfig.js";
import { CapfElementError, readCertificateValue, readStringValue, readU8Value, readU16Value } from "../../host/shared/capf/capfElements.js";
import { CapfFormatError, CapfFrameReader, decodeCapfMessage, encodeCapfMessage } from "../../host/shared/capf/capfMessage.js";
import { acceptOack, negotiateAsServer } from "../../host/shared/tftp/tftpOptions.js";
import { decodePacket, encodeError, encodeOack, encodeRequest } from "../../host/shared/tftp/tftpPacket.js";

/** A small fast seeded generator (mulberry32), so a failure is replayed from its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One mutant of `seedInput`: a few random edits of the kinds that break parsers. */
export function mutate(seedInput: Uint8Array, next: () => number, maxLength = 70_000): Uint8Array {
  const int = (n: number) => Math.floor(next() * n);
  let bytes = Buffer.from(seedInput);
  const edits = 1 + int(4);
  for (let e = 0; e < edits; e++) {
    const at = int(bytes.length + 1);
    switch (int(8)) {
      case 0: // flip a bit
        if (bytes.length) bytes[at % bytes.length] ^= 1 << int(8);
        break;
      case 1: // set a byte to an edge value
        if (bytes.length) bytes[at % bytes.length] = [0, 0xff, 0x7f, 0x80, 1, 0x55][int(6)];
        break;
      case 2: // cut
        bytes = bytes.subarray(0, at);
        break;
      case 3: // delete a run
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + int(16))]);
        break;
      case 4: // insert noise
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(32) }, () => int(256))), bytes.subarray(at)]);
        break;
      case 5: // repeat a run many times
        {
          const run = bytes.subarray(at, at + 1 + int(12));
          bytes = Buffer.concat([bytes.subarray(0, at), ...Array.from({ length: 1 + int(2000) }, () => run), bytes.subarray(at)]);
        }
        break;
      case 6: // a u16 length field to an edge
        if (bytes.length > 2) bytes.writeUInt16BE([0, 1, 0xffff, 0x7fff, bytes.length, bytes.length - 7][int(6)] & 0xffff, at % (bytes.length - 1));
        break;
      default: // splice a copy of itself
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(int(bytes.length + 1))]);
    }
    if (bytes.length > maxLength) bytes = bytes.subarray(0, maxLength);
  }
  return bytes;
}

export class DecoderFuzzFailure extends Error {
  constructor(
    message: string,
    readonly target: string,
    readonly input: Uint8Array,
  ) {
    super(message);
  }
}

export interface DecoderTarget {
  name: string;
  seeds: Uint8Array[];
  /** the errors this decoder may throw (anything else is a failure) */
  named: Array<new (...args: never[]) => Error>;
  run(input: Uint8Array): void;
}

function capfSeeds(): Uint8Array[] {
  const der = Buffer.from("3082010a0282010100c0ffee", "hex");
  return [
    encodeCapfMessage({
      command: 1,
      sessionId: 0x01020304,
      elements: [
        { tag: 7, value: Buffer.from([3]) },
        { tag: 8, value: Buffer.from([0]) },
      ],
    }),
    encodeCapfMessage({
      command: 2,
      sessionId: 7,
      elements: [
        { tag: 1, value: Buffer.from([1]) },
        { tag: 4, value: Buffer.concat([Buffer.from([1]), der]) },
        { tag: 11, value: Buffer.from("1234\0") },
        { tag: 13, value: Buffer.from("SEP001122334455\0") },
      ],
    }),
    encodeCapfMessage({
      command: 3,
      sessionId: 7,
      elements: [
        { tag: 10, value: Buffer.from([8, 0]) },
        { tag: 17, value: Buffer.from([0]) },
      ],
    }),
    encodeCapfMessage({ command: 15, sessionId: 7, elements: [{ tag: 1, value: Buffer.from([1]) }] }),
  ];
}

/** Every element through the reader its tag has, as the services do. */
function readElements(bytes: Uint8Array): void {
  const message = decodeCapfMessage(Buffer.from(bytes));
  for (const e of message.elements) {
    if (e.tag === 4) readCertificateValue(e.value);
    else if (e.tag === 11 || e.tag === 13) readStringValue(e.value);
    else if (e.tag === 10) readU16Value(e.value, "key size");
    else readU8Value(e.value, "element");
  }
}

function tftpSeeds(): Uint8Array[] {
  const options = new Map([
    ["blksize", "1428"],
    ["tsize", "0"],
    ["timeout", "3"],
  ]);
  return [
    encodeRequest("RRQ", "SEP001122334455.cnf.xml.sgn", "octet", options),
    encodeRequest("WRQ", "x", "netascii"),
    encodeOack(options),
    Buffer.from([0, 3, 0, 1, 1, 2, 3]),
    Buffer.from([0, 4, 0xff, 0xff]),
    encodeError(1, "file not found"),
  ];
}

function xmlSeeds(): Uint8Array[] {
  return [
    Buffer.from(
      '<?xml version="1.0"?><device><fullConfig>false</fullConfig><capfAuthMode>3</capfAuthMode><capfList><capf><phonePort>3804</phonePort><processNodeName>10.0.0.1</processNodeName></capf></capfList><certHash>00ff</certHash><sshPassword>x</sshPassword></device>',
    ),
    Buffer.from("<device><fullConfig>true</fullConfig><a b='1'/><c>&amp;&lt;</c></device>"),
  ];
}

export const DECODER_TARGETS: DecoderTarget[] = [
  { name: "capf-message", seeds: capfSeeds(), named: [CapfFormatError, CapfElementError], run: readElements },
  {
    name: "capf-stream",
    seeds: [Buffer.concat(capfSeeds())],
    named: [CapfFormatError],
    run: (bytes) => {
      // Split at a few points, as TLS records would arrive.
      const reader = new CapfFrameReader();
      const step = 1 + (bytes.length % 97);
      for (let i = 0; i < bytes.length; i += step) reader.push(Buffer.from(bytes.subarray(i, i + step)));
    },
  },
  {
    name: "tftp-packet",
    seeds: tftpSeeds(),
    named: [],
    run: (bytes) => {
      const packet = decodePacket(bytes);
      if (packet.op === "RRQ" || packet.op === "WRQ") negotiateAsServer(packet.options, 1234);
      if (packet.op === "OACK")
        acceptOack(
          new Map([
            ["blksize", "1428"],
            ["tsize", "0"],
          ]),
          packet.options,
        );
    },
  },
  {
    name: "config-xml",
    seeds: xmlSeeds(),
    named: [],
    run: (bytes) => {
      const xml = Buffer.from(bytes).toString("utf8");
      readPhoneConfig(xml);
      configOutline(xml);
    },
  },
];

export interface DecoderFuzzReport {
  runs: number;
  /** runs that ended in the decoder's named error */
  refused: number;
  slowestMs: number;
}

/** `count` mutants for `target` from `seed`; throws DecoderFuzzFailure on an unnamed error, a slow call or heap growth. */
export function fuzzDecoder(target: DecoderTarget, count: number, seed: number, maxCallMs = 2000): DecoderFuzzReport {
  const next = random(seed);
  const report: DecoderFuzzReport = { runs: 0, refused: 0, slowestMs: 0 };
  const heapAtStart = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) {
    const base = target.seeds[Math.floor(next() * target.seeds.length)];
    const input = next() < 0.05 ? Buffer.from(Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256))) : mutate(base, next);
    const started = performance.now();
    try {
      target.run(input);
    } catch (e) {
      if (!target.named.some((kind) => e instanceof kind)) {
        throw new DecoderFuzzFailure(`${target.name} (seed ${seed}, run ${i}): unnamed ${(e as Error)?.name}: ${(e as Error)?.message}`, target.name, input);
      }
      report.refused++;
    }
    const ms = performance.now() - started;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (ms > maxCallMs) throw new DecoderFuzzFailure(`${target.name} (seed ${seed}, run ${i}): one call took ${ms.toFixed(0)} ms`, target.name, input);
    report.runs++;
  }
  const grown = process.memoryUsage().heapUsed - heapAtStart;
  if (grown > 256 * 1024 * 1024) throw new DecoderFuzzFailure(`${target.name}: the heap grew by ${grown} bytes`, target.name, new Uint8Array(0));
  return report;
}
