export * from "./queues.ts";
export * from "./training.ts";
export * from "./screening.ts";
export * from "./connection-log.ts";
export * from "./evaluation.ts";
export * from "./worker-process.ts";
