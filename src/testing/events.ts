/**
 * Reads a `text/event-stream` body event by event, as it arrives, so a test
 * can assert one event, then the next. Works on any `Response`: the test
 * client's, or `fetch`'s from a real server.
 */

/** One event block as sent: only the fields it had. `data` lines are joined with "\n". */
export interface ReceivedEvent {
  event?: string;
  data?: string;
  id?: string;
  retry?: number;
  /** Comment lines, joined with "\n"; present only when reading with `{ comments: true }`. */
  comment?: string;
}

export interface ReadEventsOptions {
  /** Yield comment-only blocks (heartbeats) too; by default they are skipped, as browsers do. */
  comments?: boolean;
}

/**
 * The events of an event-stream body, one block at a time. Breaking out of
 * a `for await` (or `close()`) cancels the body: the server sees the client leave.
 * @example
 * const events = new EventStream(await client.get("/events"));
 * assert.deepEqual(await events.next(), { done: false, value: { data: "hello" } });
 */
export class EventStream implements AsyncIterableIterator<ReceivedEvent> {
  readonly response: Response;
  readonly #lines: AsyncGenerator<string>;
  readonly #comments: boolean;

  constructor(response: Response, options: ReadEventsOptions = {}) {
    const type = response.headers.get("content-type") ?? "";
    if (!/^text\/event-stream\b/i.test(type) || response.body === null) {
      throw new TypeError(
        `expected a text/event-stream response, got ${response.status} ${type || "with no content type"}`,
      );
    }
    this.response = response;
    this.#lines = readLines(response.body);
    this.#comments = options.comments ?? false;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next event block; done when the body ended cleanly; rejects when it broke. */
  async next(): Promise<IteratorResult<ReceivedEvent, undefined>> {
    let block: ReceivedEvent = {};
    // Not `for await`: leaving it would end the lines after one event.
    for (let next = await this.#lines.next(); !next.done; next = await this.#lines.next()) {
      const line = next.value;
      if (line === "") {
        if (this.#wanted(block)) return { done: false, value: block };
        block = {};
        continue;
      }
      addField(block, line);
    }
    return { done: true, value: undefined };
  }

  /** Stops reading and cancels the body. */
  async return(): Promise<IteratorResult<ReceivedEvent, undefined>> {
    await this.#lines.return(undefined);
    return { done: true, value: undefined };
  }

  close(): Promise<unknown> {
    return this.return();
  }

  #wanted(block: ReceivedEvent): boolean {
    const keys = Object.keys(block);
    if (keys.length === 0) return false;
    return this.#comments || keys.some((key) => key !== "comment");
  }
}

function addField(block: ReceivedEvent, line: string): void {
  const colon = line.indexOf(":");
  const name = colon === -1 ? line : line.slice(0, colon);
  let value = colon === -1 ? "" : line.slice(colon + 1);
  if (value.startsWith(" ")) value = value.slice(1);
  if (name === "")
    block.comment = block.comment === undefined ? value : `${block.comment}\n${value}`;
  else if (name === "data")
    block.data = block.data === undefined ? value : `${block.data}\n${value}`;
  else if (name === "event") block.event = value;
  else if (name === "id") block.id = value;
  else if (name === "retry" && /^\d+$/.test(value)) block.retry = Number(value);
}

/**
 * The body's lines as they arrive (CRLF, CR or LF ends a line), the BOM
 * dropped. Stopping early cancels the body.
 */
async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  let ended = false;
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffered += decoder.decode(chunk.value, { stream: true });
      // A trailing CR may be the first half of a CRLF: keep it for the next chunk.
      let end = buffered.search(/\r\n|\r(?!$)|\n/);
      while (end !== -1) {
        yield buffered.slice(0, end);
        buffered = buffered.slice(buffered.startsWith("\r\n", end) ? end + 2 : end + 1);
        end = buffered.search(/\r\n|\r(?!$)|\n/);
      }
    }
    ended = true;
    buffered += decoder.decode();
    if (buffered !== "") yield buffered.replace(/\r$/, "");
  } finally {
    if (!ended) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
