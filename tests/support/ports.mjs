// Ports on 127.0.0.1 for tests: bind port 0, note the port the system gave, close.
import { createServer } from "node:net";

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A base URL that refuses connections, for failover tests. */
export async function deadBaseURL() {
  return `http://127.0.0.1:${await freePort()}/v1`;
}
