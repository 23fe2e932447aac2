// The phone's CAPF session (capf.md, the "phone" side): TLS to the CAPF server with its
// certificate pinned to the trust list's CAPF record, the auth response with the credentials the
// partial config's capfAuthMode calls for, then whatever the server asks: generate a key and
// take the LSC, hand over or delete the current certificate. Nothing is written to disk here:
// the caller stores the LSC only when the outcome is "installed".
import crypto, { type KeyObject } from "node:crypto";
import net from "node:net";
import tls, { type TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { makeCertificateProof, makeSudiData } from "../shared/capf/capfAuth.js";
import { CapfChannel, CapfChannelError } from "../shared/capf/capfChannel.js";
import {
  CAPF_VERSION,
  CapfCertificateType,
  CapfCommand,
  type CapfCurve,
  CapfElementError,
  CapfKeyType,
  CapfReason,
  CapfTag,
  capfCurves,
  certificateValue,
  nodeCurveName,
  readCertificateValue,
  readStringValue,
  readU8Value,
  readU16Value,
  stringValue,
  u8Value,
} from "../shared/capf/capfElements.js";
import { type CapfElement, CapfFormatError, type CapfMessage, findElement, requireElement } from "../shared/capf/capfMessage.js";
import type { CapfAuthMode } from "../shared/capfVocabulary.js";
import { printable } from "../shared/logText.js";

export type { CapfAuthMode } from "../shared/capfVocabulary.js";

/** The key a key generate request asks for. */
export type CapfKeyRequest = { type: "rsa"; size: number } | { type: "ec"; curve: CapfCurve };

export interface CapfClientOptions {
  host: string;
  port: number;
  /** the phone's own address to connect from (a fleet spreads its phones over loopback addresses); default the system's choice */
  localAddress?: string;
  /** SHA-1 of the trust list's CAPF certificate (hex, colons allowed) … */
  pinnedCertificateSha1?: string | Buffer;
  /** … or that certificate's DER. Any other server certificate is refused. */
  pinnedCertificateDer?: Buffer;
  /** SHA-1 for the pin; default node:crypto. The phone passes its core's, so the pin is the core's hash. */
  certificateSha1?: (der: Uint8Array) => Uint8Array;
  /** the device name (any class, host/shared/deviceNames.ts) */
  deviceName: string;
  /**
   * Send the auth response as soon as TLS is up, before the server's auth request (session id 0,
   * no SUDI data — it signs the session id), as some softphone clients do (capf.md, Sessions).
   */
  sendsNameFirst?: boolean;
  /** from the partial config's capfAuthMode, never from the server's auth request */
  authMode: CapfAuthMode;
  /** the authentication string, for authMode "string" */
  authString?: string;
  /** the certificate the phone holds (LSC, or MIC), used for LSC/MIC authentication and fetch/delete */
  currentCertificate?: { certDer: Buffer; privateKey: KeyObject | string; kind?: "lsc" | "mic" };
  /** silence (and connection set-up) that ends the session, default 10 000 ms */
  timeoutMs?: number;
  /**
   * Keeps an accepted certificate before the phone acknowledges it (store certificate response
   * reason 1): the server commits on that acknowledgement, so the phone must already hold what it
   * acknowledged. Throwing refuses the certificate (reason 7). Default: keep nothing here.
   */
  keepCertificate?: (certificateDer: Buffer, privateKey: KeyObject) => void;
  /** ends the session at once (the phone's overall deadline) */
  signal?: AbortSignal;
  /** the whole session, however the server paces it; default 60 000 ms */
  deadlineMs?: number;
  /** key generation; default node:crypto. Replays of recorded sessions plug in the recorded key. */
  generateKey?: (request: CapfKeyRequest) => Promise<KeyObject>;
}

/** The reason a result reports for the server's "retry later" (16): not an end-session reason byte. */
export const RETRY_LATER = -1;

export type CapfOutcome = "installed" | "fetched" | "deleted" | "none" | "refused";

export interface CapfClientResult {
  outcome: CapfOutcome;
  /** the reason of the server's end session (16 "retry later" reports RETRY_LATER, -1) */
  reason: number;
  /** the new LSC, when installed */
  newCertificateDer?: Buffer;
  /** its private key, when installed */
  newPrivateKey?: KeyObject;
  log: string[];
}

/**
 * The session could not run to the server's end session: `connect` (no TCP/TLS),
 * `untrusted-server` (certificate not the pinned one), `timeout` (the server fell silent),
 * `protocol` (a malformed or unexpected message), `credentials` (the auth mode needs what was not given).
 */
export class CapfClientError extends Error {
  constructor(
    readonly kind: "connect" | "untrusted-server" | "timeout" | "protocol" | "credentials",
    message: string,
    readonly log: string[],
  ) {
    super(message);
  }
}

/** Bound on the messages a server may send in one session (the channel bounds their bytes). */
const MAX_SESSION_MESSAGES = 16;

/** The state of one session as the phone sees it. */
interface ClientSession {
  options: CapfClientOptions;
  channel: CapfChannel;
  sessionId: number;
  timeoutMs: number;
  log: string[];
  generatedKey?: KeyObject;
  storedCertificate?: Buffer;
  /** the phone kept the certificate and answered the store request with reason 1 */
  acknowledged?: boolean;
  handedOver?: "fetch" | "delete";
}

export async function runCapfSession(options: CapfClientOptions): Promise<CapfClientResult> {
  const log: string[] = [];
  const timeoutMs = options.timeoutMs ?? 10_000;
  checkCredentials(options, log);
  const socket = await connectPinned(options, timeoutMs, log);
  const channel = new CapfChannel(socket);
  const deadlineMs = options.deadlineMs ?? 60_000;
  const deadline = setTimeout(() => socket.destroy(new Error(`the session took longer than ${deadlineMs} ms`)), deadlineMs);
  const abort = () => socket.destroy(new Error("aborted"));
  options.signal?.addEventListener("abort", abort, { once: true });
  const session: ClientSession = { options, channel, sessionId: 0, timeoutMs, log };
  try {
    return await converse(session);
  } catch (e) {
    // Acknowledged and kept, then the end session was lost: the server committed on our
    // acknowledgement (or will enrol us again if it never got it) — the certificate is ours.
    if (session.acknowledged && session.storedCertificate && session.generatedKey) {
      log.push(`end session not received (${(e as Error).message}); keeping the acknowledged certificate`);
      return {
        outcome: "installed",
        reason: CapfReason.updateCertificate,
        log,
        newCertificateDer: session.storedCertificate,
        newPrivateKey: session.generatedKey,
      };
    }
    throw asClientError(e, log);
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener("abort", abort);
    channel.destroy();
  }
}

function checkCredentials(o: CapfClientOptions, log: string[]): void {
  if (o.authMode === "string" && !o.authString) {
    throw new CapfClientError("credentials", "CAPF authentication mode is by authentication string, and no authentication string was given", log);
  }
  if ((o.authMode === "lsc" || o.authMode === "mic") && !o.currentCertificate) {
    throw new CapfClientError(
      "credentials",
      `CAPF authentication mode is by existing ${o.authMode.toUpperCase()}, and the phone holds no such certificate`,
      log,
    );
  }
}

/** TLS to CAPF; the server's certificate must be the pinned one (the trust list decides, not a CA). */
async function connectPinned(o: CapfClientOptions, timeoutMs: number, log: string[]): Promise<TLSSocket> {
  // tls.connect takes socket.connect()'s options too (node's docs), localAddress among them; its types omit them
  const connectOptions: tls.ConnectionOptions & Pick<net.TcpNetConnectOpts, "localAddress"> = {
    host: o.host,
    port: o.port,
    localAddress: o.localAddress,
    rejectUnauthorized: false,
    servername: net.isIP(o.host) ? undefined : o.host,
  };
  const socket = tls.connect(connectOptions);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new CapfClientError("timeout", `no TLS connection to CAPF ${o.host}:${o.port} within ${timeoutMs} ms`, log)),
        timeoutMs,
      );
      socket.once("secureConnect", () => (clearTimeout(timer), resolve()));
      socket.once("error", (e) => (clearTimeout(timer), reject(new CapfClientError("connect", `CAPF ${o.host}:${o.port}: ${e.message}`, log))));
    });
    const presented = socket.getPeerCertificate().raw;
    if (!presented || !matchesPin(presented, o)) {
      const sha1 = presented ? Buffer.from(certificateSha1(presented, o)).toString("hex") : "none";
      throw new CapfClientError("untrusted-server", `CAPF ${o.host}:${o.port} presented certificate SHA-1 ${sha1}, not the trust list's CAPF record`, log);
    }
  } catch (e) {
    socket.destroy();
    throw e;
  }
  log.push(`TLS to CAPF ${o.host}:${o.port}: certificate is the trust list's CAPF record`);
  return socket;
}

