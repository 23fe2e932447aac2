// The CAPF server (capf.md, the "capf" side): TLS with the CAPF certificate, one session per
// connection, run concurrently. Each session authenticates the phone as its device record says,
// performs the scheduled operation (install, fetch, delete or none) and records the outcome
// through the CapfStore — only once the phone has confirmed it, and never after a failure.
import crypto, { type KeyObject } from "node:crypto";
import type { Socket } from "node:net";
import tls, { type TLSSocket } from "node:tls";
import { checkCertificateProof, checkIssuedBy, checkSudiData } from "../shared/capf/capfAuth.js";
import { CapfChannel, CapfChannelError } from "../shared/capf/capfChannel.js";
import {
  CAPF_VERSION,
  CapfAuthType,
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
  stringValue,
  u8Value,
  u16Value,
} from "../shared/capf/capfElements.js";
import { type CapfElement, CapfFormatError, type CapfMessage, findElement, requireElement } from "../shared/capf/capfMessage.js";
import { AUTHENTICATION_FAILURE_STATUS, type CertificateOperationStatus, DEFAULT_LSC_DAYS } from "../shared/capfStatus.js";
import { type CapfAuthMode, type CapfOperation, DEFAULT_CURVE, DEFAULT_KEY_SIZE, keyLabel } from "../shared/capfVocabulary.js";
import { closedByLimit, limitConnections } from "../shared/connectionLimit.js";
import { fixHints } from "../shared/fixHints.js";
import { logLine, printable } from "../shared/logText.js";
import { createCertificate, type DistinguishedName } from "../shared/pki/certificateBuilder.js";

/** A device as CAPF needs it (the server's device table, CUCM's CAPF fields). */
export interface CapfDevice {
  name: string;
  operation: CapfOperation;
  authMode: CapfAuthMode;
  /** the authentication string, for authMode "string" */
  authString?: string;
  keyType: "rsa" | "ec";
  /** RSA modulus bits, for keyType "rsa" */
  keySize?: number;
  /** for keyType "ec" */
  curve?: CapfCurve;
  /** the certificate last recorded for the device, if any */
  certificateDer?: Buffer;
  /** "Operation Completes By": after it a session for the scheduled operation is refused (operationTimedOut) */
  deadline?: Date;
  /** days an LSC issued to this device is valid (its profile's), else the service's lscDays */
  lscDays?: number;
}

/** What a finished operation records: a certificate (install, fetch) or its removal (delete). */
export type CapfCompletion = { certificateDer: Buffer; publicKeyDer: Buffer; md5hash: string } | { deleted: true };

/**
 * Where CAPF reads devices and records outcomes. `completeOperation` must be atomic (one
 * transaction): record the certificate (or clear it) and set the operation back to "none".
 */
export interface CapfStore {
  findDevice(name: string): CapfDevice | undefined;
  /** `scheduled`: the operation the session read at its start; recorded only if it is still the device's (else it throws) */
  completeOperation(name: string, completion: CapfCompletion, scheduled?: CapfDevice["operation"]): void;
  /** records a failed session's Certificate Operation Status (successes are recorded by completeOperation) */
  recordStatus?(name: string, status: CertificateOperationStatus, at?: Date): void;
}

export interface CapfServiceOptions {
  bind: string;
  /** 0 = a free port */
  port: number;
  /** the CAPF private key (PEM or KeyObject) */
  key: string | Buffer | KeyObject;
  /** the CAPF certificate (PEM or DER): the TLS server certificate and the issuer of LSCs */
  cert: string | Buffer;
  store: CapfStore;
  /** manufacturer CA certificates (DER or PEM) trusted for MIC authentication */
  micIssuers?: Array<string | Buffer>;
  /** CAPF certificates replaced by `server rotate capf`: LSCs they issued still authenticate until re-enrolled */
  previousCapf?: Array<string | Buffer>;
  /** silence that ends a session, default 10 000 ms */
  sessionTimeoutMs?: number;
  /** connections held at once, handshaking or in session; further ones are closed at once. Default 64 */
  maxSessions?: number;
  /** connections from one source address once half of maxSessions are taken (so one host never holds more than half). Default 8 */
  maxSessionsPerSource?: number;
  /** longest a connection may live, handshake included, however the peer paces its bytes. Default 60 000 ms */
  sessionDeadlineMs?: number;
  /** days an issued LSC is valid, default 365 */
  lscDays?: number;
  log?: (line: string) => void;
  /** clock for certificate validity checks (tests of recorded vectors pin it) */
  now?: () => Date;
  /** session id source; default a counter from a random start */
  nextSessionId?: () => number;
  /** called once per session that named a device, when it ends (the server's per-device evidence) */
  onSessionEnd?: (session: CapfSessionRecord) => void;
}

