// Signed-in administrators: a random session id (the cookie) → who and until when, and the
// session's CSRF token, which every form carries. In memory only: restarting the server signs
// everyone out. Bounded: past `maxSessions` the oldest session ends.
import { randomBytes, timingSafeEqual } from "node:crypto";

export interface AdminSession {
  id: string;
  user: string;
  csrf: string;
  expires: number;
}

export interface SessionStore {
  create(user: string): AdminSession;
  /** the live session of a cookie value, its expiry pushed forward (idle timeout) */
  find(id: string | undefined): AdminSession | undefined;
  end(id: string): void;
  readonly idleMs: number;
}

export function sessionStore(o: { idleMs?: number; maxSessions?: number; now?: () => number } = {}): SessionStore {
  const idleMs = o.idleMs ?? 30 * 60_000;
  const maxSessions = o.maxSessions ?? 1000;
  const now = o.now ?? Date.now;
  const sessions = new Map<string, AdminSession>();
  return {
    idleMs,
    create(user) {
      if (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value!);
      const session = { id: token(), user, csrf: token(), expires: now() + idleMs };
      sessions.set(session.id, session);
      return session;
    },
    find(id) {
      if (!id) return undefined;
      const session = sessions.get(id);
      if (!session) return undefined;
      if (session.expires <= now()) {
        sessions.delete(id);
        return undefined;
      }
      session.expires = now() + idleMs;
      return session;
    },
    end(id) {
      sessions.delete(id);
    },
  };
}

/** 32 random bytes, base64url. */
export function token(): string {
  return randomBytes(32).toString("base64url");
}

/** Constant-time comparison of a posted token with the expected one. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
