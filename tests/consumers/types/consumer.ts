// Every public call of the package, type-checked as a user's TypeScript project sees it (installed
// from the tarball; `tsc --noEmit` under `--strict` and `exactOptionalPropertyTypes`). Lines marked
// `@ts-expect-error` are misuse that must NOT compile: if one ever compiles, tsc fails on the
// unused directive. Never run, only checked.
import DefaultClient, {
  Client, ChatStream, Conversation, ToolRunner, OutputParseError, CompletionStream, EventStream, ResponseStream, init, parseSSE, isImageGeneration,
  imageURL, imageBlob, imagePart, toFile,
  LlmwireError, APIError, BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, ConflictError,
  UnprocessableEntityError, RateLimitError, InternalServerError, APIConnectionError, APIConnectionTimeoutError,
  APIUserAbortError, InvalidResponseError, StreamError, StreamParseError, StreamTruncatedError, InvalidArgumentError,
} from "llmwire";
import type {
  ChatStreamEvent, ParsedChatCompletion, RunnableTool, ToolRunnerEvent,
  ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatMessageParam, ClientOptions, Completion,
  CreateEmbeddingResponse, ImagesResponse, Model, ModelResponse, ResponseStreamEvent, ResultMeta, SSEEvent,
  Transcription, TranscriptionVerbose,
} from "llmwire";
import * as slim from "llmwire/slim";
import wasmModule from "llmwire/wasm";

declare const signal: AbortSignal;
declare const file: File;
declare const bytes: Uint8Array;
declare const fetched: Response;

/** Asserts at compile time that `T` is exactly `U`. */
type Equal<T, U> = (<X>() => X extends T ? 1 : 2) extends <X>() => X extends U ? 1 : 2 ? true : false;
const exactly = <T, U>(_: Equal<T, U>) => {};

