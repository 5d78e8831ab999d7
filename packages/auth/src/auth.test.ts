import { scryptSync } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { createAuth, SIGN_IN_ACCOUNT_LIMIT, SIGN_IN_LIMIT, SIGN_UP_LIMIT, type Auth } from "./auth.ts";
import { createUserWithRole } from "./users.ts";

const BASE_URL = "http://localhost:3999";
const SECRET = "test-secret-".padEnd(40, "x");

/** A request to the auth HTTP handler as a browser on BASE_URL would send it. */
function post(path: string, body: unknown, ip = "198.51.100.1"): Request {
  return new Request(`${BASE_URL}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE_URL, "x-forwarded-for": ip },
    body: JSON.stringify(body),
  });
}

describe("auth (real PostgreSQL)", () => {
  let t: TestDatabase;
  let auth: Auth;

  beforeAll(async () => {
    t = await createTestDatabase("mien_test_auth");
    auth = createAuth({ db: t.db, secret: SECRET, baseURL: BASE_URL, production: false });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("creates a user with a role that can sign in, without leaving a session behind", async () => {
    const made = await createUserWithRole({ email: " Curator@Example.com ", password: "first-password", role: "curator" }, { auth, db: t.db });
    expect(made).toMatchObject({ email: "curator@example.com", role: "curator", created: true });
    const row = await t.db.user.findUniqueOrThrow({ where: { email: "curator@example.com" } });
    expect(row.role).toBe("curator");
    expect(row.name).toBe("curator");
    expect(await t.db.session.count({ where: { userId: row.id } })).toBe(0);
    const signedIn = await auth.api.signInEmail({ body: { email: "curator@example.com", password: "first-password" } });
    expect(signedIn.user.role).toBe("curator");
  });

  it("is idempotent on email: updates the role and the password, and audits the role change", async () => {
    const again = await createUserWithRole({ email: "curator@example.com", password: "second-password", role: "admin", name: "Cora" }, { auth, db: t.db });
    expect(again).toMatchObject({ role: "admin", created: false });
    const row = await t.db.user.findUniqueOrThrow({ where: { email: "curator@example.com" } });
    expect(row).toMatchObject({ role: "admin", name: "Cora" });
    await expect(auth.api.signInEmail({ body: { email: "curator@example.com", password: "first-password" } })).rejects.toThrow(/invalid email or password/i);
    await expect(auth.api.signInEmail({ body: { email: "curator@example.com", password: "second-password" } })).resolves.toMatchObject({
      user: { role: "admin" },
    });
    const audit = await t.db.auditLog.findMany({ where: { entityId: row.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["user.create", "user.set_role"]);
    expect(audit[1]).toMatchObject({ before: { role: "curator" }, after: { role: "admin" }, actorId: null });
  });

  it("stores passwords as salted scrypt hashes (N=16384, r=16, p=1, 64-byte key), never the password itself", async () => {
    const password = "correct horse battery staple";
    const stored = async (email: string) => {
      const user = await t.db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
      const account = await t.db.account.findFirstOrThrow({ where: { userId: user.id, providerId: "credential" } });
      return account.password!;
    };
    await createUserWithRole({ email: "kdf-one@example.com", password, role: "user" }, { auth, db: t.db });
    const res = await auth.handler(post("/sign-up/email", { email: "kdf-two@example.com", password, name: "K" }, "198.51.100.9"));
    expect(res.status).toBe(200);

    const one = await stored("kdf-one@example.com");
    const two = await stored("kdf-two@example.com");
    for (const hash of [one, two]) {
      // Better Auth's format: hex salt (16 bytes) ":" hex scrypt key (64 bytes).
      expect(hash).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/);
      expect(hash).not.toContain(password);
      // Recomputing the key with scrypt and these parameters gives the stored key, so it is scrypt and not merely shaped like it.
      const [salt, key] = hash.split(":") as [string, string];
      const N = 16384;
      const r = 16;
      expect(scryptSync(password.normalize("NFKC"), salt, 64, { N, r, p: 1, maxmem: 256 * N * r }).toString("hex")).toBe(key);
    }
    // A fresh salt per account: the same password never stores the same value twice.
    expect(one.split(":")[0]).not.toBe(two.split(":")[0]);
    expect(one).not.toBe(two);
  });

  it("refuses to create a user without a password, or with a too-short one", async () => {
    await expect(createUserWithRole({ email: "nopass@example.com", role: "user" }, { auth, db: t.db })).rejects.toThrow(/give a password/);
    await expect(createUserWithRole({ email: "short@example.com", password: "short", role: "user" }, { auth, db: t.db })).rejects.toThrow(
      /8 to 128 characters/,
    );
  });

  it("never lets sign-up choose a role", async () => {
    const res = await auth.handler(post("/sign-up/email", { email: "sneaky@example.com", password: "sneaky-password", name: "S", role: "admin" }));
    // Better Auth drops fields declared `input: false`: the account is created, as a plain user.
    expect(res.status).toBe(200);
    expect((await t.db.user.findUniqueOrThrow({ where: { email: "sneaky@example.com" } })).role).toBe("user");
    const plain = await auth.handler(post("/sign-up/email", { email: "plain@example.com", password: "plain-password", name: "P" }));
    expect(plain.status).toBe(200);
    expect((await t.db.user.findUniqueOrThrow({ where: { email: "plain@example.com" } })).role).toBe("user");
  });

  it("sets an HttpOnly, SameSite=Lax session cookie, Secure with the __Secure- prefix in production", async () => {
    await createUserWithRole({ email: "cookie@example.com", password: "cookie-password", role: "user" }, { auth, db: t.db });
    const dev = await auth.handler(post("/sign-in/email", { email: "cookie@example.com", password: "cookie-password" }, "198.51.100.2"));
    expect(dev.status).toBe(200);
    const devCookie = dev.headers.getSetCookie().find((c) => c.includes("session_token="))!;
    expect(devCookie).toMatch(/HttpOnly/i);
    expect(devCookie).toMatch(/SameSite=Lax/i);
    expect(devCookie).not.toMatch(/Secure/i);

    const prod = createAuth({ db: t.db, secret: SECRET, baseURL: BASE_URL, production: true });
    const res = await prod.handler(post("/sign-in/email", { email: "cookie@example.com", password: "cookie-password" }, "198.51.100.3"));
    const cookie = res.headers.getSetCookie().find((c) => c.includes("session_token="))!;
    expect(cookie).toMatch(/^__Secure-/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it("rate-limits sign-in per client IP", async () => {
    const attempt = (ip: string) => auth.handler(post("/sign-in/email", { email: "cookie@example.com", password: "wrong-password" }, ip));
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_LIMIT.max + 1; i++) statuses.push((await attempt("203.0.113.7")).status);
    expect(statuses.slice(0, SIGN_IN_LIMIT.max).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Another address is unaffected.
    expect((await attempt("203.0.113.8")).status).toBe(401);
  });

  it("rate-limits sign-up per client IP: 3 new accounts in 10 s by default, or as configured", async () => {
    const signUp = (instance: Auth, email: string, ip: string) =>
      instance.handler(post("/sign-up/email", { email, password: "new-account-password", name: "N" }, ip));
    const statuses: number[] = [];
    for (let i = 0; i <= SIGN_UP_LIMIT.max; i++) statuses.push((await signUp(auth, `default-${i}@example.com`, "203.0.113.20")).status);
    expect(statuses).toEqual([...Array<number>(SIGN_UP_LIMIT.max).fill(200), 429]);
    expect(await t.db.user.count({ where: { email: { startsWith: "default-" } } })).toBe(SIGN_UP_LIMIT.max);

    // A class behind one address: the operator raises the limit (MIEN_SIGN_UP_LIMIT).
    const classroom = createAuth({ db: t.db, secret: SECRET, baseURL: BASE_URL, production: false, signUpLimit: { max: 5, window: 60 } });
    const raised: number[] = [];
    for (let i = 0; i <= 5; i++) raised.push((await signUp(classroom, `class-${i}@example.com`, "203.0.113.21")).status);
    expect(raised).toEqual([200, 200, 200, 200, 200, 429]);
    // Another address is unaffected.
    expect((await signUp(classroom, "elsewhere@example.com", "203.0.113.22")).status).toBe(200);
  });

  it("counts sign-in attempts in PostgreSQL, so a second web process shares the limit", async () => {
    const other = createAuth({ db: t.db, secret: SECRET, baseURL: BASE_URL, production: false });
    // An account of its own: the per-account limit is shared too, and earlier tests used cookie@.
    const attempt = (instance: Auth) => instance.handler(post("/sign-in/email", { email: "shared@example.com", password: "wrong-password" }, "203.0.113.9"));
    const statuses: number[] = [];
    // Alternate between the two processes: together they get the limit once, not twice.
    for (let i = 0; i < SIGN_IN_LIMIT.max + 1; i++) statuses.push((await attempt(i % 2 ? other : auth)).status);
    expect(statuses.slice(0, SIGN_IN_LIMIT.max).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(await t.db.rateLimit.count({ where: { key: { contains: "203.0.113.9" } } })).toBe(1);
  });

  it("also limits sign-in per account, so a forged X-Forwarded-For does not help", async () => {
    await createUserWithRole({ email: "target@example.com", password: "target-password", role: "user" }, { auth, db: t.db });
    const attempt = (i: number) => auth.handler(post("/sign-in/email", { email: "Target@example.com", password: "wrong-password" }, `192.0.2.${i}`));
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_ACCOUNT_LIMIT.max + 1; i++) statuses.push((await attempt(i)).status);
    expect(statuses.slice(0, SIGN_IN_ACCOUNT_LIMIT.max).every((s) => s === 401)).toBe(true);
    const last = await attempt(99);
    expect(last.status).toBe(429);
    expect(await last.json()).toMatchObject({ message: expect.stringMatching(/Too many sign-in attempts for this account/) });
  });
});
