// A throwaway PostgreSQL cluster for the tests: initdb in a fresh temp folder, postgres on
// 127.0.0.1 at a free port (its socket in that folder too), trust authentication for the
// local superuser, stopped with `pg_ctl stop -m immediate` by stop() and, should a test file
// die first, on process exit. The binaries come from Debian's postgresql (/usr/lib/postgresql/N/bin)
// or PATH. As root (CI), initdb refuses to run, so the cluster is run as the `postgres` user
// and the folder is handed to it. When no PostgreSQL is installed, findPostgres() says why and
// the suites skip.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PgCluster {
  /** postgres://USER@127.0.0.1:PORT/DB of a database made for this cluster */
  url: string;
  port: number;
  /** a new empty database; returns its URL */
  createDatabase(name: string): string;
  /** the cluster down (immediate, as a crash would) and up again on the same port and data */
  stopServer(): void;
  startServer(): void;
  /** stops the cluster and removes its folder */
  stop(): void;
}

/** The folder holding initdb, pg_ctl and psql, or a sentence saying why there is none. */
export function findPostgres(): { bin: string } | { missing: string } {
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return { bin: join(debian, versions[0], "bin") };
  }
  const onPath = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return { bin: onPath.replace(/\/initdb$/, "") };
  return { missing: "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH): apt-get install postgresql" };
}

/** The reason the PostgreSQL suites are skipped here, or false when they can run. */
export function postgresSkipReason(): string | false {
  const found = findPostgres();
  if ("missing" in found) return found.missing;
  if (process.getuid?.() === 0 && spawnSync("id", ["-u", "postgres"]).status !== 0)
    return "running as root and there is no postgres user to run the cluster as";
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PgClusterOptions {
  /** serve TLS (`ssl = on`) with this server certificate and key (PEM); plain connections stay allowed */
  tls?: { certificatePem: string; keyPem: string };
}

export async function startPgCluster(o: PgClusterOptions = {}): Promise<PgCluster> {
  const found = findPostgres();
  if ("missing" in found) throw new Error(found.missing);
  const asRoot = process.getuid?.() === 0;
  const folder = mkdtempSync(join(tmpdir(), "cnfguard-pg-"));
  const data = join(folder, "data");
  const user = asRoot ? "postgres" : (process.env.USER ?? "postgres");
  // as root, the cluster's files belong to postgres (tmpdir is world-traversable; the folder is made its own)
  const run = (tool: string, args: string[], opts: { timeout?: number } = {}) => {
    const cmd = join(found.bin, tool);
    const argv = asRoot ? ["runuser", "-u", "postgres", "--", cmd, ...args] : [cmd, ...args];
    return execFileSync(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], timeout: opts.timeout ?? 60_000, cwd: folder, encoding: "utf8" });
  };
  const owner = asRoot
    ? {
        uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()),
        gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()),
      }
    : undefined;
  if (owner) chownSync(folder, owner.uid, owner.gid);
  chmodSync(folder, 0o700);
  run("initdb", ["-D", data, "-U", user, "--auth=trust", "--locale=C", "--encoding=UTF8", "--no-sync"]);
  const port = await freePort();
  let options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${folder} -c fsync=off -c max_connections=200 -c shared_buffers=32MB`;
  if (o.tls) {
    // postgres refuses a key file others can read; as root it must be the postgres user's own
    const certFile = join(folder, "server.crt");
    const keyFile = join(folder, "server.key");
    writeFileSync(certFile, o.tls.certificatePem, { mode: 0o600 });
    writeFileSync(keyFile, o.tls.keyPem, { mode: 0o600 });
    if (owner) for (const f of [certFile, keyFile]) chownSync(f, owner.uid, owner.gid);
    options += ` -c ssl=on -c ssl_cert_file=${certFile} -c ssl_key_file=${keyFile}`;
  }
  const startServer = () => void run("pg_ctl", ["-D", data, "-l", join(folder, "log"), "-w", "-t", "30", "-o", options, "start"]);
  const stopServer = () => void run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"]);
  startServer();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", stop);
    try {
      stopServer();
    } catch {
      // already down
    }
    rmSync(folder, { recursive: true, force: true });
  };
  process.on("exit", stop);
  const base = `postgres://${user}@127.0.0.1:${port}`;
  const createDatabase = (name: string) => {
    run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", user, name]);
    return `${base}/${name}`;
  };
  return {
    url: createDatabase("cnfguard"),
    port,
    createDatabase,
    stopServer,
    startServer,
    stop,
  };
}
