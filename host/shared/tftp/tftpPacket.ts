// The TFTP packet codec both sides use: RFC 1350 (RRQ, WRQ, DATA, ACK, ERROR)
// and RFC 2347 (options on requests, OACK). Decoding never throws: a packet
// that does not parse comes back as a `MalformedPacket` naming what is wrong,
// so one bad datagram cannot take down a server or a transfer.

import { printable } from "../logText.js";

/** Opcodes on the wire (RFC 1350 §5, RFC 2347). */
export const Opcode = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** Error codes of the ERROR packet (RFC 1350 appendix, RFC 2347 for 8). */
export const TftpErrorCode = {
  NOT_DEFINED: 0,
  FILE_NOT_FOUND: 1,
  ACCESS_VIOLATION: 2,
  DISK_FULL: 3,
  ILLEGAL_OPERATION: 4,
  UNKNOWN_TID: 5,
  FILE_EXISTS: 6,
  NO_SUCH_USER: 7,
  OPTION_REFUSED: 8,
} as const;

/** The largest data field a DATA packet may carry (RFC 2348's blksize ceiling). */
export const MAX_DATA_LENGTH = 65464;

/** Transfer modes of RFC 1350, lower-case as compared. */
export type TransferMode = "netascii" | "octet" | "mail";

/** Request options in the order sent; names lower-case (RFC 2347: case-insensitive). */
export type TftpOptions = Map<string, string>;

export interface RequestPacket {
  op: "RRQ" | "WRQ";
  filename: string;
  mode: TransferMode;
  options: TftpOptions;
}
export interface DataPacket {
  op: "DATA";
  block: number;
  data: Uint8Array;
}
export interface AckPacket {
  op: "ACK";
  block: number;
}
export interface ErrorPacket {
  op: "ERROR";
  code: number;
  message: string;
}
export interface OackPacket {
  op: "OACK";
  options: TftpOptions;
}
export type TftpPacket = RequestPacket | DataPacket | AckPacket | ErrorPacket | OackPacket;

/** What `decodePacket` returns for bytes that are not a TFTP packet. */
export interface MalformedPacket {
  op: "malformed";
  /** what is wrong, e.g. "RRQ: filename is not NUL-terminated" */
  reason: string;
}

const MODES: readonly string[] = ["netascii", "octet", "mail"];

/** Parse one datagram. Strings are read as Latin-1 so that every byte stays visible to the caller's checks. */
export function decodePacket(bytes: Uint8Array): TftpPacket | MalformedPacket {
  if (bytes.length < 2) return malformed(`packet of ${bytes.length} byte(s) has no opcode`);
  const opcode = (bytes[0] << 8) | bytes[1];
  switch (opcode) {
    case Opcode.RRQ:
      return decodeRequest("RRQ", bytes);
    case Opcode.WRQ:
      return decodeRequest("WRQ", bytes);
    case Opcode.DATA:
      return decodeData(bytes);
    case Opcode.ACK:
      return decodeAck(bytes);
    case Opcode.ERROR:
      return decodeError(bytes);
    case Opcode.OACK:
      return decodeOack(bytes);
    default:
      return malformed(`unknown opcode ${opcode}`);
  }
}

function decodeRequest(op: "RRQ" | "WRQ", bytes: Uint8Array): RequestPacket | MalformedPacket {
  const fields = splitStrings(bytes, 2);
  if (fields === null) return malformed(`${op}: last field is not NUL-terminated`);
  if (fields.length < 2) return malformed(`${op}: filename and mode are required`);
  const [filename, rawMode] = fields;
  if (filename.length === 0) return malformed(`${op}: empty filename`);
  const mode = rawMode.toLowerCase();
  if (!MODES.includes(mode)) return malformed(`${op}: unknown mode "${printable(rawMode)}"`);
  const options = decodeOptionPairs(fields.slice(2));
  if (typeof options === "string") return malformed(`${op}: ${options}`);
  return { op, filename, mode: mode as TransferMode, options };
}

function decodeOack(bytes: Uint8Array): OackPacket | MalformedPacket {
  const fields = splitStrings(bytes, 2);
  if (fields === null) return malformed("OACK: last field is not NUL-terminated");
  const options = decodeOptionPairs(fields);
  if (typeof options === "string") return malformed(`OACK: ${options}`);
  return { op: "OACK", options };
}

function decodeData(bytes: Uint8Array): DataPacket | MalformedPacket {
  if (bytes.length < 4) return malformed(`DATA of ${bytes.length} bytes has no block number`);
  if (bytes.length - 4 > MAX_DATA_LENGTH) return malformed(`DATA carries ${bytes.length - 4} bytes, more than ${MAX_DATA_LENGTH}`);
  return { op: "DATA", block: (bytes[2] << 8) | bytes[3], data: bytes.subarray(4) };
}

