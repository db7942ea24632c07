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
  /** Longest SSE line or event accepted, in bytes (default 16 MiB); a longer one ends the stream with a StreamParseError. */
  maxEventBytes?: number;
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
  /**
   * The stream as Server-Sent Events bytes in the OpenAI wire format (`data: <chunk>` ... `data: [DONE]`), to
   * return from a Worker or server handler; an error part-way ends it with an error event. Read it once.
   */
  toReadableStream(): ReadableStream<Uint8Array>;
  /** Progress events: text deltas, tool calls started, argument fragments, and each call done (checked) at the end. */
  readonly eventStream: AsyncIterable<ChatStreamEvent>;
  /** The JSON answer of choice 0 so far, completed to a value (undefined before it has one). */
  readonly partialJson: unknown;
  /** Resolves to the accumulated completion once the stream ends (the same object on every call, and from `currentChatCompletion()` after the end). */
  finalChatCompletion(): Promise<ChatCompletion>;
  /** The final text of choice 0. */
  finalContent(): Promise<string | null>;
  /** Choice 0's JSON answer once the stream ends; throws `OutputParseError` when it is not JSON. */
  finalParsed<T = unknown>(): Promise<T>;
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

// ---------------------------------------------------------------- tools, JSON answers, conversations

/** A progress event of a streamed chat completion (`stream.eventStream`, and streamed `runTools` rounds). */
export type ChatStreamEvent =
  /** `parsed`: the JSON answer so far, on the last text event of each network read, when the request asked for JSON. */
  | { type: "content.delta"; choice: number; delta: string; parsed?: unknown }
  | { type: "refusal.delta"; choice: number; delta: string }
  /** A call got its name; `arguments` holds the fragments that came before it. `index` is its place in `message.tool_calls`. */
  | { type: "tool_call.start"; choice: number; index: number; id: string; name: string; arguments: string }
  | { type: "tool_call.delta"; choice: number; index: number; delta: string }
  /** The stream ended: the call is final. Complete calls have one JSON object as arguments; incomplete ones are never run. */
  | ({ type: "tool_call.done"; choice: number; index: number; id: string; name: string; arguments: string } & (
      | { status: "complete"; parsed_arguments: Record<string, unknown> }
      | { status: "incomplete"; reason: "length" | "no_name" | "invalid_json" | "not_an_object"; message: string }));

/** What a tool function gets besides its arguments. */
export interface ToolCallContext {
  /** Aborts when the run is aborted (your `signal`, `runner.abort()`, leaving the iteration early). */
  signal: AbortSignal;
  id: string;
  name: string;
  runner: ToolRunner;
}

/** A tool with the function that runs it (openai-node's shape). The result is sent as is when a string, else as JSON. */
export interface RunnableTool<Args = any> {
  type: "function";
  function: {
    /** Defaults to the function's own name. */
    name?: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean;
    function: (args: Args, context: ToolCallContext) => unknown | Promise<unknown>;
    /** Turns the arguments' JSON text into `args` (default `JSON.parse`); a throw goes back to the model as the result. */
    parse?: (argumentsJSON: string) => Args | Promise<Args>;
  };
}

/** Parameters of `runTools`: a chat request whose tools carry their functions. `stream: true` streams every round. */
export interface RunToolsParams extends Omit<ChatCompletionCreateParamsBase, "tools"> {
  tools: RunnableTool[];
  stream?: boolean | null;
}

export interface RunToolsOptions extends RequestOptions {
  /** Requests made at most (default 10); the calls of the last one are then not run. */
  maxRounds?: number;
  /** A tool that throws: `"report"` (default) sends `Error: <message>` to the model as its result; `"throw"` ends the run with the error. */
  toolErrors?: "report" | "throw";
  /** Called with each message the run adds. */
  onMessage?: (message: ChatMessageParam) => void;
}

/** An event of a tool-calling run: a streamed round's events, and each message the run adds. */
export type ToolRunnerEvent = ChatStreamEvent | { type: "message"; message: ChatMessageParam };

/**
 * A tool-calling run (`chat.completions.runTools`). It starts at once and loops until the model answers without
 * tools, an answer is cut off at `max_tokens` (cut-off calls are never run) or `maxRounds` requests were made.
 * Iterate it (once, right away) for its events; leaving the loop early aborts it.
 */
