export * from "./queues.ts";
export * from "./training.ts";
export * from "./screening.ts";
