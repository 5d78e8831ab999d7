import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { lookUpActiveModel } from "./active-model.ts";

/** A real HTTP server whose answer each test sets, standing in for the registry route's states. */
let server: Server;
let base = "";
let answer: { status: number; type: string; body: string } = { status: 404, type: "application/json", body: "{}" };

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { "content-type": answer.type, "cache-control": "no-store" });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const hash = "a".repeat(64);

describe("lookUpActiveModel", () => {
  it("reads the promoted version", async () => {
    answer = {
      status: 200,
      type: "application/json",
      body: JSON.stringify({ version: 3, contentHash: hash, name: "fer7-mlp", baseUrl: `/api/models/${hash}/` }),
    };
    expect(await lookUpActiveModel(fetch, `${base}/api/models/active`)).toEqual({
      kind: "active",
      model: { version: 3, contentHash: hash, name: "fer7-mlp", baseUrl: `/api/models/${hash}/` },
    });
  });

  it("passes on the registry's reason when none is active", async () => {
    answer = { status: 404, type: "application/json", body: JSON.stringify({ error: "No model has been promoted yet." }) };
    expect(await lookUpActiveModel(fetch, `${base}/api/models/active`)).toEqual({ kind: "none", reason: "No model has been promoted yet." });
  });

  it("falls back when the route does not exist (an HTML 404 page)", async () => {
    answer = { status: 404, type: "text/html", body: "<!doctype html><title>404</title>" };
    expect(await lookUpActiveModel(fetch, `${base}/api/models/active`)).toEqual({ kind: "none", reason: "No model version is active yet." });
  });

  it("falls back on server errors and on answers that are not a model version", async () => {
    answer = { status: 500, type: "text/plain", body: "boom" };
    expect(await lookUpActiveModel(fetch, `${base}/x`)).toMatchObject({ kind: "none", reason: expect.stringMatching(/HTTP 500/) });
    answer = { status: 200, type: "application/json", body: JSON.stringify({ version: 1, contentHash: "not-a-hash", name: "x", baseUrl: "/m/" }) };
    expect(await lookUpActiveModel(fetch, `${base}/x`)).toMatchObject({ kind: "none", reason: expect.stringMatching(/not a model version/) });
    answer = {
      status: 200,
      type: "application/json",
      body: JSON.stringify({ version: 1, contentHash: hash, name: "x", baseUrl: "https://cdn.example.com/m/" }),
    };
    expect(await lookUpActiveModel(fetch, `${base}/x`)).toMatchObject({ kind: "none" });
  });

  it("says so when the server cannot be reached, so the coach keeps its last good version", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await lookUpActiveModel(fetch, `http://127.0.0.1:${port}/api/models/active`)).toMatchObject({
      kind: "unreachable",
      reason: expect.stringMatching(/could not be reached/),
    });
  });
});
