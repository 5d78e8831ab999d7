export * from "./queues.ts";
export * from "./training.ts";
