export * from "./classes.ts";