export declare class ToolRunner implements AsyncIterable<ToolRunnerEvent> {
  private constructor();
  [Symbol.asyncIterator](): AsyncIterator<ToolRunnerEvent>;
  /** Resolves when the run has ended; rejects with its error. */
  done(): Promise<void>;
  finalChatCompletion(): Promise<ChatCompletion>;
  /** The text of the model's last answer. */
  finalContent(): Promise<string | null>;
  finalMessage(): Promise<ChatMessageParam | undefined>;
  allChatCompletions(): Promise<ChatCompletion[]>;
  totalUsage(): Promise<{ prompt_tokens: number; completion_tokens: number; total_tokens: number }>;
  /** The request's messages, then every assistant answer and tool result so far. */
  readonly messages: ChatMessageParam[];
  /** The last answer's finish reason (`stop`, `length`, ...) or `max_rounds`; undefined until the run ends. */
  readonly stopReason: "stop" | "length" | "max_rounds" | (string & {}) | undefined;
  /** Requests made so far. */
  readonly rounds: number;
  /** Aborts the run and the `signal` the tools were given. */
  abort(): void;
}

/** A chat completion whose choices carry their parsed JSON answer. */
export interface ParsedChatCompletion<T = unknown> extends ChatCompletion {
  choices: Array<ChatCompletionChoice & { message: ChatCompletionMessage & { parsed: T | null } }>;
}

/** Options of `new Conversation(client, options)`; other members (`model`, `temperature`, ...) go with every request. */
export interface ConversationOptions extends Partial<Omit<ChatCompletionCreateParamsBase, "messages">> {
  /** The system prompt, kept through every trim. */
  system?: string;
  /** Earlier messages to start from. */
  messages?: ChatMessageParam[];
  /** Messages kept besides the system messages. */
  maxMessages?: number;
  /** About this many tokens of history (a token per 4 ASCII bytes, one per other character, 765 per image). */
  maxTokens?: number;
}

/**
 * A chat's history: keeps the system prompt, adds your messages and the model's answers (streamed ones and
 * tool-calling runs too), and trims to `maxMessages` and/or about `maxTokens` without ever separating a tool call
 * from its results. The history is trimmed before each request and after each answer.
 */
export declare class Conversation {
  constructor(client: Client, options?: ConversationOptions);
  /** The history, as it is sent. */
  readonly messages: ChatMessageParam[];
  /** Adds messages and trims. */
  push(...messages: ChatMessageParam[]): this;
  /** Forgets everything but the system messages. */
  clear(): void;
  /** Sends `content` (text, content parts or a message) and resolves to the completion; both are added. */
  send(content?: string | ChatContentPart[] | ChatMessageParam, params?: Partial<ChatCompletionCreateParamsBase>, options?: RequestOptions): Promise<ChatCompletion & ResultMeta>;
  /** Like `send`, streamed; the answer is added once the stream has been read to its end. */
  stream(content?: string | ChatContentPart[] | ChatMessageParam, params?: Partial<ChatCompletionCreateParamsBase>, options?: RequestOptions): Promise<ChatStream>;
  /** Runs the tool-calling loop on the history plus `content`; calls, results and the answer are added as they come. */
  runTools(content: string | ChatContentPart[] | ChatMessageParam | undefined, params: Partial<RunToolsParams> & { tools: RunnableTool[] }, options?: RunToolsOptions): ToolRunner;
}

/** Parses any SSE body (a `Response` or a `ReadableStream` of bytes) into events. */
export declare function parseSSE(source: Response | ReadableStream<Uint8Array>): AsyncGenerator<SSEEvent, void, undefined>;

// ---------------------------------------------------------------- images

/** One generated image: a `url` or a `b64_json` (which may already start with `data:image/...;base64,`). */
export interface ImageItem {
  url?: string;
  b64_json?: string;
  revised_prompt?: string;
  [key: string]: unknown;
}

/** Token usage of image models (`input_tokens`, `output_tokens`, `total_tokens`). */
export interface ImagesUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  [key: string]: unknown;
}

/** The result of `images.generate`, `images.edit` and `images.generateViaChat`. */
export interface ImagesResponse {
  created: number;
  data: ImageItem[];
  usage?: ImagesUsage;
  [key: string]: unknown;
}

