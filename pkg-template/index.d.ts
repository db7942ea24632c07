// Type declarations for llmwire. Results are plain JSON-shaped objects; providers' extra fields
// are kept, so every result type is open (`[key: string]: unknown`).

/** Options of `new Client(...)`. */
export interface ClientOptions {
  /** Sent as `Authorization: Bearer <apiKey>`. In a browser page it needs `dangerouslyAllowBrowser`. */
  apiKey?: string | null;
  /** The gateway's base URL, e.g. `https://api.apiyi.com/v1`. Default `https://api.openai.com/v1`. */
  baseURL?: string;
  /** A `fetch` to use instead of the global one (tests, proxies, instrumented fetches). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string | null | undefined>;
  /** Allows a raw API key in a browser page, where every visitor can read it. */
  dangerouslyAllowBrowser?: boolean;
  /** Base URLs tried, in order, when a request fails before any byte arrived (e.g. APIYI's backup). */
  backupBaseURLs?: string[];
  /** Retries after a failed first attempt (default 2): connection errors, timeouts before the first byte, 408, 409, 429 (not `insufficient_quota`), 5xx. */
  maxRetries?: number;
  /** Limit for the whole request in ms, retries and stream included (default 600000; null for none). */
  timeout?: number | null;
  /** Limit for the response headers of each attempt, in ms (default: none beyond `timeout`). */
  headersTimeout?: number | null;
  /** Limit for silence between two chunks of a stream, in ms (default: none beyond `timeout`). */
  idleTimeout?: number | null;
  /** Ask streams for usage (`stream_options.include_usage`); resent once without it if the gateway rejects it. */
  streamUsage?: boolean;
  /** Requests in flight at once, streams included until they end (default 100); more wait in a queue. */
  maxConcurrent?: number;
  /** Requests started in any 60 s window (default: no limit); more wait in the queue. */
  requestsPerMinute?: number | null;
  /** Estimated tokens (request bytes / 4 + max_tokens) in any 60 s window (default: no limit). */
  tokensPerMinute?: number | null;
}

/** Where a result came from; non-enumerable, so JSON.stringify leaves it out. */
export interface ResultMeta {
  /** The `x-request-id` header, as openai-node's `_request_id`. */
  readonly _request_id?: string;
  /** The base URL that answered. */
  readonly _base_url: string;
  /** Attempts made, the successful one included. */
  readonly _attempts: number;
}

/** Per-request options. */
export interface RequestOptions {
  /** Aborts the request, or the stream while it is read. */
  signal?: AbortSignal;
}

export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool" | "function";

export interface ChatContentPartText { type: "text"; text: string }
export interface ChatContentPartImage { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } }
export type ChatContentPart = ChatContentPartText | ChatContentPartImage | { type: string; [key: string]: unknown };

export interface ChatMessageParam {
  role: ChatRole;
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  [key: string]: unknown;
}

export interface ToolDefinition {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

/** Parameters of `chat.completions.create`. Unknown parameters pass through to the gateway as given. */
export interface ChatCompletionCreateParamsBase {
  model: string;
  messages: ChatMessageParam[];
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  seed?: number | null;
  user?: string;
  tools?: ToolDefinition[];
  tool_choice?: "none" | "auto" | "required" | { type: "function"; function: { name: string } };
  response_format?: { type: "text" | "json_object" } | { type: "json_schema"; json_schema: Record<string, unknown> };
  stream_options?: { include_usage?: boolean } | null;
  [key: string]: unknown;
}
export interface ChatCompletionCreateParamsNonStreaming extends ChatCompletionCreateParamsBase { stream?: false | null }
export interface ChatCompletionCreateParamsStreaming extends ChatCompletionCreateParamsBase { stream: true }
export type ChatCompletionCreateParams = ChatCompletionCreateParamsNonStreaming | ChatCompletionCreateParamsStreaming;

export interface FunctionCall { name: string; arguments: string }
export interface ToolCall { id: string; type: "function" | string; function: FunctionCall; [key: string]: unknown }

export interface CompletionUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  [key: string]: unknown;
}

