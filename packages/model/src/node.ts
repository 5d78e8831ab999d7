// Node-only entry (fs, native-backend probing); never import this from browser code.
export * from "./backend.node.ts";
export * from "./model-files.node.ts";
export * from "./embedding-cache.node.ts";