/**
 * An image model's answer on the chat endpoint (APIYI `gpt-image-2-vip`): `{data, created, usage}` with no
 * chat choices. `chat.completions.create` returns it marked `object: "image.generation"` with `choices: []`,
 * and a stream yields it as its one item; tell it apart with `isImageGeneration`.
 */
export interface ImageGenerationCompletion extends ImagesResponse {
  object: "image.generation";
  choices: never[];
}

/** Parameters of `images.generate`. Unknown parameters pass through. */
export interface ImageGenerateParams {
  model: string;
  prompt: string;
  /** At least 1. */
  n?: number | null;
  size?: "1024x1024" | "1792x1024" | "1024x1792" | (string & {}) | null;
  quality?: "standard" | "hd" | "low" | "medium" | "high" | "auto" | (string & {}) | null;
  style?: "vivid" | "natural" | (string & {}) | null;
  response_format?: "url" | "b64_json" | null;
  user?: string;
  [key: string]: unknown;
}

/** File data for an upload. `toFile(data, "name.ext")` chooses the file name of bytes. */
export type Uploadable = Blob | File | ArrayBuffer | ArrayBufferView;

/** Parameters of `images.edit`, sent as multipart/form-data. */
export interface ImageEditParams {
  /** One image, or several (an array or an `<input>`'s `FileList`, sent as repeated `image[]`). */
  image: Uploadable | ArrayLike<Uploadable>;
  prompt: string;
  mask?: Uploadable | null;
  model?: string;
  n?: number | null;
  size?: string | null;
  response_format?: "url" | "b64_json" | null;
  [key: string]: unknown;
}

/** An image to show a model: an https URL, a `data:image/...;base64,` URL, bare base64, or file data. */
export type ImageSource = string | Blob | ArrayBuffer | ArrayBufferView;

/** Parameters of `images.generateViaChat`: text-to-image, reference-image edit and multi-turn refinement. */
export interface ImageGenerateViaChatParams {
  model: string;
  /** What to draw, or what to change; sent as the last user message. */
  prompt?: string;
  /** Reference image(s) for an edit. */
  image?: ImageSource | ImageSource[];
  /** Earlier turns, for multi-turn refinement. */
  messages?: ChatMessageParam[];
  /** One of the model's size buckets (e.g. `2048x1152`), or `auto`. */
  size?: string;
  [key: string]: unknown;
}

/** An `image_url` content part, and how to build one. */
export interface ImagePartOptions {
  detail?: "auto" | "low" | "high";
  /** The media type of file data whose type cannot be told from its bytes. */
  mimeType?: string;
}

// ---------------------------------------------------------------- embeddings

/** Parameters of `embeddings.create`. */
export interface EmbeddingCreateParams {
  model: string;
  input: string | string[] | number[] | number[][];
  /** `base64` is decoded; the result has number arrays either way. */
  encoding_format?: "float" | "base64";
  /** At least 1. */
  dimensions?: number;
  user?: string;
  [key: string]: unknown;
}

/** One input's vector. */
export interface Embedding {
  object: "embedding" | (string & {});
  index: number;
  /** The vector, whatever encoding the gateway used. */
  embedding: number[];
  /** The same vector as a `Float32Array` (non-enumerable). */
  readonly float32: Float32Array;
  [key: string]: unknown;
}

export interface CreateEmbeddingResponse {
  object: "list" | (string & {});
  data: Embedding[];
  model: string;
  usage?: { prompt_tokens?: number; total_tokens?: number; [key: string]: unknown };
  [key: string]: unknown;
}

// ---------------------------------------------------------------- models

/** A model. `owned_by` is filled from 01.AI's `ownedBy`, which is kept too. */
export interface Model {
  id: string;
  object: "model" | (string & {});
  created: number;
  owned_by?: string;
  ownedBy?: string;
  [key: string]: unknown;
}

export interface ModelList {
  object: "list" | (string & {});
  data: Model[];
  [key: string]: unknown;
}

/** `models.list()`: await it for the list, or `for await` over the models. */
export type ModelListPromise = Promise<ModelList & ResultMeta> & AsyncIterable<Model>;

// ---------------------------------------------------------------- audio

