// The build layer: every served name's bytes built once per change of what they depend on
// and served from memory by HTTP and TFTP alike, as CUCM's TFTP service does.
//
//   depends on                         invalidated by (Change from a ChangeSource)
//   ITLFile.tlv, ITLSEP<MAC>.tlv       the PKI (one list per signing hash, shared by all devices)
//   SEP<MAC>.cnf.xml[.sgn|.enc.sgn]    its device row, its profile, the advertised address, the PKI
//
// Before every answer the change source is asked what changed (one indexed read when nothing
// did) and what it names is dropped at once, so a stale file is never served; a background
// pass then rebuilds what is missing in short slices while requests for a missing file build
// it on demand. Memory: the built bytes of every device are kept up to `maxBytes`; beyond
// that the background pass stops and on-demand builds evict the oldest devices' files (a
// miss is then built on demand again). Each rebuild of an encrypted config draws a new AES
// key (encryptedConfigWriter); trust lists are deterministic (trustListFile).
import type { ServiceAddress } from "../shared/configXml.js";
import { DEFAULT_SIGNING_HASH, type SigningHash } from "../shared/hashAlgorithms.js";
import type { Change, ChangeSource } from "./changeSource.js";
import type { Db } from "./database.js";
import { type Device, findDevice } from "./deviceStore.js";
import { DEVICE_FILE_KINDS, type DeviceFileKind, type RenderResult, renderDeviceFile } from "./fileRenderer.js";
import type { LabPki } from "./labPki.js";
import { parseServedName } from "./servedFileName.js";
import { trustListFile } from "./trustListFile.js";

export interface BuildContext {
  db: Db;
  /** the PKI as it is now; called again after a "pki" change */
  loadPki: () => LabPki;
  /** told the PKI read after a "pki" change (the CAPF service takes its new key from it) */
  onPki?: (pki: LabPki) => void;
  /** where phones reach the services; called again after an "address" change */
  address: () => ServiceAddress;
  log?: (line: string) => void;
}

export interface BuiltFilesOptions {
  /** bytes of built files kept (bodies, certificates, per-device overhead); default 192 MiB */
  maxBytes?: number;
  /** build every device's files in the background after start and after changes; default true */
  background?: boolean;
  /** the background pass waits until no file was asked for during this many ms; default QUIET_MS (0 = never waits) */
  quietMs?: number;
}

export interface BuiltFilesStats {
  /** devices whose files are (partly) in memory */
  devices: number;
  files: number;
  bytes: number;
  /** files built since start (a measure of rebuilds) */
  builds: number;
  /** a background pass is running or scheduled */
  warming: boolean;
}

interface DeviceEntry {
  device: Device;
  files: Map<DeviceFileKind, RenderResult>;
  bytes: number;
}

export const DEFAULT_MAX_BYTES = 192 * 1024 * 1024;
/** what a device entry costs besides its files' bytes (row, strings, maps) */
/** after a background pass fails (the database is away), the wait before the next try */
const WARM_RETRY_MS = 2000;
const ENTRY_OVERHEAD = 2048;
/** a background slice runs this long before letting requests in */
const SLICE_MS = 5;
/**
 * The background pass waits until no file was asked for during this long: a slice can hold
 * the event loop for a whole device's build (two signatures and an encryption), so while
 * phones are fetching, each of their requests would queue behind one. Misses meanwhile are
 * built on demand, so waiting costs the storm nothing.
 */
export const QUIET_MS = 20;
const SCAN_BATCH = 64;

export class BuiltFiles {
  private pki: LabPki;
  private at: ServiceAddress | undefined;
  private readonly trustLists = new Map<SigningHash, Uint8Array>();
  private readonly devices = new Map<string, DeviceEntry>();
  private readonly nextNames;
  private readonly maxBytes: number;
  private readonly background: boolean;
  private readonly quietMs: number;
  private bytes = 0;
  private builds = 0;
  private cursor = "";
  private warming = false;
  private closed = false;
  private lastAsked = Number.NEGATIVE_INFINITY;
  private idle: Array<() => void> = [];

  constructor(
    private readonly ctx: BuildContext,
    private readonly source: ChangeSource,
    options: BuiltFilesOptions = {},
  ) {
    this.pki = ctx.loadPki();
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.background = options.background ?? true;
    this.quietMs = options.quietMs ?? QUIET_MS;
    this.nextNames = ctx.db.prepare<{ name: string }>("SELECT name FROM device WHERE name > ? ORDER BY name LIMIT ?");
    source.watch(() => this.refresh());
    this.scheduleWarm();
  }

  /** The bytes of `name` as the database is now: from memory, built on a miss. */
  get(name: string): RenderResult {
    this.lastAsked = performance.now();
    this.refresh();
    const wanted = parseServedName(name);
    if (!wanted) return { body: null, note: "no such file" };
    if (wanted.kind === "trustList") return { body: this.trustList(DEFAULT_SIGNING_HASH), note: "trust list" };
    const entry = this.entry(wanted.device);
    if (!entry) return { body: null, note: `unknown device ${wanted.device}` };
    return this.file(entry, wanted.kind);
  }

