// Entry of the training worker thread. Mien's packages ship as TypeScript, and loader flags of
// the parent (tsx, vitest) do not reach worker threads on Node 20, so register tsx here first.
import { register } from "tsx/esm/api";

register();
await import("./gradient-worker.node.ts");
