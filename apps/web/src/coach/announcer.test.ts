import { describe, expect, it } from "vitest";

import { StableAnnouncer } from "./announcer.ts";

describe("StableAnnouncer", () => {
  it("speaks a reading only after it has held, and only once", () => {
    const a = new StableAnnouncer(1500, 4000);
    expect(a.update(0, "happiness")).toBeNull();
    expect(a.update(1000, "happiness")).toBeNull();
    expect(a.update(1500, "happiness")).toBe("happiness");
    expect(a.update(9000, "happiness")).toBeNull();
  });

  it("ignores flicker and keeps a gap between announcements", () => {
    const a = new StableAnnouncer(1500, 4000);
    a.update(0, "happiness");
    expect(a.update(1500, "happiness")).toBe("happiness");
    for (let t = 1600; t < 3000; t += 100) expect(a.update(t, t % 200 ? "surprise" : "neutral")).toBeNull();
    expect(a.update(3000, "surprise")).toBeNull();
    expect(a.update(4600, "surprise")).toBeNull();
    expect(a.update(5500, "surprise")).toBe("surprise");
  });

  it("forgets a candidate when the text goes away", () => {
    const a = new StableAnnouncer(1000, 0);
    a.update(0, "no face");
    a.update(900, null);
    expect(a.update(1000, "no face")).toBeNull();
    expect(a.update(2000, "no face")).toBe("no face");
  });
});
