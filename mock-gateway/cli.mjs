#!/usr/bin/env node
// Starts the mock gateway and prints `MOCK_GATEWAY_URL=<url>` once listening.
// Usage: node mock-gateway/cli.mjs [--port N] [--host H] [--api-key K] [--pacing-ms N]

import { parseArgs } from "node:util";
import { startMockGateway } from "./gateway.mjs";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    "api-key": { type: "string" },
    "pacing-ms": { type: "string", default: "0" },
  },
});

function toInt(text, name) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got ${text}`);
  return value;
}

try {
  const gateway = await startMockGateway({
    host: values.host,
    port: toInt(values.port ?? process.env.MOCK_GATEWAY_PORT ?? "0", "port"),
    apiKey: values["api-key"] ?? null,
    pacingMs: toInt(values["pacing-ms"], "pacing-ms"),
  });
  process.stdout.write(`MOCK_GATEWAY_URL=${gateway.url}\n`);

  const shutdown = async () => {
    await gateway.close();
    process.exit(0);
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
} catch (error) {
  process.stderr.write(`mock-gateway: ${error.message}\n`);
  process.exit(1);
}