function matchesPin(presented: Buffer, o: CapfClientOptions): boolean {
  if (o.pinnedCertificateDer) return presented.equals(o.pinnedCertificateDer);
  if (o.pinnedCertificateSha1 === undefined) return false;
  const pin = typeof o.pinnedCertificateSha1 === "string" ? Buffer.from(o.pinnedCertificateSha1.replace(/:/g, ""), "hex") : o.pinnedCertificateSha1;
  return pin.length === 20 && pin.equals(certificateSha1(presented, o));
}

function certificateSha1(der: Buffer, o: CapfClientOptions): Uint8Array {
  return o.certificateSha1 ? o.certificateSha1(der) : crypto.createHash("sha1").update(der).digest();
}

function asClientError(e: unknown, log: string[]): CapfClientError {
  if (e instanceof CapfClientError) return e;
  if (e instanceof CapfChannelError) {
    return new CapfClientError(e.failure === "timeout" ? "timeout" : e.failure === "format" ? "protocol" : "connect", `CAPF session: ${e.message}`, log);
  }
  if (e instanceof CapfFormatError || e instanceof CapfElementError) return new CapfClientError("protocol", `CAPF session: ${e.message}`, log);
  return new CapfClientError("protocol", `CAPF session: ${(e as Error).message ?? String(e)}`, log);
}