export interface ChatCompletionMessage {
  role: "assistant" | string;
  content: string | null;
  refusal?: string | null;
  tool_calls?: ToolCall[];
  [key: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  finish_reason: "stop" | "length" | "tool_calls" | "content_filter" | "function_call" | string | null;
  logprobs?: unknown;
  [key: string]: unknown;
}

/** A chat completion (also what a stream accumulates into). */
export interface ChatCompletion {
  id: string;
  object: "chat.completion" | string;
  created: number | null;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: CompletionUsage | null;
  system_fingerprint?: string | null;
  [key: string]: unknown;
}

export interface ToolCallDelta {
  index?: number;
  id?: string;
  type?: "function" | string;
  function?: { name?: string; arguments?: string };
  [key: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk" | string;
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: string; content?: string | null; refusal?: string | null; tool_calls?: ToolCallDelta[]; [key: string]: unknown };
    finish_reason: string | null;
    logprobs?: unknown;
    [key: string]: unknown;
  }>;
  usage?: CompletionUsage | null;
  [key: string]: unknown;
}

/** A streamed chat completion. Read it once: iterate chunks, or `textStream`, or await the final result. */
export declare class ChatStream implements AsyncIterable<ChatCompletionChunk> {
  private constructor();
  /** Parses a streaming chat `Response` obtained elsewhere; a non-2xx response rejects with its error. */
  static fromResponse(response: Response): Promise<ChatStream>;
  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk>;
  /** The text of choice 0, piece by piece. */
  readonly textStream: AsyncIterable<string>;
  /** Resolves to the accumulated completion once the stream ends. */
  finalChatCompletion(): Promise<ChatCompletion>;
  /** The final text of choice 0. */
  finalContent(): Promise<string | null>;
  /** What has been accumulated so far (also after an error). */
  currentChatCompletion(): ChatCompletion | undefined;
  /** The response's `x-request-id`. */
  readonly requestId: string | undefined;
  /** The base URL that served the stream (undefined for `fromResponse`). */
  readonly baseURL: string | undefined;
  /** Attempts the request took, the successful one included. */
  readonly attempts: number;
  /** Stops reading and closes the connection. */
  abort(): void;
}

/** One Server-Sent Event. */
export interface SSEEvent { event: string; data: string; id: string }

/** Parses any SSE body (a `Response` or a `ReadableStream` of bytes) into events. */
export declare function parseSSE(source: Response | ReadableStream<Uint8Array>): AsyncGenerator<SSEEvent, void, undefined>;

/** A client for an OpenAI-compatible gateway, shaped like openai-node's `OpenAI`. */
export declare class Client {
  constructor(options?: ClientOptions);
  readonly baseURL: string;
  readonly chat: {
    completions: {
      create(params: ChatCompletionCreateParamsStreaming, options?: RequestOptions): Promise<ChatStream>;
      create(params: ChatCompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<ChatCompletion & ResultMeta>;
      create(params: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatStream | (ChatCompletion & ResultMeta)>;
    };
  };
}
export default Client;

/** Base class of every error llmwire throws. */
export declare class LlmwireError extends Error {}

/** An error from the server or the connection, shaped like openai-node's `APIError`. */
export declare class APIError extends LlmwireError {
  /** HTTP status; undefined for connection errors and errors inside a 200 stream. */
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly type: string | undefined;
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  /** openai-node's spelling of `requestId`. */
  readonly requestID: string | undefined;
  /** A bounded snippet of a non-JSON error body (an HTML page from a proxy). */
  readonly body: string | undefined;
  /** The error object as the server sent it. */
  readonly error: { message: string; type: string | null; code: string | null; param: string | null } | undefined;
  /** Whether the same request may succeed if sent again. */
  readonly retryable: boolean;
  /** Set on errors from a stream: what arrived before the error. */
  readonly partialCompletion?: ChatCompletion;
}
export declare class BadRequestError extends APIError {}
export declare class AuthenticationError extends APIError {}
export declare class PermissionDeniedError extends APIError {}
export declare class NotFoundError extends APIError {}
export declare class ConflictError extends APIError {}
export declare class UnprocessableEntityError extends APIError {}
export declare class RateLimitError extends APIError {}
export declare class InternalServerError extends APIError {}
export declare class APIConnectionError extends APIError {}
export declare class APIConnectionTimeoutError extends APIConnectionError {}
export declare class APIUserAbortError extends APIError {}
/** A successful response whose body was not what the endpoint promises. */
export declare class InvalidResponseError extends APIError {
  readonly snippet?: string;
}
/** A stream that failed part-way; `partialCompletion` holds what arrived before. */
export declare class StreamError extends APIError {}
/** A stream event that was not valid JSON. */
export declare class StreamParseError extends StreamError {
  /** A bounded copy of the event's data. */
  readonly snippet: string;
}
/** A stream whose body ended before it was complete. */
export declare class StreamTruncatedError extends StreamError {}
/** The caller passed something unusable. */
export declare class InvalidArgumentError extends LlmwireError {}