/** Parameters of `audio.transcriptions.create`, sent as multipart/form-data. */
export interface TranscriptionCreateParamsBase {
  /** The audio. Its type is told from its bytes or name; Whisper wants a name with a known extension. */
  file: Uploadable;
  model: string;
  /** ISO-639-1, e.g. `en`. */
  language?: string;
  prompt?: string;
  temperature?: number;
  timestamp_granularities?: Array<"word" | "segment">;
  [key: string]: unknown;
}

export interface Transcription {
  text: string;
  [key: string]: unknown;
}

export interface TranscriptionSegment {
  id: number;
  start: number;
  end: number;
  text: string;
  [key: string]: unknown;
}

export interface TranscriptionVerbose {
  language: string;
  duration: number;
  text: string;
  segments?: TranscriptionSegment[];
  words?: Array<{ word: string; start: number; end: number }>;
  [key: string]: unknown;
}

// ---------------------------------------------------------------- legacy completions

/** Parameters of `completions.create`. Ranges are checked as for chat. */
export interface CompletionCreateParamsBase {
  model: string;
  prompt: string | string[] | number[] | number[][];
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  suffix?: string | null;
  echo?: boolean | null;
  logprobs?: number | null;
  best_of?: number | null;
  seed?: number | null;
  user?: string;
  stream_options?: { include_usage?: boolean } | null;
  [key: string]: unknown;
}
export interface CompletionCreateParamsNonStreaming extends CompletionCreateParamsBase { stream?: false | null }
export interface CompletionCreateParamsStreaming extends CompletionCreateParamsBase { stream: true }

export interface CompletionChoice {
  index: number;
  text: string;
  finish_reason: "stop" | "length" | "content_filter" | (string & {}) | null;
  logprobs: { tokens?: string[]; token_logprobs?: number[]; top_logprobs?: Array<Record<string, number>>; text_offset?: number[] } | null;
  [key: string]: unknown;
}

/** A text completion (also what a completion stream accumulates into). */
export interface Completion {
  id: string;
  object: "text_completion" | (string & {});
  created: number | null;
  model: string;
  choices: CompletionChoice[];
  usage?: CompletionUsage | null;
  [key: string]: unknown;
}

// ---------------------------------------------------------------- Responses

export type ResponseInputContent =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url?: string; file_id?: string; detail?: "auto" | "low" | "high" }
  | { type: "input_file"; file_id?: string; file_data?: string; filename?: string };

export interface ResponseInputMessage {
  type?: "message";
  role: "user" | "assistant" | "system" | "developer";
  content: string | ResponseInputContent[];
}

/** Parameters of `responses.create`. Unknown parameters pass through. */
export interface ResponseCreateParamsBase {
  model: string;
  input: string | ResponseInputMessage[];
  instructions?: string | null;
  /** At least 1. */
  max_output_tokens?: number | null;
  /** 0 to 2. */
  temperature?: number | null;
  /** 0 to 1. */
  top_p?: number | null;
  previous_response_id?: string | null;
  store?: boolean | null;
  tools?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}
export interface ResponseCreateParamsNonStreaming extends ResponseCreateParamsBase { stream?: false | null }
export interface ResponseCreateParamsStreaming extends ResponseCreateParamsBase { stream: true }

export interface ResponseOutputText { type: "output_text"; text: string; annotations?: unknown[]; [key: string]: unknown }
export interface ResponseOutputRefusal { type: "refusal"; refusal: string; [key: string]: unknown }

export interface ResponseOutputMessage {
  type: "message";
  id: string;
  role: "assistant";
  status: "in_progress" | "completed" | "incomplete" | (string & {});
  content: Array<ResponseOutputText | ResponseOutputRefusal>;
  [key: string]: unknown;
}

export interface ResponseFunctionCall {
  type: "function_call";
  id?: string;
  call_id?: string;
  name?: string;
  arguments: string;
  [key: string]: unknown;
}

export type ResponseOutputItem = ResponseOutputMessage | ResponseFunctionCall;

/** A Responses API response, with openai-node's `output_text` convenience. */
export interface ModelResponse {
  id: string;
  object: "response" | (string & {});
  created_at?: number;
  status: "completed" | "incomplete" | "in_progress" | "failed" | "queued" | (string & {});
  model: string;
  output: ResponseOutputItem[];
  /** The text of every `output_text` part of every message, concatenated. */
  output_text: string;
  usage?: { input_tokens?: number; output_tokens?: number; total_tokens?: number; [key: string]: unknown } | null;
  error?: { code: string; message: string } | null;
  incomplete_details?: { reason: string } | null;
  [key: string]: unknown;
}

