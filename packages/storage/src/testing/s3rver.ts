import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";

export interface S3rverProcess {
  endpoint: string;
  stop(): Promise<void>;
}

const SERVER_SCRIPT = `
const S3rver = require(process.env.S3RVER_PATH);
const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: process.env.S3RVER_DIR, configureBuckets: [{ name: process.env.S3RVER_BUCKET }] });
server.run().then((a) => console.log("PORT " + a.port));
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
`;

/**
 * Starts a real s3rver in its own Node process on a random port.
 * Its own process because s3rver encrypts list continuation tokens with DES,
 * which Node 20's OpenSSL 3 only allows with --openssl-legacy-provider.
 */
export async function startS3rver(directory: string, bucket: string): Promise<S3rverProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--openssl-legacy-provider", "-e", SERVER_SCRIPT], {
    env: { ...process.env, S3RVER_PATH: createRequire(import.meta.url).resolve("s3rver"), S3RVER_DIR: directory, S3RVER_BUCKET: bucket },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`s3rver exited with code ${code} before listening`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
