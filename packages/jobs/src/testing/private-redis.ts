// Test-only (exported as @mien/jobs/testing): a redis-server of the test's own, on a free port and
// a temporary --dir, that the test can restart. Not for production code.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The persistence the project runs Redis with: `ensure_redis` in scripts/lib.sh and the redis
 * service in docker-compose.yml. Keep the three in step.
 */
export const PROJECT_REDIS_PERSISTENCE = ["--appendonly", "yes", "--appendfsync", "everysec"] as const;

/** No persistence at all: what a restart does to a Redis that nobody configured (the control case). */
export const NO_REDIS_PERSISTENCE = ["--appendonly", "no"] as const;

export interface PrivateRedisOptions {
  /** redis-server flags for persistence; the project's by default. */
  persistence?: readonly string[];
}

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** The --dir holding the append-only file. */
  readonly dir: string;
  /**
   * Stops Redis the way an operator or an orchestrator does (both flush the append-only file
   * first), keeps it down for `downMs`, then starts it again on the same port and dir.
   */
  restart(options?: { how?: "shutdown" | "sigterm"; downMs?: number }): Promise<void>;
  /** How many times this Redis has been started (1 before any restart). */
  readonly starts: number;
  /** redis-server's own output, for failure messages. */
  output(): string;
  /** Stops Redis and removes its dir. Safe to call twice. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("Could not find a free port for redis-server."))));
    });
  });
}

/** Sends one inline command and returns the first reply line (e.g. "+PONG", "-LOADING …"). */
function command(port: number, line: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis-server on port ${port} did not answer "${line}" within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => socket.write(`${line}\r\n`));
    socket.on("data", (d: Buffer) => {
      reply += d.toString();
      if (reply.includes("\r\n")) {
        clearTimeout(timer);
        socket.end();
        resolve(reply.split("\r\n")[0]!);
      }
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // SHUTDOWN closes the connection without a reply.
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(reply.split("\r\n")[0] ?? "");
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a private redis-server with the project's persistence flags (or `options.persistence`). */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "mien-redis-"));
  // RDB snapshots off (`--save ""`): redis-server's default writes one on SHUTDOWN, which would hide a
  // missing append-only file. What survives a restart here survives thanks to the AOF alone.
  const flags = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", ...(options.persistence ?? PROJECT_REDIS_PERSISTENCE)];
  let child: ChildProcess | null = null;
  let output = "";
  let starts = 0;
  let closed = false;

  const start = async () => {
    const proc = spawn("redis-server", flags, { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    starts += 1;
    proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const failed = new Promise<never>((_, reject) => {
      proc.once("error", (e) => reject(new Error(`Could not start redis-server (is it installed? apt-get install redis-server): ${e.message}`)));
      proc.once("exit", (code) => reject(new Error(`redis-server exited with code ${code} while starting:\n${output.slice(-2000)}`)));
    });
    failed.catch(() => undefined);
    const deadline = Date.now() + 20_000;
    // PING answers -LOADING until the append-only file is read back in.
    for (;;) {
      const reply = await Promise.race([command(port, "PING", 500).catch((e: Error) => e.message), failed]);
      if (reply === "+PONG") return;
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} is not ready (last answer: ${reply}):\n${output.slice(-2000)}`);
      await sleep(50);
    }
  };

  const stop = async (how: "shutdown" | "sigterm") => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    if (how === "shutdown") await command(port, "SHUTDOWN").catch(() => undefined);
    else proc.kill("SIGTERM");
    const timeout = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timeout);
    child = null;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get starts() {
      return starts;
    },
    output: () => output,
    async restart({ how = "shutdown", downMs = 1_000 } = {}) {
      if (closed) throw new Error("This private Redis is closed.");
      await stop(how);
      await sleep(downMs);
      await start();
    },
    async close() {
      if (closed) return;
      closed = true;
      await stop("sigterm");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