interface ResponseEventBase { sequence_number?: number; [key: string]: unknown }
/** One typed event of a streamed response. Errors (`error`, `response.failed`) are thrown, not yielded. */
export type ResponseStreamEvent =
  | (ResponseEventBase & { type: "response.created" | "response.in_progress" | "response.queued" | "response.completed" | "response.incomplete"; response: ModelResponse })
  | (ResponseEventBase & { type: "response.output_item.added" | "response.output_item.done"; output_index: number; item: ResponseOutputItem })
  | (ResponseEventBase & { type: "response.content_part.added" | "response.content_part.done"; item_id: string; output_index: number; content_index: number; part: ResponseOutputText | ResponseOutputRefusal })
  | (ResponseEventBase & { type: "response.output_text.delta"; item_id: string; output_index: number; content_index: number; delta: string })
  | (ResponseEventBase & { type: "response.output_text.done"; item_id: string; output_index: number; content_index: number; text: string })
  | (ResponseEventBase & { type: "response.refusal.delta"; item_id: string; output_index: number; content_index: number; delta: string })
  | (ResponseEventBase & { type: "response.refusal.done"; item_id: string; output_index: number; content_index: number; refusal: string })
  | (ResponseEventBase & { type: "response.function_call_arguments.delta"; item_id: string; output_index: number; delta: string })
  | (ResponseEventBase & { type: "response.function_call_arguments.done"; item_id: string; output_index: number; arguments: string });

// ---------------------------------------------------------------- streams of other endpoints

/** A streamed result of an endpoint other than chat. Read it once. */
export declare class EventStream<Item> implements AsyncIterable<Item> {
  protected constructor();
  [Symbol.asyncIterator](): AsyncIterator<Item>;
  /** The text, piece by piece. */
  readonly textStream: AsyncIterable<string>;
  /** The stream as Server-Sent Events bytes in the OpenAI wire format, to return from a Worker or server handler. Read it once. */
  toReadableStream(): ReadableStream<Uint8Array>;
  /** The response's `x-request-id`. */
  readonly requestId: string | undefined;
  /** The base URL that served the stream. */
  readonly baseURL: string | undefined;
  /** Attempts the request took, the successful one included. */
  readonly attempts: number;
  /** Stops reading and closes the connection. */
  abort(): void;
}

/** A streamed legacy completion: `text_completion` chunks. */
export declare class CompletionStream extends EventStream<Completion> {
  /** Resolves to the accumulated completion once the stream ends. */
  finalCompletion(): Promise<Completion>;
  /** What has been accumulated so far (also after an error). */
  currentCompletion(): Completion | undefined;
  /** The final text of choice 0. */
  finalText(): Promise<string>;
}

/** A streamed response: typed events. */
export declare class ResponseStream extends EventStream<ResponseStreamEvent> {
  /** Resolves to the final response (with `output_text`) once the stream ends. */
  finalResponse(): Promise<ModelResponse>;
  /** The response accumulated so far (also after an error). */
  currentResponse(): ModelResponse | undefined;
  /** The final `output_text`. */
  finalText(): Promise<string>;
}

// ---------------------------------------------------------------- helpers

/** Whether a chat result (or stream item) is an image model's answer rather than a chat completion. */
export declare function isImageGeneration(value: unknown): value is ImageGenerationCompletion;
/** Something an `<img src>` can show for an image item: its URL, or a data URL from `b64_json` (prefixed or not). */
export declare function imageURL(item: ImageItem): Promise<string>;
/** An image item as a `Blob`: decoded from `b64_json` or a data URL, or fetched from its URL. */
export declare function imageBlob(item: ImageItem, options?: { fetch?: (input: string) => Promise<Response> }): Promise<Blob>;
/** An `image_url` content part for chat messages (yi-vision, gpt-4o, gpt-image-2-vip). */
export declare function imagePart(source: ImageSource, options?: ImagePartOptions): Promise<ChatContentPartImage>;
/** Names file data for an upload, like openai-node's `toFile`; the type is told from the bytes or the name unless given. */
export declare function toFile(data: Blob | ArrayBuffer | ArrayBufferView, filename: string, options?: { type?: string }): Promise<File>;