/** Auth request → auth response → answer each server request until the end session. */
async function converse(session: ClientSession): Promise<CapfClientResult> {
  const first = session.options.sendsNameFirst === true;
  if (first) {
    session.log.push(`sending the auth response first, as ${session.options.deviceName} by ${session.options.authMode}`);
    send(session, CapfCommand.authResponse, authResponseElements(session.options, undefined));
  }
  const request = await session.channel.receive(session.timeoutMs);
  // a busy server refuses before the session starts (capf.md, command 16)
  if (request.command === CapfCommand.retryLater) return retryLater(session, request);
  if (request.command !== CapfCommand.authRequest) throw new CapfFormatError(`the server opened with command ${request.command}, not 1 (auth request)`);
  session.sessionId = request.sessionId;
  if (first) session.log.push(`auth request, session ${request.sessionId}; already answered`);
  else {
    session.log.push(`auth request, session ${request.sessionId}; answering as ${session.options.deviceName} by ${session.options.authMode}`);
    send(session, CapfCommand.authResponse, authResponseElements(session.options, request.sessionId));
  }
  for (let count = 0; count < MAX_SESSION_MESSAGES; count++) {
    const message = await session.channel.receive(session.timeoutMs);
    if (message.sessionId !== session.sessionId)
      throw new CapfFormatError(`command ${message.command} carries session id ${message.sessionId}, not ${session.sessionId}`);
    const result = await answer(session, message);
    if (result) return result;
  }
  throw new CapfFormatError(`the server sent more than ${MAX_SESSION_MESSAGES} messages`);
}

