import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { EventStream } from "../../src/testing/events.ts";
import type { SuiteApi } from "./api.ts";
import { eventually } from "./http/stream-support.ts";
import { BIG_CHUNK_BYTES, BIG_CHUNKS, MANY_EVENTS, type ProducerState } from "./stream-app.ts";
import type { WireTarget } from "./wire.ts";

/**
 * Streaming over a real connection (S-STR-1, S-REP-2, S-REP-3): the wire
 * app's `/streams` mount (stream-app.ts) on each runtime's real server, read
 * with `fetch` and with raw sockets where the bytes matter.
 */

export interface StreamWireTarget extends WireTarget {
  /**
   * Whether the server cancels a response body when its client leaves, and
   * aborts `request.signal`. workerd does neither: the app's stream is never
   * cancelled (see the README, "Streaming and SSE").
   */
  seesClientLeave: boolean;
}

/** A raw HTTP/1.1 exchange: the request written, the bytes read as they come. */
class RawExchange {
  text = "";
  closed: Promise<void>;
  readonly socket: Socket;

  constructor(baseUrl: string, path: string) {
    const { hostname, port } = new URL(baseUrl);
    this.socket = connect({ host: hostname, port: Number(port) }, () => {
      this.socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n`,
      );
    });
    this.socket.setEncoding("latin1");
    this.socket.on("data", (chunk: string) => {
      this.text += chunk;
    });
    this.closed = new Promise((resolve) => {
      this.socket.on("close", () => resolve());
      this.socket.on("error", () => {});
    });
  }

  get body(): string {
    return this.text.slice(this.text.indexOf("\r\n\r\n") + 4);
  }

  /** Waits (up to 10 s) until the bytes so far satisfy `check`. */
  async until(check: (text: string) => boolean, what: string): Promise<void> {
    await eventually(() => check(this.text), what, 10_000);
  }

  /** Waits for the server to close, or gives up after 5 s (workerd keeps some open). */
  async end(): Promise<void> {
    const timer = setTimeout(() => this.socket.destroy(), 5000);
    await this.closed;
    clearTimeout(timer);
  }
}

/** Polls `read` every 50 ms until `done` holds of its value, for up to 10 s; the last value. */
async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (const deadline = Date.now() + 10_000; !done(value) && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** Whether a chunked body ended with its last chunk: a clean end. */
function endsCleanly(text: string): boolean {
  return text.endsWith("0\r\n\r\n");
}

export function streamWireSuite({ describe, it }: SuiteApi, target: StreamWireTarget): void {
  const url = (path: string) => `${target.baseUrl()}/streams${path}`;
  const json = async <T>(path: string): Promise<T> => (await fetch(url(path))).json() as Promise<T>;
  const reports = () => json<string[]>("/__reports");
  const stateOf = (key: string) => json<ProducerState>(`/__state?key=${key}`);
  let keys = 0;
  const freshKey = () => `k${Date.now()}-${keys++}`;

  async function reportedTimes(message: string): Promise<number> {
    return (await reports()).filter((each) => each === message).length;
  }

  /** Polls the reports (up to ~5 s) until `message` is there more than `before` times. */
  async function reportAppears(message: string, before: number): Promise<number> {
    return pollUntil(
      () => reportedTimes(message),
      (count) => count > before,
    );
  }

  describe("streaming over the wire", () => {
    it("S-STR-1: an HTTPException before the first event is answered with its status over the wire", async () => {
      const response = await fetch(url("/denied"), { headers: { accept: "text/event-stream" } });
      assert.equal(response.status, 401);
      assert.equal(await response.text(), "log in to listen");
    });

    it("S-STR-1: a plain error before the first chunk is the 500 handler's answer, reported once", async () => {
      const before = await reportedTimes("stream failed early");
      const response = await fetch(url("/early"));
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "custom 500");
      assert.equal(await reportedTimes("stream failed early"), before + 1);
    });

    it("S-STR-1: an error after the first chunk breaks the body at the socket (no last chunk), reported once", async () => {
      const before = await reportedTimes("stream failed midway");
      const raw = new RawExchange(target.baseUrl(), "/streams/midway");
      await raw.end();
      assert.match(raw.text, /^HTTP\/1\.1 200/);
      assert.match(raw.body, /first chunk\n/);
      if (target.brokenBodyEndsCleanly) {
        // workerd ends an errored body like a complete one (cloudflare/workerd#6818): truncated.
        assert.equal(
          endsCleanly(raw.text),
          true,
          "pinned: if workerd fixes #6818, update the docs",
        );
      } else {
        assert.equal(endsCleanly(raw.text), false, "the chunked body must not end cleanly");
      }
      assert.equal(await reportAppears("stream failed midway", before), before + 1);
      assert.equal(await reportedTimes("stream failed midway"), before + 1, "once, not twice");
    });

    it("S-STR-1: onError's event reaches the client before the stream is cut; the error reported once", async () => {
      const message = "feed failed: internal detail";
      const before = await reportedTimes(message);
      const events = new EventStream(await fetch(url("/sse-error")));
      assert.deepEqual((await events.next()).value, { event: "tick", data: "1" });
      assert.deepEqual((await events.next()).value, { event: "error", data: "the feed stopped" });
      if (target.brokenBodyEndsCleanly) assert.equal((await events.next()).done, true);
      else await assert.rejects(events.next(), "the body must not end cleanly");
      assert.equal(await reportAppears(message, before), before + 1);
    });

    it("S-STR-1: a client leaving mid-stream runs the producer's finally, unreported", async () => {
      const key = freshKey();
      const before = await reports();
      const raw = new RawExchange(target.baseUrl(), `/streams/forever?key=${key}`);
      await raw.until((text) => text.includes("data: hello\n\n"), "the first event");
      raw.socket.destroy();
      if (target.seesClientLeave) {
        const state = await pollUntil(
          () => stateOf(key),
          (each) => each.finished,
        );
        assert.equal(state.finished, true, "the generator's finally ran");
        assert.equal(state.produced, 1);
        assert.equal(state.requestSignalAborted, true, "request.signal aborted");
      }
      assert.deepEqual(await reports(), before, "nothing reported");
    });

    it("S-STR-1: a reader that stops reading stops the producer; it resumes when reading resumes", async () => {
      const key = freshKey();
      const raw = new RawExchange(target.baseUrl(), `/streams/big?key=${key}`);
      try {
        await raw.until((text) => text.length > 0, "the first bytes");
        raw.socket.pause();
        // Wait until the producer stands still (unchanged for five polls in a row).
        let last = -1;
        let still = 0;
        for (const deadline = Date.now() + 2500; still < 5 && Date.now() < deadline; ) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          const { produced } = await stateOf(key);
          still = produced === last ? still + 1 : 0;
          last = produced;
        }
        const made = `${last} of ${BIG_CHUNKS} chunks made while the client read none`;
        assert.ok(last < BIG_CHUNKS / 2, made);
        raw.socket.resume();
        const total = BIG_CHUNKS * BIG_CHUNK_BYTES;
        await raw.until(() => raw.body.length >= total, "every byte"); // workerd may keep the connection
      } finally {
        // A failed check must not leave a paused connection holding the server's shutdown.
        raw.socket.destroy();
      }
      const state = await stateOf(key);
      assert.equal(state.produced, BIG_CHUNKS);
      assert.equal(state.finished, true);
    });

    it("S-BG-1: a streaming response's background task runs after the stream ended", async () => {
      const key = freshKey();
      assert.equal(await (await fetch(url(`/background?key=${key}`))).text(), "0\n1\n2\n");
      const state = await pollUntil(
        () => stateOf(key),
        (each) => each.background !== undefined,
      );
      assert.deepEqual(state.background, { produced: 3, finished: true });
    });

    it("S-STR-1: heartbeats arrive as comment lines while the producer is idle", async () => {
      const raw = new RawExchange(target.baseUrl(), "/streams/heartbeat");
      await raw.until((text) => text.split(": ping\n\n").length > 2, "two heartbeats");
      raw.socket.destroy();
      assert.match(raw.text, /\r\ncontent-type: text\/event-stream; charset=utf-8\r\n/i);
      assert.match(raw.text, /\r\ncache-control: no-cache, no-transform\r\n/i);
      assert.ok(raw.body.indexOf("data: hello\n\n") < raw.body.indexOf(": ping\n\n"));
    });

    it("S-STR-1: multi-line data is framed as several data: lines, uncompressed", async () => {
      const response = await fetch(url("/lines"), { headers: { "accept-encoding": "gzip, br" } });
      assert.equal(response.headers.get("content-encoding"), null, "no-transform: not compressed");
      assert.equal(
        await response.text(),
        "event: note\nid: 7\ndata: one\ndata: two\ndata: three\n\nretry: 2500\n\n",
      );
    });

    it("S-STR-1: 10,000 events arrive in order through one stream", async () => {
      const key = freshKey();
      const events = new EventStream(await fetch(url(`/many?key=${key}`)));
      let received = 0;
      for await (const event of events) {
        received++;
        if (event.id !== String(received)) assert.fail(`event ${received} arrived as ${event.id}`);
      }
      assert.equal(received, MANY_EVENTS);
      const state = await stateOf(key);
      assert.equal(state.produced, MANY_EVENTS);
      assert.equal(state.finished, true);
    });
  });
}