  /** Applies the changes committed since the last look; called before every answer and by the watcher. */
  refresh(): void {
    const changes = this.source.take();
    for (const change of changes) this.invalidate(change);
    if (changes.length > 0) {
      this.cursor = "";
      this.scheduleWarm();
    }
  }

  /** Drops what `change` touches (public so a store in this process may call it directly). */
  invalidate(change: Change): void {
    switch (change.subject) {
      case "device":
        this.drop(change.name);
        break;
      case "profile":
        for (const [name, e] of this.devices) if (e.device.profile.pkid === change.pkid) this.drop(name);
        break;
      case "pki":
        this.reloadPki();
        this.dropAllDevices();
        break;
      case "address":
        this.at = undefined;
        this.dropAllDevices();
        break;
      case "everything":
        // the log lost track (a long database outage): a rotation may be among what was missed
        this.reloadPki();
        this.at = undefined;
        this.dropAllDevices();
        break;
    }
  }

  /** Rereads the PKI (a rotation) and hands it on to CAPF; the trust lists are rebuilt from it. */
  private reloadPki(): void {
    try {
      this.pki = this.ctx.loadPki();
      this.ctx.onPki?.(this.pki);
    } catch (e) {
      this.ctx.log?.(`build: the PKI changed but cannot be read (${(e as Error).message}); still serving with the previous one`);
    }
    this.trustLists.clear();
  }

  stats(): BuiltFilesStats {
    let files = 0;
    for (const e of this.devices.values()) files += e.files.size;
    return { devices: this.devices.size, files, bytes: this.bytes, builds: this.builds, warming: this.warming };
  }

  /** Resolves once the background pass has nothing left to build (at once without one). */
  whenBuilt(): Promise<void> {
    if (!this.warming) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.source.close();
    this.finishWarm();
  }

  private trustList(hash: SigningHash): Uint8Array {
    let list = this.trustLists.get(hash);
    if (!list) {
      list = trustListFile(this.pki, hash);
      this.trustLists.set(hash, list);
      this.builds++;
    }
    return list;
  }

  private address(): ServiceAddress {
    this.at ??= this.ctx.address();
    return this.at;
  }

  private entry(name: string): DeviceEntry | undefined {
    const cached = this.devices.get(name);
    if (cached) return cached;
    const device = findDevice(this.ctx.db, name);
    if (!device) return undefined; // not kept: a scan of unknown names must not fill memory
    const entry: DeviceEntry = { device, files: new Map(), bytes: ENTRY_OVERHEAD + (device.certificate?.length ?? 0) };
    this.devices.set(name, entry);
    this.bytes += entry.bytes;
    return entry;
  }

  private file(entry: DeviceEntry, kind: DeviceFileKind): RenderResult {
    const built = entry.files.get(kind);
    if (built) return built;
    const made = renderDeviceFile(kind, entry.device, this.pki, this.address(), (hash) => this.trustList(hash));
    this.builds++;
    entry.files.set(kind, made);
    // the trust list is shared by every device: counted once, in trustLists
    const size = kind === "deviceTrustList" ? 0 : (made.body?.length ?? 0) + made.note.length;
    entry.bytes += size;
    this.bytes += size;
    this.evictOver(entry.device.name);
    return made;
  }

  private drop(name: string): void {
    const e = this.devices.get(name);
    if (!e) return;
    this.devices.delete(name);
    this.bytes -= e.bytes;
  }

  private dropAllDevices(): void {
    this.devices.clear();
    this.bytes = 0;
  }

  /** Evicts the oldest devices (never `keep`, the one being answered) until within maxBytes. */
  private evictOver(keep: string): void {
    for (const name of this.devices.keys()) {
      if (this.bytes <= this.maxBytes) return;
      if (name !== keep) this.drop(name);
    }
  }

  private scheduleWarm(): void {
    if (!this.background || this.warming || this.closed) return;
    this.warming = true;
    setImmediate(() => this.warmSlice());
  }

  /** Builds devices' files in name order for SLICE_MS, then yields to requests; waits while they arrive. */
  private warmSlice(): void {
    if (this.closed) return;
    const sinceAsked = performance.now() - this.lastAsked;
    if (sinceAsked < this.quietMs) {
      setTimeout(() => this.warmSlice(), this.quietMs - sinceAsked);
      return;
    }
    try {
      this.refresh();
      const deadline = performance.now() + SLICE_MS;
      while (performance.now() < deadline) {
        if (this.bytes >= this.maxBytes) return this.finishWarm(); // keep what is built; misses build on demand
        const names = this.nextNames.all(this.cursor, SCAN_BATCH);
        if (names.length === 0) return this.finishWarm();
        for (const { name } of names) {
          this.cursor = name;
          const entry = this.entry(name);
          if (entry) for (const kind of DEVICE_FILE_KINDS) this.file(entry, kind);
          if (performance.now() >= deadline) break;
        }
      }
    } catch (e) {
      // The database is away (a PostgreSQL node lost it): keep serving what is built, try again later.
      this.ctx.log?.(`build: background pass paused (${(e as Error).message}); retrying in ${WARM_RETRY_MS} ms`);
      setTimeout(() => this.warmSlice(), WARM_RETRY_MS).unref();
      return;
    }
    setImmediate(() => this.warmSlice());
  }

  private finishWarm(): void {
    this.warming = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }
}