/** Answer one server message; a result when it ended the session. */
async function answer(session: ClientSession, message: CapfMessage): Promise<CapfClientResult | undefined> {
  switch (message.command) {
    case CapfCommand.keyGenRequest:
      await answerKeyGeneration(session, message);
      return undefined;
    case CapfCommand.storeCertRequest:
      answerStore(session, message);
      return undefined;
    case CapfCommand.fetchCertRequest:
      answerHandOver(session, "fetch", CapfCommand.fetchCertResponse);
      return undefined;
    case CapfCommand.deleteCertRequest:
      answerHandOver(session, "delete", CapfCommand.deleteCertResponse);
      return undefined;
    case CapfCommand.endSession:
      return finish(session, readU8Value(requireElement(message, CapfTag.reason, "reason"), "reason"));
    case CapfCommand.retryLater:
      return retryLater(session, message);
    default:
      throw new CapfFormatError(`unexpected command ${message.command} from the server`);
  }
}

/** Retry later (16): the server is busy; its reason info (element 2), when sent, says why. */
function retryLater(session: ClientSession, message: CapfMessage): CapfClientResult {
  const info = findElement(message, CapfTag.reasonInfo);
  const why = info ? `: ${printable(readStringValue(info), 200)}` : "";
  session.log.push(`the server asks to retry later${why}`);
  return { outcome: "refused", reason: RETRY_LATER, log: session.log };
}

/** Auth response: 1 reason, [4 certificate, 6 signed data], 7 version, 11 password, 13 device name, [16 SUDI, 20 SHA-2]. */
function authResponseElements(o: CapfClientOptions, sessionId: number | undefined): CapfElement[] {
  const elements: CapfElement[] = [
    { tag: CapfTag.reason, value: u8Value(CapfReason.updateCertificate) },
    { tag: CapfTag.version, value: u8Value(CAPF_VERSION) },
    { tag: CapfTag.password, value: stringValue(o.authMode === "string" ? (o.authString ?? "") : "") },
    { tag: CapfTag.deviceName, value: stringValue(o.deviceName) },
  ];
  if ((o.authMode === "lsc" || o.authMode === "mic") && o.currentCertificate) {
    const { certDer } = o.currentCertificate;
    const key = privateKeyOf(o.currentCertificate.privateKey);
    const proof = makeCertificateProof(o.deviceName, certDer, key);
    elements.push(
      { tag: CapfTag.certificate, value: certificateValue(certDer, certificateType(o)) },
      { tag: CapfTag.signedData, value: proof.signedData },
      { tag: CapfTag.sha2SignedData, value: proof.sha2SignedData },
    );
    // SUDI data is an RSA-only construction over the session id (capf.md): none before the id is known.
    if (key.asymmetricKeyType === "rsa" && sessionId !== undefined) elements.push({ tag: CapfTag.sudiData, value: makeSudiData(sessionId, certDer, key) });
  }
  return elements;
}

function privateKeyOf(key: KeyObject | string): KeyObject {
  return typeof key === "string" ? crypto.createPrivateKey(key) : key;
}

function certificateType(o: CapfClientOptions): number {
  const kind = o.currentCertificate?.kind ?? (o.authMode === "mic" ? "mic" : "lsc");
  return kind === "mic" ? CapfCertificateType.mic : CapfCertificateType.lsc;
}

/** Key generate request: say "in progress", make the key, send its public half (none when unsupported). */
async function answerKeyGeneration(session: ClientSession, message: CapfMessage): Promise<void> {
  const request = readKeyRequest(message);
  send(session, CapfCommand.requestInProgress, []);
  if (!request) {
    session.log.push("key generate request for a key this phone cannot make; answering without a public key");
    send(session, CapfCommand.keyGenResponse, []);
    return;
  }
  session.log.push(`generating ${request.type === "rsa" ? `RSA ${request.size}` : `EC ${request.curve}`}`);
  const key = await (session.options.generateKey ?? generateKey)(request);
  session.generatedKey = key;
  const spki = crypto.createPublicKey(key).export({ type: "spki", format: "der" });
  send(session, CapfCommand.keyGenResponse, [{ tag: CapfTag.publicKey, value: spki }]);
}

