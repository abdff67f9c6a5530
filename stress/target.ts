/**
 * The app `npm run stress` attacks, the same on every runtime. Each request
 * carries `?sid=N`; the app counts what it reported per sid, so the
 * orchestrator can tell unreported and double-reported errors apart from the
 * requests that should produce a report. Hostile values carry "SECRET", which
 * must never reach a response body.
 */
import { Hono } from "hono";
import {
  App,
  HTTPException,
  JSONResponse,
  Mount,
  PlainTextResponse,
  Route,
  readJson,
  WebSocketException,
  WebSocketRoute,
  type WebSocketSession,
} from "../src/index.ts";

/** What the app saw, served at `/__stats`. */
export interface StressStats {
  /** Reports per sid. */
  reports: Record<string, number>;
  /** Reports whose request carried no sid (malformed input must produce none). */
  anonymous: number;
  /** WebSocket endpoints still running. */
  live: number;
  /** Messages each flood endpoint sent before its send failed, per sid. */
  floods: Record<string, number>;
}

const SECRET = "SECRET-internal-detail";

/** Values no well-behaved code throws (S-LAY-6, issue 19 item 10). */
const HOSTILE: Record<string, () => unknown> = {
  error: () => new Error(`${SECRET} plain error`),
  string: () => `${SECRET} a string`,
  undefined: () => undefined,
  null: () => null,
  symbol: () => Symbol(SECRET),
  number: () => 42,
  "getter-throws": () => ({
    get message(): string {
      throw new Error(`${SECRET} from a getter`);
    },
  }),
  proxy: () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error(`${SECRET} from a trap`);
        },
        getPrototypeOf() {
          throw new Error(`${SECRET} from a trap`);
        },
      },
    ),
  "cyclic-cause": () => {
    const error = new Error(`${SECRET} cyclic`);
    (error as { cause?: unknown }).cause = error;
    return error;
  },
  huge: () => new Error(`${SECRET} ${"x".repeat(100_000)}`),
};

export const HOSTILE_KINDS = Object.keys(HOSTILE);

function sidOf(request: Request | undefined): string | undefined {
  try {
    return new URL(request?.url ?? "").searchParams.get("sid") ?? undefined;
  } catch {
    return undefined;
  }
}

function brokenStream(nonError: boolean): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(encoder.encode("first chunk\n")),
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      controller.error(nonError ? `${SECRET} not an Error` : new Error(`${SECRET} midway`));
    },
  });
  return new Response(body);
}

/** Runs a client's script: `echo:x`, `close:code`, `throw`, `http:status`, `wsexc:code`. */
async function scripted(ws: WebSocketSession, stats: StressStats): Promise<void> {
  ws.accept();
  stats.live++;
  try {
    for await (const message of ws) {
      const text = typeof message === "string" ? message : "bytes";
      const [command, argument = ""] = text.split(":", 2);
      if (command === "echo") ws.sendText(argument);
      else if (command === "close") return ws.close(Number(argument), "scripted");
      else if (command === "throw") throw new Error(`${SECRET} endpoint failed`);
      else if (command === "http") throw new HTTPException(Number(argument), "scripted");
      else if (command === "wsexc") throw new WebSocketException(Number(argument), "scripted");
    }
  } finally {
    stats.live--;
  }
}

/** Sends 64 KiB messages until a send fails: to a client that does not read, that is the bound. */
async function flood(ws: WebSocketSession, stats: StressStats): Promise<void> {
  ws.accept();
  stats.live++;
  const sid = sidOf(ws.request) ?? "?";
  const chunk = new Uint8Array(64 * 1024);
  let sent = 0;
  try {
    for (; sent < 2000; sent++) ws.sendBytes(chunk);
  } finally {
    stats.floods[sid] = sent;
    stats.live--;
  }
}

function honoApp(): Hono {
  const hono = new Hono();
  hono.all("*", (c) => c.text(`hono ${c.req.method}`));
  return hono;
}

/**
 * `requestTimeout` is for runtimes whose server has none of its own (workerd): the
 * app answers a request that never settles itself.
 */
export function createTarget(options: { requestTimeout?: number } = {}): {
  app: App;
  stats: StressStats;
  onError(error: unknown): void;
} {
  const stats: StressStats = { reports: {}, anonymous: 0, live: 0, floods: {} };
  const record = (request?: Request) => {
    const sid = sidOf(request);
    if (sid === undefined) stats.anonymous++;
    else stats.reports[sid] = (stats.reports[sid] ?? 0) + 1;
  };
  const app = new App({
    routes: [
      new Route("/ok", () => new PlainTextResponse("ok")),
      new Route("/ok/{n:int}", (_request, ctx) => new JSONResponse({ n: ctx.params.n })),
      new Route("/files/{p:path}", (_request, ctx) => new JSONResponse({ p: ctx.params.p })),
      // Not echoed: V8 parses nesting (5,000 levels) that JSON.stringify cannot write back.
      new Route(
        "/echo-json",
        async (request) => new JSONResponse(typeof (await readJson(request))),
        {
          methods: ["POST"],
        },
      ),
      new Route("/boom/{kind}", (_request, ctx) => {
        throw (HOSTILE[String(ctx.params.kind)] ?? HOSTILE.error)();
      }),
      new Route("/http/{status:int}", (_request, ctx) => {
        throw new HTTPException(Number(ctx.params.status), "scripted");
      }),
      new Route("/stream/broken", () => brokenStream(false)),
      new Route("/stream/non-error", () => brokenStream(true)),
      new Route("/slow", async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return new PlainTextResponse("slow");
      }),
      new Route("/hang", () => new Promise<Response>(() => {})),
      new Route("/head-background", () => {
        return new PlainTextResponse("with a failing task", {
          background: () => {
            throw new Error(`${SECRET} background`);
          },
        });
      }),
      new Route("/__stats", () => new JSONResponse(stats)),
      new Mount("/hono", honoApp()),
      new WebSocketRoute("/ws/script", (ws) => scripted(ws, stats)),
      new WebSocketRoute("/ws/flood", (ws) => flood(ws, stats)),
    ],
    onError: (_error, request) => record(request),
    requestTimeout: options.requestTimeout,
  });
  // The adapter's own reports: a stuck request (requestTimeout) names its request; others do not.
  const onError = (error: unknown) => {
    try {
      record((error as { request?: Request } | null)?.request);
    } catch {
      stats.anonymous++; // a thrown value whose property reads throw
    }
  };
  return { app, stats, onError };
}
