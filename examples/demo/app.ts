/**
 * The demo: every feature a visitor can try with curl. Served by
 * `npm start` (wrangler dev, workerd) from ./worker.ts.
 */
import { z } from "zod";
import {
  App,
  HTTPException,
  JSONResponse,
  type Middleware,
  Mount,
  PlainTextResponse,
  Route,
  WebSocketException,
  WebSocketRoute,
  type WebSocketSession,
} from "../../src/index.ts";
import { events } from "./events.ts";

/** A domain exception with its own handler: not an HTTPException at all. */
export class PaymentRequired extends Error {
  constructor(readonly plan: string) {
    super(`plan ${plan} needs a payment`);
    this.name = "PaymentRequired";
  }
}

const INDEX = `edgelette demo: try these
  curl -i localhost:8787/users/42           typed path parameter ({id:int})
  curl -i localhost:8787/users/abc          JSON 404 from the 404 handler
  curl -i -X DELETE localhost:8787/items    405 with Allow: GET, HEAD, POST
  curl -i localhost:8787/premium            custom exception class → its own handler (402)
  curl -i localhost:8787/limited            HTTPException with headers (429 + Retry-After)
  curl -i localhost:8787/signup -H 'content-type: application/json' -d '{"email":"Ada@Example.org","password":"correct horse battery"}'
                                            validated body and query (zod): 201, or 422 listing every problem
  curl -i localhost:8787/crash              a bug: the 500 handler answers, with CORS headers
  curl -i localhost:8787/debug/crash        debug-mode sub-app: the traceback page
  curl -N localhost:8787/events -H 'accept: text/event-stream'   server-sent events (or open it in a browser)
  websocat 'ws://localhost:8787/ws?token=demo'   JSON echo; {"command":"forbidden"} closes 4403
`;

function users(_request: Request, ctx: { params: Record<string, unknown> }): Response {
  return new JSONResponse({ id: ctx.params.id, name: `user ${ctx.params.id}` });
}

function items(request: Request): Response {
  return new JSONResponse({ method: request.method, items: ["a", "b"] });
}

/** What `POST /signup` accepts: the endpoint gets the output (email lower-cased, plan defaulted). */
const Signup = z.object({
  email: z.email().transform((email) => email.toLowerCase()),
  password: z.string().min(12, "must be at least 12 characters"),
  plan: z.enum(["free", "gold"]).default("free"),
});
const SignupQuery = z.object({ ref: z.string().max(32).optional() });

const signup = new Route(
  "/signup",
  (_request, ctx) => {
    const { email, plan } = ctx.valid.body; // typed from the schema: no casts
    return new JSONResponse({ email, plan, ref: ctx.valid.query.ref ?? null }, { status: 201 });
  },
  { methods: ["POST"], body: Signup, query: SignupQuery },
);

function premium(): Response {
  throw new PaymentRequired("gold");
}

function limited(): Response {
  throw new HTTPException(429, "Slow down", { "retry-after": "30" });
}

function crash(): Response {
  throw new Error("the demo crashed on purpose");
}

/**
 * Outside the 500 layer, so even a 500 carries CORS headers. An accepted
 * WebSocket upgrade is passed through untouched: rebuilding it would drop
 * the socket (on Workers a 101 cannot even be constructed).
 */
const cors: Middleware = (next) => async (request, ctx) => {
  const response = await next(request, ctx);
  if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return response;
  const headers = new Headers(response.headers);
  headers.set("access-control-allow-origin", "*");
  return new Response(response.body, { status: response.status, headers });
};

/** `/ws?token=…`: 1008 without a token, JSON echo, 4403 on a forbidden command. */
async function echo(ws: WebSocketSession): Promise<void> {
  if (!new URL(ws.request.url).searchParams.get("token")) {
    throw new WebSocketException(1008, "token required");
  }
  ws.accept();
  while (true) {
    let message: unknown;
    try {
      message = await ws.receiveJson();
    } catch (error) {
      // Invalid JSON rejects with InvalidWebSocketMessage, a WebSocketException with code 1007.
      if (!(error instanceof WebSocketException && error.code === 1007)) throw error;
      ws.sendJson({ error: "messages must be JSON" });
      continue;
    }
    if ((message as { command?: unknown }).command === "forbidden") {
      throw new WebSocketException(4403, "forbidden command");
    }
    ws.sendJson({ echo: message });
  }
}

/** A sub-app in debug mode: unhandled errors show the traceback page. */
const debugApp = new App({ routes: [new Route("/crash", crash)], debug: true });

export const app = new App({
  routes: [
    new Route("/", () => new PlainTextResponse(INDEX)),
    new Route("/users/{id:int}", users),
    new Route("/items", items, { methods: ["GET", "POST"] }),
    signup,
    new Route("/premium", premium),
    new Route("/limited", limited),
    new Route("/crash", crash),
    new Mount("/debug", debugApp),
    new Route("/events", events),
    new WebSocketRoute("/ws", echo),
  ],
  outerMiddleware: [cors],
  exceptionHandlers: [
    [
      404,
      (request) =>
        new JSONResponse(
          { error: "not found", path: new URL(request.url).pathname },
          { status: 404 },
        ),
    ],
    [
      PaymentRequired,
      (_request, exc: PaymentRequired) =>
        new JSONResponse({ error: exc.message, plan: exc.plan }, { status: 402 }),
    ],
    [
      500,
      () => new JSONResponse({ error: "something broke; it has been reported" }, { status: 500 }),
    ],
  ],
});
