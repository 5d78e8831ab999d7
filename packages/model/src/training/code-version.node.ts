import { execFileSync } from "node:child_process";

/** The code version recorded in manifests: MIEN_CODE_VERSION, else the git commit, else "unknown". */
export function codeVersion(cwd = process.cwd()): string {
  if (process.env.MIEN_CODE_VERSION) return process.env.MIEN_CODE_VERSION;
  try {
    const commit = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return "unknown";
  }
}
