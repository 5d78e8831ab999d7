// Comparing versions on the same images (pure TypeScript: the API and the browser use it too).
export { mcnemarExact } from "./mcnemar.ts";
export * from "./compare.ts";
