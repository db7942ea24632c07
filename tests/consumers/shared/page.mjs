// The browser apps' side of the test: where the mock gateway comes from and where the result goes.

/**
 * Runs `run(baseURL)` with the mock gateway's base URL (its address arrives in the query string) and
 * publishes what it resolves to, or its error, as `window.result` (what the test waits for) and in #out.
 */
export function runInPage(run) {
  const gateway = new URLSearchParams(location.search).get("gateway");
  return run(`${gateway}/v1`).then(
    (result) => (window.result = result),
    (e) => (window.result = { error: `${e.name}: ${e.message}` }),
  ).then((r) => (document.getElementById("out").textContent = JSON.stringify(r)));
}