/** What one session did, for the device's timeline. */
export interface CapfSessionRecord {
  /** the device name the phone sent (peer-supplied: the recorder escapes and caps it) */
  device: string;
  remote: string;
  sessionId: number;
  /** true when the session ran to its end without a refusal or failure */
  completed: boolean;
  /** the session's log lines, in order */
  steps: string[];
  /** the end session's reason */
  reason: number;
}

export interface CapfService {
  port: number;
  /** a new CAPF key/certificate (and previous ones) for the sessions that start from now; running sessions keep theirs */
  reload(pki: Pick<CapfServiceOptions, "key" | "cert" | "previousCapf">): void;
  /** connections (sessions) open now */
  activeSessions(): number;
  close(): Promise<void>;
}

/** The server's fixed context, shared by its sessions. */
interface ServiceContext {
  store: CapfStore;
  capfKey: KeyObject;
  capfCertificate: crypto.X509Certificate;
  /** the current CAPF certificate, then the previous ones: issuers of LSCs that authenticate */
  lscIssuers: Buffer[];
  micIssuers: Buffer[];
  timeoutMs: number;
  lscDays: number;
  log: (line: string) => void;
  now: () => Date;
  onSessionEnd?: (session: CapfSessionRecord) => void;
}

/** One running session: its channel, id and log prefix, and what it did so far. */
interface Session {
  channel: CapfChannel;
  id: number;
  timeoutMs: number;
  log: (line: string) => void;
  /** the log lines, kept (bounded) for the device's timeline */
  steps: string[];
  /** the device name from the auth response, once read */
  device?: string;
}

/** A session has a handful of steps; a bound all the same, as each holds peer-supplied text. */
const MAX_SESSION_STEPS = 32;

/** Ends the session with `reason`, saying why in the log; nothing has been recorded. */
class SessionEnd extends Error {
  constructor(
    readonly reason: number,
    message: string,
    /** the Certificate Operation Status this failure records */
    readonly status: CertificateOperationStatus = "phoneCommunicationFailure",
  ) {
    super(message);
  }
}

/** The CAPF key and certificates as a session context and a TLS server take them. */
function capfIdentity(o: Pick<CapfServiceOptions, "key" | "cert" | "previousCapf">) {
  const capfCertificate = new crypto.X509Certificate(o.cert);
  const capfKey = o.key instanceof crypto.KeyObject ? o.key : crypto.createPrivateKey(o.key);
  const lscIssuers = [capfCertificate.raw, ...(o.previousCapf ?? []).map((c) => new crypto.X509Certificate(c).raw)];
  const tls = { key: capfKey.export({ type: "pkcs8", format: "pem" }), cert: capfCertificate.toString() };
  return { context: { capfKey, capfCertificate, lscIssuers }, tls };
}

