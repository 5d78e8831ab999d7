// Entry of an embedding worker thread (see embed-workers.node.ts); registers tsx first, as
// loader flags of the parent do not reach worker threads on Node 20.
import { register } from "tsx/esm/api";

register();
await import("./embed-worker.node.ts");