function decodeAck(bytes: Uint8Array): AckPacket | MalformedPacket {
  if (bytes.length !== 4) return malformed(`ACK must be 4 bytes, got ${bytes.length}`);
  return { op: "ACK", block: (bytes[2] << 8) | bytes[3] };
}

function decodeError(bytes: Uint8Array): ErrorPacket | MalformedPacket {
  if (bytes.length < 4) return malformed(`ERROR of ${bytes.length} bytes has no error code`);
  const code = (bytes[2] << 8) | bytes[3];
  // Lenient on the message: some servers omit the terminating NUL, and the code is what matters.
  const end = bytes.indexOf(0, 4);
  const message = latin1(bytes.subarray(4, end < 0 ? bytes.length : end));
  return { op: "ERROR", code, message };
}

/** Pairs of option name and value; a string names the problem. */
function decodeOptionPairs(fields: string[]): TftpOptions | string {
  if (fields.length % 2 !== 0) return `option "${printable(fields[fields.length - 1])}" has no value`;
  const options: TftpOptions = new Map();
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i].toLowerCase();
    if (name.length === 0) return "empty option name";
    if (options.has(name)) return `option "${printable(name)}" given twice`;
    options.set(name, fields[i + 1]);
  }
  return options;
}

/** NUL-terminated strings from `start` to the end; null when the last one lacks its NUL. */
function splitStrings(bytes: Uint8Array, start: number): string[] | null {
  const out: string[] = [];
  let p = start;
  while (p < bytes.length) {
    const end = bytes.indexOf(0, p);
    if (end < 0) return null;
    out.push(latin1(bytes.subarray(p, end)));
    p = end + 1;
  }
  return out;
}

// ---- encoding ----

export function encodeRequest(op: "RRQ" | "WRQ", filename: string, mode: TransferMode = "octet", options: TftpOptions = new Map()): Uint8Array {
  const fields = [filename, mode];
  for (const [name, value] of options) fields.push(name, value);
  return withOpcode(Opcode[op], stringsBytes(fields));
}

export function encodeOack(options: TftpOptions): Uint8Array {
  const fields: string[] = [];
  for (const [name, value] of options) fields.push(name, value);
  return withOpcode(Opcode.OACK, stringsBytes(fields));
}

/** `block` is taken modulo 65536, so callers may count blocks past the 16-bit wrap. */
export function encodeData(block: number, data: Uint8Array): Uint8Array {
  if (data.length > MAX_DATA_LENGTH) throw new RangeError(`DATA of ${data.length} bytes exceeds ${MAX_DATA_LENGTH}`);
  const out = new Uint8Array(4 + data.length);
  writeHeader(out, Opcode.DATA, block);
  out.set(data, 4);
  return out;
}

export function encodeAck(block: number): Uint8Array {
  const out = new Uint8Array(4);
  writeHeader(out, Opcode.ACK, block);
  return out;
}

/** Longest error message sent (bytes): a reply is never larger than a small fixed size, whatever it quotes. */
export const MAX_ERROR_MESSAGE = 256;

export function encodeError(code: number, message: string): Uint8Array {
  const text = stringsBytes([message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 3)}...` : message]);
  const out = new Uint8Array(4 + text.length);
  writeHeader(out, Opcode.ERROR, code);
  out.set(text, 4);
  return out;
}

/** An error code as messages show it: "TFTP error 1 (file not found)". */
export function describeErrorCode(code: number): string {
  const names = [
    "not defined",
    "file not found",
    "access violation",
    "disk full",
    "illegal operation",
    "unknown transfer ID",
    "file already exists",
    "no such user",
    "option negotiation refused",
  ];
  return `TFTP error ${code} (${names[code] ?? "unknown code"})`;
}

function writeHeader(out: Uint8Array, opcode: number, value: number): void {
  out[0] = 0;
  out[1] = opcode;
  out[2] = (value >>> 8) & 0xff;
  out[3] = value & 0xff;
}

function withOpcode(opcode: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + body.length);
  out[1] = opcode;
  out.set(body, 2);
  return out;
}

function stringsBytes(fields: string[]): Uint8Array {
  const parts = fields.map((f) => Buffer.from(f, "latin1"));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length + 1; // the NUL is already there
  }
  return out;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

function malformed(reason: string): MalformedPacket {
  return { op: "malformed", reason };
}
