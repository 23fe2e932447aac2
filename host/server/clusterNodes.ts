// The nodes of a cluster on one PostgreSQL database: each `server start` on a --database folder
// registers itself in the node table (its name, the address phones reach it at, its CAPF port)
// and beats every HEARTBEAT_MS; a node not heard of for STALE_MS is dropped by whichever node
// notices. Inserting or dropping a node (or moving it) writes an 'address' change (schema
// migration 7), so every node rebuilds its partial configs: own CAPF first, then the others'.
import type { Db } from "./database.js";

export const HEARTBEAT_MS = 5000;
export const STALE_MS = 30_000;

export interface ClusterNode {
  name: string;
  host: string;
  capfPort: number;
}

export function registerNode(db: Db, n: ClusterNode, now = new Date()): void {
  db.prepare(
    `INSERT INTO node (name, host, capfport, heartbeat) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET host = excluded.host, capfport = excluded.capfport, heartbeat = excluded.heartbeat`,
  ).run(n.name, n.host, n.capfPort, now.toISOString());
}

/** Beats for `name` and drops the nodes that stopped beating. */
export function heartbeat(db: Db, name: string, now = new Date()): void {
  db.transaction(() => {
    db.prepare("UPDATE node SET heartbeat = ? WHERE name = ?").run(now.toISOString(), name);
    db.prepare("DELETE FROM node WHERE heartbeat < ?").run(new Date(now.getTime() - STALE_MS).toISOString());
  })();
}

export function unregisterNode(db: Db, name: string): void {
  db.prepare("DELETE FROM node WHERE name = ?").run(name);
}

/** The live nodes other than `self`, by name (each node lists the others in the same order). */
export function otherNodes(db: Db, self: string, now = new Date()): ClusterNode[] {
  return db
    .prepare<{ name: string; host: string; capfport: number }>("SELECT name, host, capfport FROM node WHERE name <> ? AND heartbeat >= ? ORDER BY name")
    .all(self, new Date(now.getTime() - STALE_MS).toISOString())
    .map((r) => ({ name: r.name, host: r.host, capfPort: r.capfport }));
}
