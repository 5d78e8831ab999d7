import type { EventEmitter } from "node:events";

/** What a BullMQ Worker (or Queue) exposes of its Redis connection. */
interface WithRedisConnection {
  closing: Promise<void> | undefined;
  getBackend(): { connection: EventEmitter };
}

/**
 * Logs when a worker loses Redis and when it has it back. ioredis reconnects on its own (forever:
 * `maxRetriesPerRequest: null`) and BullMQ hides connection errors, so without this a Redis restart
 * leaves no trace in a worker's log.
 */
export function logRedisConnection(worker: WithRedisConnection, log: (line: string) => void, who: string): void {
  const connection = worker.getBackend().connection;
  let lost = false;
  connection.on("close", () => {
    if (lost || worker.closing) return;
    lost = true;
    log(`${who}: lost the Redis connection; reconnecting`);
  });
  connection.on("ready", () => {
    if (!lost) return;
    lost = false;
    log(`${who}: reconnected to Redis`);
  });
}