export async function startCapfService(o: CapfServiceOptions): Promise<CapfService> {
  const identity = capfIdentity(o);
  // Replaced whole by reload(): a session holds the context it started with.
  let context: ServiceContext = {
    store: o.store,
    ...identity.context,
    micIssuers: (o.micIssuers ?? []).map((c) => new crypto.X509Certificate(c).raw),
    timeoutMs: o.sessionTimeoutMs ?? 10_000,
    lscDays: o.lscDays ?? DEFAULT_LSC_DAYS,
    log: (line) => o.log?.(logLine(line)),
    now: o.now ?? (() => new Date()),
    onSessionEnd: o.onSessionEnd,
  };
  let counter = crypto.randomInt(1, 0x7fffffff);
  const nextSessionId = o.nextSessionId ?? (() => (counter = (counter % 0x7fffffff) + 1));
  const sockets = new Set<TLSSocket>();
  const refusals = refusalDesk();
  const server = tls.createServer({ ...identity.tls, handshakeTimeout: context.timeoutMs }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const refused = refusals.reasonFor(socket);
    if (refused !== undefined) tellRetryLater(socket, context, nextSessionId(), refused);
    else void serveConnection(socket, context, nextSessionId());
  });
  // Counted on the raw TCP socket, before TLS: a handshake that never ends holds a slot too.
  limitConnections(server, {
    total: o.maxSessions ?? 64,
    perSource: o.maxSessionsPerSource ?? 8,
    lifetimeMs: o.sessionDeadlineMs ?? 60_000,
    log: (line) => context.log(`capf ${line}`),
    tellRefused: refusals.take,
  });
  // Node logs nothing and keeps the socket when a listener is attached: a failed or timed-out
  // handshake must free its slot, or idle connections lock CAPF.
  server.on("tlsClientError", (e, socket) => {
    // a connection the limit closed at once was logged as refused; its wrapper's "hang up" says nothing more
    if (!closedByLimit(socket)) context.log(`capf ${socket.remoteAddress}:${socket.remotePort}: TLS handshake failed: ${printable(e.message)}`);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.bind, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : o.port,
    reload(pki) {
      const next = capfIdentity(pki);
      server.setSecureContext(next.tls); // new TLS connections only
      context = { ...context, ...next.context };
      context.log(
        `capf: CAPF certificate ${next.context.capfCertificate.serialNumber} for new sessions; ${next.context.lscIssuers.length - 1} previous certificate(s) still trusted for LSCs`,
      );
    },
    activeSessions: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Refused connections told "retry later" at once: few, and each for a short time, as they hold no slot. */
const MAX_TELLING = 8;
const TELLING_MS = 2_000;

/**
 * The refused connections being told why: a phone that only sees its connection close cannot
 * tell a busy CAPF from a dead one, so it gets the protocol's "retry later" (capf.md, command 16)
 * after its TLS handshake — bounded in number and time; past the bound the limit closes at once.
 */
function refusalDesk() {
  const reasons = new Map<string, string>();
  let telling = 0;
  const key = (s: { remoteAddress?: string; remotePort?: number }) => `${s.remoteAddress}:${s.remotePort}`;
  return {
    take: (socket: Socket, why: string): boolean => {
      if (telling >= MAX_TELLING) return false;
      telling++;
      const at = key(socket);
      reasons.set(at, why);
      const timer = setTimeout(() => socket.destroy(), TELLING_MS).unref();
      socket.once("close", () => {
        telling--;
        reasons.delete(at);
        clearTimeout(timer);
      });
      return true;
    },
    /** why the connection under this TLS socket was refused, if it was */
    reasonFor: (socket: TLSSocket): string | undefined => reasons.get(key(socket)),
  };
}

/** Retry later (16) with the reason in words (reason info, element 2), then the connection ends. */
function tellRetryLater(socket: TLSSocket, context: ServiceContext, sessionId: number, why: string): void {
  const channel = new CapfChannel(socket);
  channel.send({ command: CapfCommand.retryLater, sessionId, elements: [{ tag: CapfTag.reasonInfo, value: stringValue(`CAPF busy: ${why}`) }] });
  context.log(`capf ${socket.remoteAddress}:${socket.remotePort} session ${sessionId}: retry later sent (${why})`);
  channel.end();
}

async function serveConnection(socket: TLSSocket, context: ServiceContext, sessionId: number): Promise<void> {
  const prefix = `capf ${socket.remoteAddress}:${socket.remotePort} session ${sessionId}`;
  const steps: string[] = [];
  const session: Session = {
    channel: new CapfChannel(socket),
    id: sessionId,
    timeoutMs: context.timeoutMs,
    steps,
    log: (line) => {
      if (steps.length < MAX_SESSION_STEPS) steps.push(line);
      context.log(`${prefix}: ${line}`);
    },
  };
  let reason: number;
  let completed = true;
  const endElements: CapfElement[] = [];
  let recorded = "";
  try {
    reason = await runSession(session, context);
  } catch (e) {
    completed = false;
    const failure = failureOf(session, e);
    reason = failure.reason;
    if (session.device !== undefined) recorded = recordFailure(context, session.device, failure.status);
    // A timed-out operation is refused by name (reason info), so the client can say why.
    if (failure.status === "operationTimedOut") endElements.push({ tag: CapfTag.reasonInfo, value: stringValue(failure.status) });
  }
  send(session, CapfCommand.endSession, [{ tag: CapfTag.reason, value: u8Value(reason) }, ...endElements]);
  // The status goes on the end-session line: the failure's own message stays the session's last step.
  session.log(`end session, reason ${reason}${recorded}`);
  if (session.device !== undefined) {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    context.onSessionEnd?.({ device: session.device, remote, sessionId, completed, steps, reason });
  }
  session.channel.end();
  // A phone that never closes its side does not hold the socket past the timeout.
  setTimeout(() => session.channel.destroy(), context.timeoutMs).unref();
}

/** The reason for the end session after a failure and the status it records, logged. */
function failureOf(session: Session, e: unknown): { reason: number; status: CertificateOperationStatus } {
  const communication = { reason: CapfReason.invalidElement, status: "phoneCommunicationFailure" } as const;
  if (e instanceof SessionEnd) {
    session.log(e.message);
    return { reason: e.reason, status: e.status };
  }
  if (e instanceof CapfChannelError) {
    const detail = printable(e.message, 300);
    session.log(e.failure === "format" ? `refused: ${detail}` : `${e.failure === "timeout" ? "timed out" : "connection lost"}: ${detail}`);
    return communication;
  }
  if (e instanceof CapfFormatError || e instanceof CapfElementError) {
    session.log(`refused: ${printable(e.message, 300)}`);
    return communication;
  }
  session.log(`failed: ${printable((e as Error).message ?? String(e), 300)}`);
  return communication;
}

/**
 * Records a failure's status for the device and says so for the log; a store that cannot record
 * it does not end the service.
 */
function recordFailure(context: ServiceContext, name: string, status: CertificateOperationStatus): string {
  try {
    context.store.recordStatus?.(name, status, context.now());
    return `, certificate operation status ${status}`;
  } catch (e) {
    return `, could not record status ${status}: ${(e as Error).message}`;
  }
}

/** The whole protocol after TLS: auth request → auth response → the operation. Returns the end reason. */
async function runSession(session: Session, context: ServiceContext): Promise<number> {
  send(session, CapfCommand.authRequest, [
    { tag: CapfTag.version, value: u8Value(CAPF_VERSION) },
    { tag: CapfTag.authType, value: u8Value(CapfAuthType.none) },
  ]);
  const auth = await expectAuthResponse(session);
  const name = readStringValue(requireElement(auth, CapfTag.deviceName, "device name"));
  session.device = name;
  session.log(`device ${printable(name, 64)}`);
  const device = context.store.findDevice(name);
  if (!device) throw new SessionEnd(CapfReason.unknownDevice, `unknown device ${printable(name, 64)}`, "unknownDevice");
  // The deadline bounds the operation and its authentication string: after it, nothing is tried.
  if (device.operation !== "none" && device.deadline && context.now() > device.deadline) {
    throw new SessionEnd(
      CapfReason.invalidElement,
      `refused: the ${device.operation} operation for ${device.name} had to complete by ${device.deadline.toISOString()} (operation timed out); schedule it again (a new deadline, 7 days by default; --until TIME sets another) with '${fixHints.scheduleCapf(device.name, device.operation).text}'`,
      "operationTimedOut",
    );
  }
  const refusal = authenticate(session, context, device, auth);
  if (refusal) {
    throw new SessionEnd(CapfReason.invalidElement, `authentication (${device.authMode}) failed: ${refusal}`, AUTHENTICATION_FAILURE_STATUS[device.authMode]);
  }
  session.log(`authenticated (${device.authMode}); operation ${device.operation}`);
  switch (device.operation) {
    case "install":
      return install(session, context, device);
    case "fetch":
      return fetch(session, context, device);
    case "delete":
      return remove(session, context, device);
    default:
      return CapfReason.noAction;
  }
}

/** Undefined when the auth response proves what the device's mode asks for, else why not. */
function authenticate(session: Session, context: ServiceContext, device: CapfDevice, auth: CapfMessage): string | undefined {
  switch (device.authMode) {
    case "null":
      return undefined;
    case "string": {
      const given = Buffer.from(readStringValue(findElement(auth, CapfTag.password) ?? Buffer.alloc(0)), "latin1");
      const expected = Buffer.from(device.authString ?? "", "latin1");
      if (expected.length === 0) return "the device has no authentication string configured";
      const same = given.length === expected.length && crypto.timingSafeEqual(given, expected);
      return same ? undefined : "the authentication string does not match";
    }
    case "lsc":
      return authenticateByCertificate(session, context, device.name, auth, context.lscIssuers);
    case "mic":
      return authenticateByCertificate(session, context, device.name, auth, context.micIssuers);
  }
}

/** LSC or MIC: the certificate names the device, chains to `issuers`, is current, and both signatures verify. */
function authenticateByCertificate(session: Session, context: ServiceContext, deviceName: string, auth: CapfMessage, issuers: Buffer[]): string | undefined {
  const certificateDer = readCertificateValue(requireElement(auth, CapfTag.certificate, "certificate")).der;
  const certificate = parseCertificate(certificateDer);
  if (!certificate) return "the certificate element does not hold an X.509 certificate";
  session.log(`certificate subject "${oneLine(certificate.subject)}", issuer "${oneLine(certificate.issuer)}"`);
  if (!namesDevice(certificate, deviceName)) return `the certificate's subject does not name ${deviceName}`;
  const problem =
    checkIssuedBy(certificateDer, issuers) ??
    checkValidity(certificate, context.now()) ??
    checkCertificateProof(deviceName, certificateDer, {
      signedData: requireElement(auth, CapfTag.signedData, "signed data"),
      sha2SignedData: requireElement(auth, CapfTag.sha2SignedData, "SHA-2 signed data"),
    });
  if (problem) return problem;
  const sudi = findElement(auth, CapfTag.sudiData);
  return sudi ? checkSudi(session, sudi, issuers) : undefined;
}

function checkSudi(session: Session, value: Buffer, issuers: Buffer[]): string | undefined {
  const sudi = checkSudiData(session.id, value);
  if (sudi.error || !sudi.certificateDer) return sudi.error;
  return checkIssuedBy(sudi.certificateDer, issuers);
}

function parseCertificate(der: Buffer): crypto.X509Certificate | undefined {
  try {
    return new crypto.X509Certificate(der);
  } catch {
    return undefined;
  }
}

/** An LSC's CN is the device name; a MIC's CN carries it after the model (e.g. CP-7942G-SEP…). */
function namesDevice(certificate: crypto.X509Certificate, deviceName: string): boolean {
  return certificate.subject.split("\n").some((part) => part.startsWith("CN=") && part.includes(deviceName));
}

function checkValidity(certificate: crypto.X509Certificate, now: Date): string | undefined {
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    return `the certificate is valid from ${certificate.validFrom} to ${certificate.validTo}, not at ${now.toISOString()}`;
  }
  return undefined;
}

/** A certificate name on one line, escaped and capped: it is the peer's text. */
function oneLine(name: string): string {
  return printable(name.replace(/\n/g, ","), 300);
}

/** Install: key generate request → (one 17) → key → issue the LSC → store → record. */
async function install(session: Session, context: ServiceContext, device: CapfDevice): Promise<number> {
  send(session, CapfCommand.keyGenRequest, keyRequestElements(device));
  let reply = await expect(session, CapfCommand.keyGenResponse, CapfCommand.requestInProgress);
  if (reply.command === CapfCommand.requestInProgress) {
    reply = await expect(session, CapfCommand.keyGenResponse, CapfCommand.requestInProgress);
    if (reply.command === CapfCommand.requestInProgress) {
      throw new SessionEnd(
        CapfReason.invalidElement,
        "a second request in progress (17): at most one request in progress may come before the key generate response",
        "keyGenerationFailure",
      );
    }
  }
  const spki = findElement(reply, CapfTag.publicKey);
  if (!spki) throw new SessionEnd(CapfReason.invalidElement, "key generate response without a public key", "keyGenerationFailure");
  const publicKey = requestedPublicKey(spki, device);
  const certificateDer = issueLsc(context, device.name, publicKey, device.lscDays ?? context.lscDays);
  send(session, CapfCommand.storeCertRequest, [
    { tag: CapfTag.certificateType, value: u8Value(CapfCertificateType.lsc) },
    { tag: CapfTag.certificate, value: certificateValue(certificateDer, CapfCertificateType.lsc) },
  ]);
  const stored = await expect(session, CapfCommand.storeCertResponse);
  requireSuccess(stored, "store certificate response", "upgradeFailed");
  context.store.completeOperation(device.name, certificateRecord(certificateDer), device.operation);
  session.log(`installed an LSC (${describeKey(device)}), md5hash ${md5Hex(certificateDer)}`);
  return CapfReason.updateCertificate;
}

/** Key generate request elements: 10 key size then 17 key type (RSA), or 17 then 18 curve (EC). */
function keyRequestElements(device: CapfDevice): CapfElement[] {
  if (device.keyType === "ec") {
    const curve = capfCurves.indexOf(device.curve ?? DEFAULT_CURVE);
    if (curve < 0) throw new SessionEnd(CapfReason.invalidElement, `device ${device.name} names an unknown curve ${device.curve}`, "keyGenerationFailure");
    return [
      { tag: CapfTag.keyType, value: u8Value(CapfKeyType.ec) },
      { tag: CapfTag.curve, value: u8Value(curve) },
    ];
  }
  return [
    { tag: CapfTag.keySize, value: u16Value(device.keySize ?? DEFAULT_KEY_SIZE) },
    { tag: CapfTag.keyType, value: u8Value(CapfKeyType.rsa) },
  ];
}

/** The phone's public key, refused unless it is the type and size (or curve) that was asked for. */
function requestedPublicKey(spki: Buffer, device: CapfDevice): KeyObject {
  let key: KeyObject;
  try {
    key = crypto.createPublicKey({ key: spki, format: "der", type: "spki" });
  } catch {
    throw new SessionEnd(CapfReason.invalidElement, "the public key element is not a SubjectPublicKeyInfo", "keyGenerationFailure");
  }
  const details = key.asymmetricKeyDetails ?? {};
  const matches =
    device.keyType === "ec"
      ? key.asymmetricKeyType === "ec" && details.namedCurve === nodeCurveName[device.curve ?? DEFAULT_CURVE]
      : key.asymmetricKeyType === "rsa" && details.modulusLength === (device.keySize ?? DEFAULT_KEY_SIZE);
  if (!matches) {
    const got = key.asymmetricKeyType === "ec" ? `EC ${details.namedCurve}` : `${key.asymmetricKeyType?.toUpperCase()} ${details.modulusLength}`;
    throw new SessionEnd(CapfReason.invalidElement, `the phone sent a ${got} key, ${describeKey(device)} was asked for`, "keyGenerationFailure");
  }
  return key;
}

function describeKey(device: CapfDevice): string {
  return device.keyType === "ec" ? keyLabel({ curve: device.curve ?? DEFAULT_CURVE }) : keyLabel({ keySize: device.keySize });
}

/** The LSC: CN = device name under the CAPF certificate's O/OU, a TLS client and server leaf. */
function issueLsc(context: ServiceContext, deviceName: string, publicKey: KeyObject, days: number): Buffer {
  const inherited: DistinguishedName = context.capfCertificate.subject
    .split("\n")
    .map((part): [string, string] => [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)])
    .filter(([attr]) => attr === "O" || attr === "OU");
  const der = createCertificate({
    subject: [["CN", deviceName], ...inherited],
    publicKey,
    issuer: { certificateDer: context.capfCertificate.raw, privateKey: context.capfKey },
    days,
    ca: false,
    keyUsage: ["digitalSignature", "keyEncipherment"],
    extKeyUsage: ["serverAuth", "clientAuth"],
  });
  return Buffer.from(der);
}

