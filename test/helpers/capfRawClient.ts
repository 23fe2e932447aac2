// A raw CAPF client over TLS for the server tests: it writes bytes the tests choose (an auth
// response before the request, a failure reason, a silent close) and records every chunk the
// socket delivers, so a test can check that each server message arrived as one whole read.
import tls from "node:tls";
import { CAPF_VERSION, CapfCommand, CapfReason, CapfTag, stringValue, u8Value } from "../../host/shared/capf/capfElements.js";
import { CAPF_HEADER_LENGTH, type CapfElement, encodeCapfMessage } from "../../host/shared/capf/capfMessage.js";

/** What the client writes next: bytes, "close" to hang up, or undefined to wait. */
export type RawReply = Buffer | "close" | undefined;

/**
 * Connects to CAPF on 127.0.0.1:`port`, writes `first` once TLS is up (unless undefined), then
 * answers each whole message with `reply(command, sessionId)`. Resolves with every chunk read.
 */
export async function rawCapfSession(port: number, reply: (command: number, sessionId: number) => RawReply, first?: Buffer): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      if (first) socket.write(first);
    });
    socket.setTimeout(8000, () => socket.destroy(new Error("CAPF raw session: silent for 8 s")));
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (chunk.length < CAPF_HEADER_LENGTH || chunk.length !== CAPF_HEADER_LENGTH + chunk.readUInt16BE(6)) return; // the test asserts whole reads
      const answer = reply(chunk[1], chunk.readUInt32BE(2));
      if (answer === "close") socket.end();
      else if (answer) socket.write(answer);
    });
    socket.on("error", reject);
    socket.on("close", () => resolve());
  });
  return chunks;
}

export function rawMessage(command: number, sessionId: number, elements: CapfElement[]): Buffer {
  return encodeCapfMessage({ command, sessionId, elements });
}

/** An auth response for the null string (or `password`), naming `name`. */
export function rawAuthResponse(name: string, sessionId: number, password = ""): Buffer {
  return rawMessage(CapfCommand.authResponse, sessionId, [
    { tag: CapfTag.reason, value: u8Value(CapfReason.updateCertificate) },
    { tag: CapfTag.version, value: u8Value(CAPF_VERSION) },
    { tag: CapfTag.password, value: stringValue(password) },
    { tag: CapfTag.deviceName, value: stringValue(name) },
  ]);
}

/** A response carrying only a reason (store/fetch/delete certificate responses). */
export function rawReason(command: number, sessionId: number, reason: number): Buffer {
  return rawMessage(command, sessionId, [{ tag: CapfTag.reason, value: u8Value(reason) }]);
}
