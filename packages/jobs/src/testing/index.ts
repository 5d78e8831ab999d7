export * from "./private-redis.ts";
export * from "./worker-process.ts";