export async function everyCall(): Promise<void> {
  await init();
  const options: ClientOptions = {
    apiKey: "sk-...", baseURL: "https://api.apiyi.com/v1", backupBaseURLs: ["https://vip.apiyi.com/v1"],
    fetch: (input, requestInit) => fetch(input, requestInit), defaultHeaders: { "x-team": "a", "x-unset": null },
    dangerouslyAllowBrowser: false, maxRetries: 2, timeout: 600_000, headersTimeout: null, idleTimeout: 60_000,
    streamUsage: true, maxConcurrent: 100, requestsPerMinute: 3000, tokensPerMinute: null,
  };
  const client = new Client(options);
  const same: Client = new DefaultClient();
  const base: string = same.baseURL;

  // chat: non-streamed, streamed, and either
  const messages: ChatMessageParam[] = [
    { role: "system", content: "Be brief." },
    { role: "user", content: [{ type: "text", text: "What is this?" }, await imagePart(file, { detail: "low" })] },
  ];
  const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages, temperature: 0.7, stop: ["\n"], vendor_extra: 1 }, { signal });
  exactly<typeof completion, ChatCompletion & ResultMeta>(true);
  const content: string | null = completion.choices[0]!.message.content;
  const meta: [string | undefined, string, number] = [completion._request_id, completion._base_url, completion._attempts];

  const stream = await client.chat.completions.create({ model: "yi-lightning", messages, stream: true });
  exactly<typeof stream, ChatStream>(true);
  for await (const chunk of stream) {
    exactly<typeof chunk, ChatCompletionChunk>(true);
    const piece: string | null | undefined = chunk.choices[0]?.delta.content;
  }
  for await (const text of stream.textStream) text.toUpperCase();
  const final: ChatCompletion = await stream.finalChatCompletion();
  const finalText: string | null = await stream.finalContent();
  const current: ChatCompletion | undefined = stream.currentChatCompletion();
  const streamMeta: [string | undefined, string | undefined, number] = [stream.requestId, stream.baseURL, stream.attempts];
  const body: ReadableStream<Uint8Array> = stream.toReadableStream();
  stream.abort();
  const either = await client.chat.completions.create({ model: "m", messages } as ChatCompletionCreateParams);
  if (either instanceof ChatStream) await either.finalChatCompletion();
  else either.choices.length;
  const relayed: ChatStream = await ChatStream.fromResponse(fetched);
  if (isImageGeneration(completion)) completion.data[0]?.url;

  // Server-Sent Events of any body
  for await (const event of parseSSE(fetched)) exactly<typeof event, SSEEvent>(true);
  for await (const event of parseSSE(fetched.body!)) event.data.length;

  // images
  const generated = await client.images.generate({ model: "gpt-image-1", prompt: "A kitten", size: "1024x1024", quality: "hd", n: 1 });
  exactly<typeof generated, ImagesResponse & ResultMeta>(true);
  const src: string = await imageURL(generated.data[0]!);
  const blob: Blob = await imageBlob(generated.data[0]!, { fetch: (url) => fetch(url) });
  const edited = await client.images.edit({ model: "gpt-image-1", prompt: "Add a hat", image: [file, await toFile(bytes, "b.png")], mask: bytes.buffer as ArrayBuffer });
  const viaChat = await client.images.generateViaChat({ model: "gpt-image-2-vip", prompt: "Lighthouse", image: [src, blob], size: "2048x1152", messages });
  const named: File = await toFile(blob, "x.png", { type: "image/png" });

  // embeddings, models, audio
  const embedded = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"], encoding_format: "base64", dimensions: 256 });
  exactly<typeof embedded, CreateEmbeddingResponse & ResultMeta>(true);
  const vector: number[] = embedded.data[0]!.embedding;
  const f32: Float32Array = embedded.data[0]!.float32;
  const listed = await client.models.list();
  for await (const model of client.models.list({ signal })) exactly<typeof model, Model>(true);
  const yi: Model & ResultMeta = await client.models.retrieve("yi-large");
  const owner: string | undefined = listed.data[0]!.owned_by;
  const transcript = await client.audio.transcriptions.create({ file, model: "whisper-1", language: "en" });
  exactly<typeof transcript, Transcription & ResultMeta>(true);
  const verbose: TranscriptionVerbose & ResultMeta = await client.audio.transcriptions.create({ file: bytes, model: "whisper-1", response_format: "verbose_json" });
  const srt: string = await client.audio.transcriptions.create({ file, model: "whisper-1", response_format: "srt" });

  // legacy completions
  const done: Completion & ResultMeta = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Say hi", max_tokens: 16 });
  const completionStream = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Say hi", stream: true });
  exactly<typeof completionStream, CompletionStream>(true);
  for await (const chunk of completionStream) chunk.choices[0]?.text;
  const whole: Completion = await completionStream.finalCompletion();
  const soFar: Completion | undefined = completionStream.currentCompletion();
  const wholeText: string = await completionStream.finalText();
  const generic: EventStream<Completion> = completionStream;
  const sse: ReadableStream<Uint8Array> = generic.toReadableStream();

  // Responses
  const response = await client.responses.create({ model: "gpt-4o-mini", input: "Say hi", max_output_tokens: 64 });
  exactly<typeof response, ModelResponse & ResultMeta>(true);
  const outputText: string = response.output_text;
  const events = await client.responses.stream({ model: "gpt-4o-mini", input: [{ role: "user", content: [{ type: "input_text", text: "Hi" }] }] });
  exactly<typeof events, ResponseStream>(true);
  for await (const event of events) {
    exactly<typeof event, ResponseStreamEvent>(true);
    if (event.type === "response.output_text.delta") event.delta.toUpperCase();
  }
  const finalResponse: ModelResponse = await events.finalResponse();
  const currentResponse: ModelResponse | undefined = events.currentResponse();
  const streamedCreate: ResponseStream = await client.responses.create({ model: "m", input: "x", stream: true });
  await streamedCreate.finalText();

  // errors: classes, hierarchy, fields
  try {
    await client.models.list();
  } catch (e) {
    if (e instanceof RateLimitError) {
      const status: number | undefined = e.status;
      const fields: [string | undefined, string | undefined, string | undefined, string | undefined, boolean] = [e.code, e.type, e.param, e.requestID, e.retryable];
      const server = e.error?.message;
      const partial: ChatCompletion | undefined = e.partialCompletion;
    }
    if (e instanceof StreamParseError) e.snippet.length;
    if (e instanceof InvalidResponseError) e.snippet?.length;
    const apiErrors: (typeof APIError)[] = [
      BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, ConflictError, UnprocessableEntityError,
      RateLimitError, InternalServerError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError,
      InvalidResponseError, StreamError, StreamParseError, StreamTruncatedError,
    ];
    const base: (typeof LlmwireError)[] = [APIError, InvalidArgumentError];
    const isError: Error = new InvalidArgumentError("x");
  }

  // the slim entry: the same API once init() has the .wasm
  await slim.init(new URL("https://cdn.example/llmwire_bg.wasm"));
  await slim.init(fetch("/llmwire_bg.wasm"));
  await slim.init(bytes);
  slim.initSync(wasmModule);
  const slimClient: slim.Client = new slim.Client({ baseURL: "https://api.apiyi.com/v1" });
  await slimClient.chat.completions.create({ model: "m", messages: [] });
}

