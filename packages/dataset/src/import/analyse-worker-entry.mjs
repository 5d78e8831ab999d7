// Entry of an image-analysis worker thread (see analyse-pool.ts); registers tsx first, as loader
// flags of the parent do not reach worker threads on Node 20.
import { register } from "tsx/esm/api";

register();
const { default: analyse } = await import("./analyse-worker.ts");
export default analyse;