/** Fetch: the phone sends the certificate it holds; it must name the device and chain to a known issuer. */
async function fetch(session: Session, context: ServiceContext, device: CapfDevice): Promise<number> {
  send(session, CapfCommand.fetchCertRequest, []);
  const reply = await expect(session, CapfCommand.fetchCertResponse);
  requireSuccess(reply, "fetch certificate response", "fetchFailed");
  const certificateDer = readCertificateValue(requireElement(reply, CapfTag.certificate, "certificate")).der;
  const certificate = parseCertificate(certificateDer);
  if (!certificate || !namesDevice(certificate, device.name)) {
    throw new SessionEnd(CapfReason.invalidElement, `the fetched certificate is not a certificate of ${device.name}`, "fetchFailed");
  }
  const untrusted = checkIssuedBy(certificateDer, [...context.lscIssuers, ...context.micIssuers]);
  if (untrusted) throw new SessionEnd(CapfReason.invalidElement, `fetched certificate refused: ${untrusted}`, "fetchFailed");
  context.store.completeOperation(device.name, certificateRecord(certificateDer), device.operation);
  session.log(`fetched the phone's certificate, md5hash ${md5Hex(certificateDer)}`);
  return CapfReason.noAction;
}

/** Delete: once the phone confirms, the device's certificate is cleared. */
async function remove(session: Session, context: ServiceContext, device: CapfDevice): Promise<number> {
  send(session, CapfCommand.deleteCertRequest, []);
  requireSuccess(await expect(session, CapfCommand.deleteCertResponse), "delete certificate response", "deleteFailed");
  context.store.completeOperation(device.name, { deleted: true }, device.operation);
  session.log("deleted the phone's certificate");
  return CapfReason.updateCertificate;
}

