// The CAPF message codec both sides use (capf.md, "Message"):
//   u8 85, u8 command, u32 session id, u16 length, elements (tag u8, len u16, value)
// Reading never looks past the declared length, refuses unknown or repeated tags and
// bounds the size; writing puts elements in ascending tag order, the order of the recorded
// sessions, so that replays compare byte for byte.
import { knownCapfTags } from "./capfElements.js";

/** The protocol id, the first byte of every message. */
export const CAPF_PROTOCOL_ID = 85;
/** Bytes before the elements. */
export const CAPF_HEADER_LENGTH = 8;
/**
 * Default bound on a message's elements. The largest recorded message (an auth response with a
 * 4096-bit certificate, both signatures and SUDI data) carries 4338 bytes of elements.
 */
export const DEFAULT_MAX_CAPF_ELEMENTS = 16384;

export interface CapfElement {
  tag: number;
  value: Buffer;
}

export interface CapfMessage {
  command: number;
  sessionId: number;
  elements: CapfElement[];
}

/** A message (or a piece of a stream) does not follow capf.md; the text says where and how. */
export class CapfFormatError extends Error {}

/** Encode a message into one buffer (so it can go out in one write call). */
export function encodeCapfMessage(message: CapfMessage): Buffer {
  const elements = [...message.elements].sort((a, b) => a.tag - b.tag);
  const length = elements.reduce((sum, e) => sum + 3 + e.value.length, 0);
  if (length > 0xffff) throw new CapfFormatError(`command ${message.command}: ${length} bytes of elements exceed the u16 length field`);
  const out = Buffer.alloc(CAPF_HEADER_LENGTH + length);
  out[0] = CAPF_PROTOCOL_ID;
  out[1] = message.command;
  out.writeUInt32BE(message.sessionId >>> 0, 2);
  out.writeUInt16BE(length, 6);
  let at = CAPF_HEADER_LENGTH;
  for (const { tag, value } of elements) {
    if (value.length > 0xffff) throw new CapfFormatError(`element ${tag}: ${value.length} bytes exceed the u16 length field`);
    out[at] = tag;
    out.writeUInt16BE(value.length, at + 1);
    value.copy(out, at + 3);
    at += 3 + value.length;
  }
  return out;
}

/** Check a header and return the length of the elements that follow it. */
export function readCapfHeader(header: Buffer, maxElements = DEFAULT_MAX_CAPF_ELEMENTS): number {
  if (header[0] !== CAPF_PROTOCOL_ID) {
    throw new CapfFormatError(`protocol id is ${header[0]}, expected ${CAPF_PROTOCOL_ID}: the peer does not speak CAPF`);
  }
  const length = header.readUInt16BE(6);
  if (length > maxElements) {
    throw new CapfFormatError(`command ${header[1]}: ${length} bytes of elements exceed the bound of ${maxElements}`);
  }
  return length;
}

/** Decode exactly one message; the buffer must hold it whole and nothing else. */
export function decodeCapfMessage(bytes: Buffer, maxElements = DEFAULT_MAX_CAPF_ELEMENTS): CapfMessage {
  if (bytes.length < CAPF_HEADER_LENGTH) throw new CapfFormatError(`message of ${bytes.length} bytes is shorter than the 8-byte header`);
  const length = readCapfHeader(bytes, maxElements);
  if (bytes.length !== CAPF_HEADER_LENGTH + length) {
    throw new CapfFormatError(`command ${bytes[1]}: length field says ${length} bytes of elements, the message holds ${bytes.length - CAPF_HEADER_LENGTH}`);
  }
  return {
    command: bytes[1],
    sessionId: bytes.readUInt32BE(2),
    elements: decodeElements(bytes.subarray(CAPF_HEADER_LENGTH), bytes[1]),
  };
}

function decodeElements(body: Buffer, command: number): CapfElement[] {
  const elements: CapfElement[] = [];
  const seen = new Set<number>();
  let at = 0;
  while (at < body.length) {
    if (body.length - at < 3) throw new CapfFormatError(`command ${command}: element header at offset ${at} runs past the message`);
    const tag = body[at];
    const length = body.readUInt16BE(at + 1);
    if (!knownCapfTags.has(tag)) throw new CapfFormatError(`command ${command}: unknown element tag ${tag} at offset ${at}`);
    if (seen.has(tag)) throw new CapfFormatError(`command ${command}: element ${tag} appears twice`);
    if (at + 3 + length > body.length) {
      throw new CapfFormatError(`command ${command}: element ${tag} claims ${length} bytes, only ${body.length - at - 3} remain`);
    }
    seen.add(tag);
    elements.push({ tag, value: Buffer.from(body.subarray(at + 3, at + 3 + length)) });
    at += 3 + length;
  }
  return elements;
}

/** The value of element `tag`, or undefined when the message does not carry it. */
export function findElement(message: CapfMessage, tag: number): Buffer | undefined {
  return message.elements.find((e) => e.tag === tag)?.value;
}

/** The value of element `tag`; its absence is a format error naming the command and the tag. */
export function requireElement(message: CapfMessage, tag: number, what: string): Buffer {
  const value = findElement(message, tag);
  if (value === undefined) throw new CapfFormatError(`command ${message.command}: ${what} (element ${tag}) is missing`);
  return value;
}

/**
 * Frames messages out of a byte stream that arrives in arbitrary pieces (TLS records, TCP
 * segments). A bad header is refused as soon as its 8 bytes are in, before the body is buffered.
 */
export class CapfFrameReader {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Total length of the message being received, once its header is in. */
  private expected = 0;

  constructor(private readonly maxElements = DEFAULT_MAX_CAPF_ELEMENTS) {}

  /** Add bytes; return every message now complete, in order. Throws CapfFormatError. */
  push(chunk: Buffer): CapfMessage[] {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    const messages: CapfMessage[] = [];
    // Join the pieces only when a header or a whole message is in, so a message that
    // trickles in byte by byte is copied a bounded number of times.
    while (this.pendingLength >= (this.expected || CAPF_HEADER_LENGTH)) {
      const buffered = this.joinPending();
      if (this.expected === 0) {
        this.expected = CAPF_HEADER_LENGTH + readCapfHeader(buffered, this.maxElements);
        continue;
      }
      messages.push(decodeCapfMessage(buffered.subarray(0, this.expected), this.maxElements));
      const rest = buffered.subarray(this.expected);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingLength = rest.length;
      this.expected = 0;
    }
    return messages;
  }

  private joinPending(): Buffer {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0];
  }

  /** Bytes received that do not yet form a whole message. */
  get bufferedBytes(): number {
    return this.pendingLength;
  }
}
