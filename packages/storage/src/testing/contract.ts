import { expect, it } from "vitest";

import { isNotFound, type Storage } from "../storage.ts";

/** Behaviour every driver must share; each driver's test file runs it against a real backend. */
export function storageContract(make: () => Storage): void {
  it("puts, gets, checks and deletes an object", async () => {
    const s = make();
    const body = Buffer.from([0, 1, 2, 255, 254]);
    await s.put("originals/ab/abc.jpg", body, "image/jpeg");
    expect(await s.exists("originals/ab/abc.jpg")).toBe(true);
    expect(Buffer.compare(await s.get("originals/ab/abc.jpg"), body)).toBe(0);
    await s.delete("originals/ab/abc.jpg");
    expect(await s.exists("originals/ab/abc.jpg")).toBe(false);
    await s.delete("originals/ab/abc.jpg"); // deleting twice is fine
  });

  it("replaces an object on a second put", async () => {
    const s = make();
    await s.put("replace/me.txt", Buffer.from("one"));
    await s.put("replace/me.txt", Buffer.from("two"));
    expect((await s.get("replace/me.txt")).toString()).toBe("two");
  });

  it("throws a not-found error naming the key", async () => {
    const s = make();
    const err = await s.get("missing/nothing.bin").catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
    expect((err as Error).message).toBe("not found: missing/nothing.bin");
    expect(await s.exists("missing/nothing.bin")).toBe(false);
  });

  it("lists keys by prefix, including a prefix that ends mid-name", async () => {
    const s = make();
    for (const k of ["list/a/1.txt", "list/a/2.txt", "list/ab/3.txt", "list/b/4.txt", "other/5.txt"]) {
      await s.put(k, Buffer.from(k));
    }
    const collect = async (prefix: string) => {
      const keys: string[] = [];
      for await (const k of s.list(prefix)) keys.push(k);
      return keys.sort();
    };
    expect(await collect("list/a/")).toEqual(["list/a/1.txt", "list/a/2.txt"]);
    expect(await collect("list/a")).toEqual(["list/a/1.txt", "list/a/2.txt", "list/ab/3.txt"]);
    expect(await collect("list/")).toHaveLength(4);
    expect(await collect("nothing-here/")).toEqual([]);
    expect(await collect("")).toEqual(expect.arrayContaining(["other/5.txt", "list/b/4.txt"]));
  });

  it("refuses keys that could escape the root", async () => {
    const s = make();
    for (const bad of ["../x", "a/../../x", "/etc/passwd", "a\\b", "a\0b", "", "a//b", "./a", "C:/x"]) {
      await expect(s.put(bad, Buffer.from("x")), bad).rejects.toThrow(/Invalid storage key/);
      await expect(s.get(bad), bad).rejects.toThrow(/Invalid storage key/);
    }
    await expect(async () => {
      for await (const _ of s.list("../")) void _;
    }).rejects.toThrow(/Invalid storage prefix/);
  });
}