function certificateRecord(certificateDer: Buffer): CapfCompletion {
  const publicKeyDer = new crypto.X509Certificate(certificateDer).publicKey.export({ type: "spki", format: "der" });
  return { certificateDer, publicKeyDer, md5hash: md5Hex(certificateDer) };
}

function md5Hex(bytes: Buffer): string {
  return crypto.createHash("md5").update(bytes).digest("hex");
}

function requireSuccess(message: CapfMessage, what: string, status: CertificateOperationStatus): void {
  const reason = readU8Value(requireElement(message, CapfTag.reason, "reason"), "reason");
  if (reason !== CapfReason.updateCertificate) throw new SessionEnd(CapfReason.invalidElement, `${what} has reason ${reason}, not 1`, status);
}

function send(session: Session, command: number, elements: CapfElement[]): void {
  session.channel.send({ command, sessionId: session.id, elements });
}

/** The next message, which must be one of `commands` and carry this session's id. */
/**
 * The auth response. A client that sends it as soon as TLS is up, without waiting for the auth
 * request (softphones, capf.md "Sessions"), has not seen this session's id and sends 0: that
 * message is the answer to the request already written. Any other id is refused.
 */
async function expectAuthResponse(session: Session): Promise<CapfMessage> {
  const message = await session.channel.receive(session.timeoutMs);
  if (message.command === CapfCommand.authResponse && message.sessionId === 0 && session.id !== 0) {
    session.log("auth response sent before the auth request (session id 0): taken as the answer to it");
    return message;
  }
  return checkExpected(session, message, [CapfCommand.authResponse]);
}

async function expect(session: Session, ...commands: number[]): Promise<CapfMessage> {
  return checkExpected(session, await session.channel.receive(session.timeoutMs), commands);
}

function checkExpected(session: Session, message: CapfMessage, commands: number[]): CapfMessage {
  if (message.sessionId !== session.id) {
    throw new SessionEnd(CapfReason.invalidElement, `command ${message.command} carries session id ${message.sessionId}, expected ${session.id}`);
  }
  if (!commands.includes(message.command)) {
    throw new SessionEnd(CapfReason.invalidElement, `command ${message.command} where ${commands.join(" or ")} was expected`);
  }
  return message;
}
