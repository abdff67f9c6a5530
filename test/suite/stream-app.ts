import { App } from "../../src/app.ts";
import { HTTPException } from "../../src/exceptions.ts";
import { JSONResponse, PlainTextResponse } from "../../src/responses.ts";
import { Route } from "../../src/routing/route.ts";
import { EventSourceResponse } from "../../src/sse.ts";
import { StreamingResponse } from "../../src/streaming.ts";
import { failsBeforeFirst, sleep } from "./http/stream-support.ts";

/**
 * The streaming routes of the over-the-wire suite (`stream-wire.ts`), mounted
 * at `/streams` in the wire app. What each producer did is readable at
 * `GET /streams/__state?key=…` and the reports at `/streams/__reports`, so a
 * client in another process (workerd) can check them.
 */

/** What one producer did, keyed by the `key` query parameter of its request. */
export interface ProducerState {
  produced: number;
  finished: boolean;
  /** `request.signal.aborted` when the producer's `finally` ran. */
  requestSignalAborted: boolean | undefined;
  /** What the response's background task saw of the producer when it ran. */
  background?: { produced: number; finished: boolean };
}

export const BIG_CHUNK_BYTES = 1024 * 1024;
// Enough that socket and runtime buffers (Bun's grew to 17 MiB under load) hold well under half.
export const BIG_CHUNKS = 64;
export const MANY_EVENTS = 10_000;

const big = new Uint8Array(BIG_CHUNK_BYTES).fill(46); // "....": one buffer, sent again and again

export function createStreamApp(): App {
  const reports: string[] = [];
  const states = new Map<string, ProducerState>();
  const stateOf = (request: Request) => {
    const key = new URL(request.url).searchParams.get("key") ?? "";
    let state = states.get(key);
    if (!state) {
      state = { produced: 0, finished: false, requestSignalAborted: undefined };
      states.set(key, state);
    }
    return state;
  };

  const routes = [
    new Route(
      "/denied",
      () => new EventSourceResponse(failsBeforeFirst(new HTTPException(401, "log in to listen"))),
    ),
    new Route(
      "/early",
      () => new StreamingResponse(failsBeforeFirst(new Error("stream failed early"))),
    ),
    new Route(
      "/midway",
      () =>
        new StreamingResponse(async function* () {
          yield "first chunk\n";
          await sleep(50); // the status and the first chunk are on the wire
          throw new Error("stream failed midway");
        }),
    ),
    new Route(
      "/sse-error",
      () =>
        new EventSourceResponse(
          async function* () {
            yield { event: "tick", data: "1" };
            await sleep(50);
            throw new Error("feed failed: internal detail");
          },
          { onError: () => ({ event: "error", data: "the feed stopped" }) },
        ),
    ),
    new Route("/forever", (request) => {
      const state = stateOf(request);
      const heartbeat = Number(new URL(request.url).searchParams.get("heartbeat")) || undefined;
      return new EventSourceResponse(
        async function* (signal) {
          try {
            state.produced++;
            yield { id: 1, data: "hello" };
            await sleep(60_000, signal); // only the client leaving ends it
          } finally {
            state.requestSignalAborted = request.signal.aborted;
            state.finished = true;
          }
        },
        { heartbeat },
      );
    }),
    new Route("/big", (request) => {
      const state = stateOf(request);
      return new StreamingResponse(
        async function* () {
          try {
            for (let n = 0; n < BIG_CHUNKS; n++) {
              state.produced++;
              yield big;
            }
          } finally {
            state.finished = true;
          }
        },
        { headers: { "content-type": "application/octet-stream" } },
      );
    }),
    new Route(
      "/heartbeat",
      () =>
        new EventSourceResponse(
          async function* (signal) {
            yield "hello";
            await sleep(60_000, signal);
          },
          { heartbeat: 20 },
        ),
    ),
    new Route(
      "/lines",
      () =>
        new EventSourceResponse([
          { event: "note", id: "7", data: "one\ntwo\r\nthree" },
          { retry: 2500 },
        ]),
    ),
    new Route("/many", (request) => {
      const state = stateOf(request);
      return new EventSourceResponse(async function* () {
        for (let n = 1; n <= MANY_EVENTS; n++) {
          state.produced++;
          yield { id: n, data: `event ${n}` };
        }
        state.finished = true;
      });
    }),
    new Route("/background", (request) => {
      const state = stateOf(request);
      const background = () => {
        state.background = { produced: state.produced, finished: state.finished };
      };
      return new StreamingResponse(
        async function* () {
          for (; state.produced < 3; state.produced++) yield `${state.produced}\n`;
          state.finished = true;
        },
        { background },
      );
    }),
    new Route("/__state", (request) => new JSONResponse(stateOf(request))),
    new Route("/__reports", () => new JSONResponse(reports)),
  ];
  return new App({
    routes,
    exceptionHandlers: [[Error, () => new PlainTextResponse("custom 500", { status: 500 })]],
    onError: (error) => reports.push(String((error as Error)?.message ?? error)),
  });
}
