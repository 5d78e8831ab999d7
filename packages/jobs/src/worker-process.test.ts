import { describe, expect, it } from "vitest";

import { maskRedisUrl } from "./worker-process.ts";

describe("maskRedisUrl", () => {
  it("hides the user and password of a Redis URL and leaves the rest", () => {
    expect(maskRedisUrl("redis://default:s3cret@redis.internal:6379/2")).toBe("redis://***@redis.internal:6379/2");
    expect(maskRedisUrl("rediss://:s3cret@host:6380")).toBe("rediss://***@host:6380");
    expect(maskRedisUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });
});
