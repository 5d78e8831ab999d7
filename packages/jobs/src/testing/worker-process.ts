// Test-only (exported as @mien/jobs/testing): the real worker processes, started as
// `pnpm start` and docker-compose start them, with their output kept for assertions.
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..", "..", "..");

/** Entry points of the workers, relative to the repository root. */
const ENTRY = {
  trainer: join("apps", "trainer", "src", "main.ts"),
  screener: join("apps", "screener", "src", "main.ts"),
} as const;

export type WorkerApp = keyof typeof ENTRY;

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything the process has written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the signal that ended the process (null when it exited by itself). */
  readonly exited: Promise<NodeJS.Signals | null>;
}

/** Starts worker processes and kills whatever is still running on `killAll` (call it in afterAll). */
export class WorkerProcesses {
  private readonly children: ChildProcess[] = [];

  /** Starts `app` with this environment on top of the test's own. */
  start(app: WorkerApp, env: Record<string, string>): WorkerProcess {
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY[app]], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((res) => child.once("exit", (_code, signal) => res(signal)));
    this.children.push(child);
    return { child, output: () => output, exited };
  }

  killAll(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }
}
