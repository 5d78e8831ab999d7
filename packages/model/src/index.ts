export * from "./classes";
