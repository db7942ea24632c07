// A base URL on 127.0.0.1 that refuses connections, for failover tests: bind a free port, note it,
// close it.
import { createServer } from "node:net";

export async function deadBaseURL() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${probe.address().port}/v1`;
  await new Promise((resolve) => probe.close(resolve));
  return url;
}
