import { App } from "../../src/app.ts";
import { HTTPException } from "../../src/exceptions.ts";
import { readJson } from "../../src/request-body.ts";
import { JSONResponse, PlainTextResponse } from "../../src/responses.ts";
import { Mount, Route } from "../../src/routing/route.ts";
import type { Context } from "../../src/types.ts";
import { createStreamApp } from "./stream-app.ts";

/**
 * The app every runtime serves for the over-the-wire suite (`wire.ts`). Its
 * reports are readable at `GET /__reports`, so a test in another process can
 * check what the server reported.
 */

const encoder = new TextEncoder();

const text = () => new PlainTextResponse("hello, wire");
const typedParam = (_request: Request, ctx: Context) =>
  new JSONResponse({ id: ctx.params.id, type: typeof ctx.params.id });
const denied = () => {
  throw new HTTPException(401, "log in first", { "www-authenticate": 'Bearer realm="wire"' });
};
const boom = () => {
  throw new Error("wire boom");
};
const throwString = () => {
  throw "wire string";
};
const items = () => new PlainTextResponse("items");
const failingBackground = () =>
  new PlainTextResponse("accepted", {
    background: () => {
      throw new Error("wire background failed");
    },
  });

/** Sends a first chunk, then fails a moment later, after the status and that chunk went out. */
function breakingBody(): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(encoder.encode("first chunk\n"));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error("wire stream broke");
    },
  });
  return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** Reads the body, then rejects it: the 422 handler reads it again (S-BAD-1). */
const validate = async (request: Request) => {
  await readJson(request);
  throw new HTTPException(422, "invalid");
};

const bodyAgain = async (request: Request) =>
  new JSONResponse({ text: await request.text(), json: await request.json() }, { status: 422 });

/** Fails after its first chunk with a value that is not an `Error`. */
function bodyBrokenByString(): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent) {
        await new Promise((resolve) => setTimeout(resolve, 50)); // after the status went out
        throw "wire string broke the stream";
      }
      sent = true;
      controller.enqueue(encoder.encode("first chunk\n"));
    },
  });
  return new Response(body);
}

const fileParam = (_request: Request, ctx: Context) =>
  new PlainTextResponse(`file:${ctx.params.p}`);
const landing = () => new PlainTextResponse("landing");
const foreignFetch = (request: Request) =>
  new PlainTextResponse(`foreign ${request.method} ${new URL(request.url).pathname}`);

const notFound = (request: Request) =>
  new JSONResponse({ error: "not found", path: new URL(request.url).pathname }, { status: 404 });

const serverError = () =>
  new PlainTextResponse("custom 500", { status: 500, headers: { "x-handled-by": "500 handler" } });

/** A fresh app with its own report list. */
export function createWireApp(): App {
  const reports: string[] = [];
  const record = (error: unknown) => {
    reports.push(String((error as { message?: unknown } | undefined)?.message ?? error));
  };
  return new App({
    routes: [
      new Route("/text", text),
      new Route("/json/{id:int}", typedParam),
      new Route("/denied", denied),
      new Route("/boom", boom),
      new Route("/throw-string", throwString),
      new Route("/items", items, { methods: ["GET", "POST"] }),
      new Route("/background-fails", failingBackground),
      new Route("/stream-breaks", breakingBody),
      new Route("/validate", validate, { methods: ["POST"] }),
      new Route("/stream-breaks-string", bodyBrokenByString),
      new Route("/files/{p:path}", fileParam),
      new Route("/landing", landing),
      new Mount("/foreign", foreignFetch),
      new Mount("/streams", createStreamApp()), // stream-wire.ts
      new Route("/__reports", () => new JSONResponse(reports)),
    ],
    exceptionHandlers: [
      [404, notFound],
      [422, bodyAgain],
      [Error, serverError],
    ],
    onError: record,
  });
}
