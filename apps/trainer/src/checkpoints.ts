import type { Db } from "@mien/db";
import { isNotFound, type Storage } from "@mien/storage";

/** Where a job's last epoch checkpoint lives; storage writes are atomic, so it is never half-written. */
export const checkpointKey = (trainingJobId: string) => `training/${trainingJobId}/checkpoint.bin`;

export function jobCheckpoints(db: Db, storage: Storage, trainingJobId: string) {
  const key = checkpointKey(trainingJobId);
  return {
    async load(): Promise<Uint8Array | null> {
      try {
        return new Uint8Array(await storage.get(key));
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async save(bytes: Uint8Array, epoch: number): Promise<void> {
      await storage.put(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      await db.trainingJob.update({ where: { id: trainingJobId }, data: { checkpointEpoch: epoch } });
    },
    async remove(): Promise<void> {
      await storage.delete(key);
    },
  };
}