/** The key asked for, or undefined for one outside capf.md (RSA 512–4096 in steps of 8, the three curves). */
function readKeyRequest(message: CapfMessage): CapfKeyRequest | undefined {
  const type = readU8Value(requireElement(message, CapfTag.keyType, "key type"), "key type");
  if (type === CapfKeyType.ec) {
    const curve = capfCurves[readU8Value(requireElement(message, CapfTag.curve, "curve"), "curve")];
    return curve ? { type: "ec", curve } : undefined;
  }
  if (type !== CapfKeyType.rsa) return undefined;
  const size = readU16Value(requireElement(message, CapfTag.keySize, "key size"), "key size");
  return size >= 512 && size <= 4096 && size % 8 === 0 ? { type: "rsa", size } : undefined;
}

const generateKeyPair = promisify(crypto.generateKeyPair);

/** A new private key with node:crypto. */
export async function generateKey(request: CapfKeyRequest): Promise<KeyObject> {
  const pair =
    request.type === "rsa"
      ? await generateKeyPair("rsa", { modulusLength: request.size, publicExponent: 0x10001 })
      : await generateKeyPair("ec", { namedCurve: nodeCurveName[request.curve] });
  return pair.privateKey;
}

/** Store certificate request: accept the LSC only if it certifies the key this session made. */
function answerStore(session: ClientSession, message: CapfMessage): void {
  const { der } = readCertificateValue(requireElement(message, CapfTag.certificate, "certificate"));
  let problem = storeProblem(session, der);
  if (!problem) {
    try {
      session.options.keepCertificate?.(der, session.generatedKey!);
    } catch (e) {
      problem = `cannot keep it (${(e as Error).message})`;
    }
  }
  if (problem) session.log.push(`store certificate refused: ${problem}`);
  else session.storedCertificate = der;
  send(session, CapfCommand.storeCertResponse, [{ tag: CapfTag.reason, value: u8Value(problem ? CapfReason.invalidElement : CapfReason.updateCertificate) }]);
  session.acknowledged = !problem;
}

function storeProblem(session: ClientSession, der: Buffer): string | undefined {
  if (!session.generatedKey) return "no key was generated in this session";
  let certificateKey: Buffer;
  try {
    certificateKey = new crypto.X509Certificate(der).publicKey.export({ type: "spki", format: "der" });
  } catch {
    return "the certificate element does not hold an X.509 certificate";
  }
  const ours = crypto.createPublicKey(session.generatedKey).export({ type: "spki", format: "der" });
  return certificateKey.equals(ours) ? undefined : "the certificate is not for the key generated in this session";
}

/** Fetch (12: reason 1 and the certificate) or delete (14: reason 1); reason 7 with no certificate. */
function answerHandOver(session: ClientSession, what: "fetch" | "delete", response: number): void {
  const current = session.options.currentCertificate;
  if (!current) {
    session.log.push(`${what} certificate: the phone holds none`);
    send(session, response, [{ tag: CapfTag.reason, value: u8Value(CapfReason.invalidElement) }]);
    return;
  }
  session.handedOver = what;
  const elements: CapfElement[] = [{ tag: CapfTag.reason, value: u8Value(CapfReason.updateCertificate) }];
  if (what === "fetch") elements.push({ tag: CapfTag.certificate, value: certificateValue(current.certDer, certificateType(session.options)) });
  session.log.push(`${what} certificate: answered`);
  send(session, response, elements);
}

/** The outcome from the end session's reason and what the session did. */
function finish(session: ClientSession, reason: number): CapfClientResult {
  session.log.push(`end session, reason ${reason}`);
  const base = { reason, log: session.log };
  if (reason === CapfReason.updateCertificate && session.storedCertificate && session.generatedKey) {
    return { ...base, outcome: "installed", newCertificateDer: session.storedCertificate, newPrivateKey: session.generatedKey };
  }
  if (reason === CapfReason.updateCertificate && session.handedOver === "delete") return { ...base, outcome: "deleted" };
  const success = reason === CapfReason.noAction || reason === CapfReason.updateCertificate;
  if (success && session.handedOver === "fetch") return { ...base, outcome: "fetched" };
  if (reason === CapfReason.noAction && !session.storedCertificate && !session.handedOver) return { ...base, outcome: "none" };
  return { ...base, outcome: "refused" };
}

function send(session: ClientSession, command: number, elements: CapfElement[]): void {
  session.channel.send({ command, sessionId: session.sessionId, elements });
}