export async function toolCalling(client: Client): Promise<void> {
  const weather: RunnableTool<{ city: string }> = {
    type: "function",
    function: {
      name: "get_weather",
      description: "Weather in a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      function: async ({ city }, { signal, id, name }) => `${city}: sunny (${id} ${name} ${signal.aborted})`,
    },
  };
  const runner = client.chat.completions.runTools(
    { model: "gpt-4o-mini", messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weather] },
    { maxRounds: 4, toolErrors: "report", onMessage: (m) => m.role, signal: new AbortController().signal },
  );
  exactly<typeof runner, ToolRunner>(true);
  for await (const event of runner) exactly<typeof event, ToolRunnerEvent>(true);
  await runner.done();
  const answer: string | null = await runner.finalContent();
  const all: ChatCompletion[] = await runner.allChatCompletions();
  const usage: number = (await runner.totalUsage()).total_tokens;
  const rounds: number = runner.rounds;
  const history = runner.messages.length + (runner.stopReason?.length ?? 0);
  runner.abort();

  const parsed = await client.chat.completions.parse<{ answer: number }>({ model: "m", messages: [], response_format: { type: "json_object" } });
  exactly<typeof parsed.choices[0], ParsedChatCompletion<{ answer: number }>["choices"][0]>(true);
  const value: number | undefined = parsed.choices[0]?.message.parsed?.answer;
  const stream = await client.chat.completions.create({ model: "m", messages: [], stream: true });
  for await (const event of stream.eventStream) exactly<typeof event, ChatStreamEvent>(true);
  const partial: unknown = stream.partialJson;
  const typed: { answer: number } = await stream.finalParsed<{ answer: number }>();

  const chat = new Conversation(client, { model: "gpt-4o-mini", system: "Be brief.", maxMessages: 20, maxTokens: 4000 });
  const reply = await chat.send("Hello");
  exactly<typeof reply, ChatCompletion & ResultMeta>(true);
  const streamed: ChatStream = await chat.stream("And again", { temperature: 0.2 });
  const inChat: ToolRunner = chat.runTools("Weather?", { tools: [weather] });
  chat.push({ role: "user", content: "x" }).clear();
  const kept: number = chat.messages.length;
  try {
    await client.chat.completions.parse({ model: "m", messages: [] });
  } catch (e) {
    if (e instanceof OutputParseError) [e.rawText, e.finishReason, e.choice, e.snippet] satisfies [string, string | null, number, string | undefined];
  }

  // @ts-expect-error: runTools needs the tools with their functions
  client.chat.completions.runTools({ model: "m", messages: [] });
  // @ts-expect-error: toolErrors is "report" or "throw"
  client.chat.completions.runTools({ model: "m", messages: [], tools: [weather] }, { toolErrors: "ignore" });
  // @ts-expect-error: a tool's function gets the arguments its type names
  const wrong: RunnableTool<{ city: string }> = { type: "function", function: { function: (args: { town: number }) => args.town } };
}

export async function misuse(client: Client): Promise<void> {
  // @ts-expect-error: `model` is required
  await client.chat.completions.create({ messages: [] });
  // @ts-expect-error: `messages` is required
  await client.chat.completions.create({ model: "m" });
  // @ts-expect-error: temperature is a number
  await client.chat.completions.create({ model: "m", messages: [], temperature: "hot" });
  // @ts-expect-error: not a chat role
  await client.chat.completions.create({ model: "m", messages: [{ role: "robot", content: "hi" }] });
  // @ts-expect-error: a non-streamed call does not give a stream
  const notAStream: ChatStream = await client.chat.completions.create({ model: "m", messages: [] });
  const chunkStream = await client.chat.completions.create({ model: "m", messages: [], stream: true });
  for await (const chunk of chunkStream) {
    // @ts-expect-error: delta content may be null or missing
    chunk.choices[0]!.delta.content.toUpperCase();
  }
  // @ts-expect-error: apiKey is a string
  new Client({ apiKey: 123 });
  // @ts-expect-error: an unknown client option (options are not open-ended)
  new Client({ baseUrl: "https://api.apiyi.com/v1" });
  // @ts-expect-error: `model` is required for images
  await client.images.generate({ prompt: "x" });
  // @ts-expect-error: n is a number
  await client.images.generate({ model: "m", prompt: "x", n: "2" });
  // @ts-expect-error: a model id is a string
  await client.models.retrieve(42);
  // @ts-expect-error: embeddings input is text or tokens
  await client.embeddings.create({ model: "m", input: { text: "x" } });
  // @ts-expect-error: encoding_format is float or base64
  await client.embeddings.create({ model: "m", input: "x", encoding_format: "binary" });
  // @ts-expect-error: the audio needs a file
  await client.audio.transcriptions.create({ model: "whisper-1" });
  // @ts-expect-error: srt gives a string, not an object
  const notText: Transcription = await client.audio.transcriptions.create({ file: new Blob(), model: "whisper-1", response_format: "srt" });
  // @ts-expect-error: Responses input is text or messages
  await client.responses.create({ model: "m", input: 42 });
  // @ts-expect-error: the default entry's init takes nothing
  await init("llmwire_bg.wasm");
  // @ts-expect-error: the slim entry's init needs the .wasm
  await slim.init();
  // @ts-expect-error: the status of an API error may be undefined
  ((e: APIError) => e.status.toFixed())(new APIError());
  // @ts-expect-error: results are read-only metadata
  (await client.models.list())._attempts = 3;
  // @ts-expect-error: streams are made by the client, not constructed
  new ChatStream();
}
