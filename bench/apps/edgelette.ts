/**
 * The same app written the edgelette way: a JSON 404 handler, a JSON handler
 * for the `HTTPException` class (403, 422, 415, 413, 400), and a JSON 500
 * handler. Built from a module of edgelette's public API, so the A/B tool
 * (bench/ab.mjs) can build the same app from two versions of it.
 */
import * as edgelette from "../../src/index.ts";
import { WEBSOCKET_PATH } from "../scenarios.ts";
import { createdUser, userProblem } from "./validate.ts";

/** The public API the app is written against: `src/index.ts`, or a build of it at another commit. */
export type Edgelette = Pick<
  typeof edgelette,
  | "App"
  | "HTTPException"
  | "JSONResponse"
  | "PlainTextResponse"
  | "Route"
  | "readJson"
  | "WebSocketRoute"
>;

/** `outerMiddleware` adds layers outside the 500 layer (the tracing bench times them). */
export function createEdgeletteApp(
  lib: Edgelette = edgelette,
  outerMiddleware: edgelette.Middleware[] = [],
): edgelette.App {
  const { App, HTTPException, JSONResponse, PlainTextResponse, Route, readJson, WebSocketRoute } =
    lib;

  function user(_request: Request, ctx: edgelette.Context): Response {
    const id = ctx.params.id as number;
    return new JSONResponse({ id, name: `user-${id}` });
  }

  async function createUser(request: Request): Promise<Response> {
    const body = await readJson(request);
    const problem = userProblem(body);
    if (problem) throw new HTTPException(422, problem);
    return new JSONResponse(createdUser(body), { status: 201 });
  }

  async function echo(ws: edgelette.WebSocketSession): Promise<void> {
    ws.accept();
    for await (const message of ws) {
      if (typeof message === "string") ws.sendText(message);
      else ws.sendBytes(message);
    }
  }

  // `ctx.path` is the URL's path sliced from the string, as Hono's `c.req.path` is: no URL parse.
  function notFound(_request: Request, _exc: unknown, ctx: edgelette.Context): Response {
    return new JSONResponse({ detail: "Not Found", path: ctx.path }, { status: 404 });
  }

  function httpException(_request: Request, exc: edgelette.HTTPException): Response {
    return new JSONResponse(
      { detail: exc.detail },
      { status: exc.statusCode, headers: exc.headers },
    );
  }

  function serverError(): Response {
    return new JSONResponse({ detail: "Internal Server Error" }, { status: 500 });
  }

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
    outerMiddleware,
  });
}