/** A client for an OpenAI-compatible gateway, shaped like openai-node's `OpenAI`. */
export declare class Client {
  constructor(options?: ClientOptions);
  readonly baseURL: string;
  readonly chat: {
    completions: {
      create(params: ChatCompletionCreateParamsStreaming, options?: RequestOptions): Promise<ChatStream>;
      /** An image model answers with an `ImageGenerationCompletion` (`object: "image.generation"`, see `isImageGeneration`). */
      create(params: ChatCompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<ChatCompletion & ResultMeta>;
      create(params: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatStream | (ChatCompletion & ResultMeta)>;
      /** Runs the tool-calling loop: calls your functions (in parallel) until the model answers without tools. */
      runTools(params: RunToolsParams, options?: RunToolsOptions): ToolRunner;
      /** A completion with each choice's JSON answer in `message.parsed`; an answer that is not JSON throws `OutputParseError`. */
      parse<T = unknown>(params: ChatCompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<ParsedChatCompletion<T> & ResultMeta>;
    };
  };
  readonly images: {
    /** POST /images/generations. */
    generate(params: ImageGenerateParams, options?: RequestOptions): Promise<ImagesResponse & ResultMeta>;
    /** POST /images/edits (multipart). */
    edit(params: ImageEditParams, options?: RequestOptions): Promise<ImagesResponse & ResultMeta>;
    /** An image model on POST /chat/completions (APIYI gpt-image-2-vip). */
    generateViaChat(params: ImageGenerateViaChatParams, options?: RequestOptions): Promise<ImagesResponse & ResultMeta>;
  };
  readonly embeddings: {
    /** POST /embeddings; vectors as number arrays and `Float32Array`s, whatever the encoding. */
    create(params: EmbeddingCreateParams, options?: RequestOptions): Promise<CreateEmbeddingResponse & ResultMeta>;
  };
  readonly models: {
    /** GET /models. */
    list(options?: RequestOptions): ModelListPromise;
    /** GET /models/{id}. */
    retrieve(id: string, options?: RequestOptions): Promise<Model & ResultMeta>;
  };
  readonly audio: {
    transcriptions: {
      /** POST /audio/transcriptions (multipart): an object for `json`/`verbose_json`, a string for `text`/`srt`/`vtt`. */
      create(params: TranscriptionCreateParamsBase & { response_format: "text" | "srt" | "vtt" }, options?: RequestOptions): Promise<string>;
      create(params: TranscriptionCreateParamsBase & { response_format: "verbose_json" }, options?: RequestOptions): Promise<TranscriptionVerbose & ResultMeta>;
      create(params: TranscriptionCreateParamsBase & { response_format?: "json" | null }, options?: RequestOptions): Promise<Transcription & ResultMeta>;
    };
  };
  readonly completions: {
    /** POST /completions (legacy). */
    create(params: CompletionCreateParamsStreaming, options?: RequestOptions): Promise<CompletionStream>;
    create(params: CompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<Completion & ResultMeta>;
  };
  readonly responses: {
    /** POST /responses. */
    create(params: ResponseCreateParamsStreaming, options?: RequestOptions): Promise<ResponseStream>;
    create(params: ResponseCreateParamsNonStreaming, options?: RequestOptions): Promise<ModelResponse & ResultMeta>;
    /** POST /responses with `stream: true`. */
    stream(params: ResponseCreateParamsBase, options?: RequestOptions): Promise<ResponseStream>;
  };
}
export default Client;

/**
 * Resolves once the wasm is compiled and instantiated: optional, since the default entry starts
 * loading it in the background just after import and a call waits for it (in Workers it is loaded
 * at import). `llmwire/slim` takes the .wasm here.
 */
export declare function init(): Promise<void>;

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
  /** Set on errors that ended a request's attempts: how many were made (retries and failover included). */
  readonly attempts?: number;
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
/** A JSON answer that is not valid JSON (or a refusal). */
export declare class OutputParseError extends InvalidResponseError {
  /** The model's text, as it came. */
  readonly rawText: string;
  readonly finishReason: string | null;
  /** The choice's index. */
  readonly choice: number;
  /** The whole completion. */
  readonly partialCompletion?: ChatCompletion;
}
/** The caller passed something unusable. */
export declare class InvalidArgumentError extends LlmwireError {}
