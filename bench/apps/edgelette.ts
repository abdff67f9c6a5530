/**
 * The same app written the edgelette way: a JSON 404 handler, a JSON handler
 * for the `HTTPException` class (403, 422, 400), and a JSON 500 handler.
 */
import {
  App,
  type Context,
  HTTPException,
  JSONResponse,
  PlainTextResponse,
  Route,
  readJson,
  WebSocketRoute,
  type WebSocketSession,
} from "../../src/index.ts";
import { WEBSOCKET_PATH } from "../scenarios.ts";
import { createdUser, userProblem } from "./validate.ts";

function user(_request: Request, ctx: Context): Response {
  const id = ctx.params.id as number;
  return new JSONResponse({ id, name: `user-${id}` });
}

async function createUser(request: Request): Promise<Response> {
  const body = await readJson(request);
  const problem = userProblem(body);
  if (problem) throw new HTTPException(422, problem);
  return new JSONResponse(createdUser(body), { status: 201 });
}

async function echo(ws: WebSocketSession): Promise<void> {
  ws.accept();
  for await (const message of ws) {
    if (typeof message === "string") ws.sendText(message);
    else ws.sendBytes(message);
  }
}

function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return new JSONResponse({ detail: "Not Found", path: pathname }, { status: 404 });
}

function httpException(_request: Request, exc: HTTPException): Response {
  return new JSONResponse({ detail: exc.detail }, { status: exc.statusCode, headers: exc.headers });
}

function serverError(): Response {
  return new JSONResponse({ detail: "Internal Server Error" }, { status: 500 });
}

export function createEdgeletteApp(): App {
  return new App({
    routes: [
      new Route("/", () => new PlainTextResponse("Hello, World!")),
      new Route("/users/{id:int}", user),
      new Route("/admin", () => {
        throw new HTTPException(403);
      }),
      new Route("/boom", () => {
        throw new Error("boom");
      }),
      new Route("/users", createUser, { methods: ["POST"] }),
      new WebSocketRoute(WEBSOCKET_PATH, echo),
    ],
    exceptionHandlers: [
      [404, notFound],
      [HTTPException, httpException],
      [500, serverError],
    ],
    // The other apps do not log; a benchmark that printed a stack per request would time stderr.
    onError: () => {},
  });
}
