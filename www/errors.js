// Turns llmwire's typed errors into words a person understands, plus the technical details
// (class, status, code, request id) for whoever debugs it.

/**
 * `{ title, advice, details, stopped }` for an error thrown by llmwire (or anything else). An
 * error that ended a request's attempts says how many were made (`attempts`).
 */
export function explainError(e) {
  const name = e?.name ?? "Error";
  const status = e?.status;
  const attempts = e?.attempts;
  const retried = attempts > 1 ? ` llmwire tried ${attempts} times before giving up.` : "";
  const server = e?.error?.message ?? null;
  let title;
  let advice;
  switch (name) {
    case "APIUserAbortError":
      return { title: "Stopped.", advice: "You stopped this request; what had arrived is kept.", details: null, stopped: true };
    case "RateLimitError":
      if (e.code === "insufficient_quota" || e.type === "insufficient_quota") {
        title = "Your account is out of quota (HTTP 429).";
        advice = "The gateway says the key has no credit left. Top it up or use another key; retrying will not help.";
      } else {
        title = "The gateway is rate limiting these requests (HTTP 429).";
        advice = `Too many requests in a short time.${retried} Wait a few seconds and send again.`;
      }
      break;
    case "AuthenticationError":
      title = "The gateway did not accept the API key (HTTP 401).";
      advice = "Check the key in Settings, or the LLMWIRE_API_KEY the dev server was started with.";
      break;
    case "PermissionDeniedError":
      title = "This key may not use that (HTTP 403).";
      advice = "The gateway refused access to this model or endpoint for this key.";
      break;
    case "NotFoundError":
      title = "The gateway does not know this model or endpoint (HTTP 404).";
      advice = "Pick another model, or check the base URL.";
      break;
    case "BadRequestError":
    case "UnprocessableEntityError":
      title = `The gateway rejected the request (HTTP ${status}).`;
      advice = server ? `It said: “${server}”` : "A parameter was not accepted.";
      break;
    case "InternalServerError":
      if (status === 529) {
        title = "The gateway is overloaded right now (HTTP 529, “system busy”).";
        advice = `Its servers are under heavy traffic.${retried} Try again in a moment.`;
      } else if (status === 502 && e.body) {
        title = "A proxy in front of the gateway failed (HTTP 502).";
        advice = `It answered with an error page instead of JSON.${retried} Try again shortly.`;
      } else {
        title = `The gateway had an internal error (HTTP ${status}).`;
        advice = `The problem is on the server's side.${retried} Try again shortly.`;
      }
      break;
    case "APIConnectionTimeoutError":
      title = "The gateway took too long to answer.";
      advice = `${e.message}.${retried} Check your connection, or try a smaller request.`;
      break;
    case "APIConnectionError":
      title = "Could not reach the gateway.";
      advice = `The connection failed or dropped.${retried} Check the base URL and your network (a gateway called from the browser must allow CORS).`;
      break;
    case "StreamTruncatedError":
      title = "The reply was cut off before it finished.";
      advice = "The stream ended without a finish reason or [DONE]; what arrived is kept above.";
      break;
    case "StreamParseError":
      title = "The gateway sent a malformed event in the stream.";
      advice = "One event was not valid JSON, so the reply stopped there; what arrived is kept above.";
      break;
    case "InvalidResponseError":
      title = "The gateway answered with something unexpected.";
      advice = "The response was not the shape this endpoint promises.";
      break;
    case "InvalidArgumentError":
      title = "A setting is not valid.";
      advice = e.message;
      break;
    case "APIError":
      title = "The gateway reported an error in the middle of the reply.";
      advice = server ? `It said: “${server}”. What arrived before is kept above.` : "What arrived before is kept above.";
      break;
    default:
      title = "Something went wrong.";
      advice = String(e?.message ?? e);
  }
  const details = [
    name,
    status ? `HTTP ${status}` : null,
    e?.code ? `code ${e.code}` : null,
    e?.requestId ? `request ${e.requestId}` : null,
    e?.message ? `“${e.message}”` : null,
  ].filter(Boolean).join(" · ");
  return { title, advice, details, stopped: false };
}

/** A block showing an explained error: title, advice, and the technical details folded away. */
export function errorBlock(e) {
  const { title, advice, details, stopped } = explainError(e);
  const box = document.createElement("div");
  box.className = stopped ? "notice stopped" : "notice error";
  box.setAttribute("role", stopped ? "status" : "alert");
  const strong = document.createElement("strong");
  strong.textContent = title;
  box.append(strong);
  if (stopped) {
    box.append(document.createTextNode(` ${advice}`));
    return box;
  }
  if (advice) {
    const p = document.createElement("p");
    p.textContent = advice;
    box.append(p);
  }
  if (details) {
    const more = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "Technical details";
    const code = document.createElement("code");
    code.textContent = details;
    more.append(summary, code);
    box.append(more);
  }
  return box;
}
