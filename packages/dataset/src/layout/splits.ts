import type { SplitName } from "../types.ts";

// Folder names data sets use for their splits, folded to lower-case letters only
// ("Public Test", "public_test" → "publictest"). FER2013's PublicTest is its validation set.
const SPLIT_FOLDERS: Record<string, SplitName> = {
  train: "train",
  training: "train",
  val: "val",
  valid: "val",
  validation: "val",
  dev: "val",
  publictest: "val",
  test: "test",
  testing: "test",
  privatetest: "test",
};

export function splitFromFolder(name: string): SplitName | null {
  return SPLIT_FOLDERS[name.toLowerCase().replace(/[^a-z]/g, "")] ?? null;
}
