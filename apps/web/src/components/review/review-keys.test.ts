import { describe, expect, it } from "vitest";

import { keyAction, keyActions, keyHelp, resolutionText, reviewKeyTable, shortcutOf } from "./review-keys.ts";

const classes = ["anger", "happiness", "sadness"];

describe("the review key table", () => {
  it("gives each key one meaning", () => {
    const keys = reviewKeyTable(classes).flatMap((row) => Object.keys(row.actions));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("reads keys as commands, relabels and flags, and ignores the rest", () => {
    expect(keyAction("j", classes)).toEqual({ kind: "command", command: "next" });
    expect(keyAction("ArrowUp", classes)).toEqual({ kind: "command", command: "up" });
    expect(keyAction("Enter", classes)).toEqual({ kind: "command", command: "accept" });
    expect(keyAction("2", classes)).toEqual({ kind: "relabel", label: "happiness" });
    expect(keyAction("4", classes)).toBeNull();
    expect(keyAction("t", classes)).toEqual({ kind: "flag", reason: "text_overlay" });
    expect(keyAction("q", classes)).toBeNull();
    expect(keyAction("toString", classes)).toBeNull();
  });

  it("builds the lookup the grid keeps per class list from the same table", () => {
    const actions = keyActions(classes);
    const rows = reviewKeyTable(classes).flatMap((row) => Object.entries(row.actions));
    expect([...actions.entries()]).toEqual(rows);
    expect(actions.get("2")).toEqual({ kind: "relabel", label: "happiness" });
    expect(actions.get("toString")).toBeUndefined();
  });

  it("lists in the help every key it answers to but Home and End, in the table's order", () => {
    const help = keyHelp(classes);
    expect(help.map((h) => h.keys)).toEqual([
      "← → ↑ ↓",
      "n or j / p or k",
      "Enter or a",
      "1",
      "2",
      "3",
      "s",
      "u",
      "t",
      "f",
      "d",
      "z",
      "x",
      "b",
      "h",
      "?",
      "Esc",
    ]);
    expect(help[4]).toEqual({ keys: "2", does: "Relabel as happiness" });
  });

  it("names the one-character key a decision button shows, and none where only a named key or no key runs it", () => {
    expect(shortcutOf({ kind: "command", command: "accept" }, classes)).toBe("a");
    expect(shortcutOf({ kind: "relabel", label: "sadness" }, classes)).toBe("3");
    expect(shortcutOf({ kind: "flag", reason: "no_face" }, classes)).toBe("f");
    expect(shortcutOf({ kind: "command", command: "bulk" }, classes)).toBe("b");
    expect(shortcutOf({ kind: "command", command: "last" }, classes)).toBeNull();
    expect(shortcutOf({ kind: "flag", reason: "mislabelled" }, classes)).toBeNull();
    const many = ["anger", "contempt", "disgust", "fear", "happiness", "neutral", "sadness", "surprise", "tenth"];
    expect(shortcutOf({ kind: "relabel", label: "tenth" }, [...many, "eleventh"])).toBe("9");
    expect(shortcutOf({ kind: "relabel", label: "eleventh" }, [...many, "eleventh"])).toBeNull();
  });
});

describe("resolutionText", () => {
  it("words a ruling as the Resolved tab does, with its note", () => {
    expect(resolutionText(null)).toBe("no ruling");
    expect(resolutionText({ outcome: "accept", label: null, note: null })).toBe("kept");
    expect(resolutionText({ outcome: "relabel", label: "fear", note: "Wide eyes" })).toBe("relabelled fear (“Wide eyes”)");
    expect(resolutionText({ outcome: "remove", label: null, note: null })).toBe("removed");
  });
});
