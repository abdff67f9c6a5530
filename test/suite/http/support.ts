import type { ErrorReporter } from "../../../src/reporting.ts";
import { TestClient } from "../../../src/testing/index.ts";
import type { Fetchable } from "../../../src/types.ts";

/** An `onError` spy: every report, in order, with the request it came with. */
export interface ReportSpy {
  readonly onError: ErrorReporter;
  readonly errors: unknown[];
  readonly requests: Request[];
}

export function reportSpy(): ReportSpy {
  const errors: unknown[] = [];
  const requests: Request[] = [];
  return {
    errors,
    requests,
    onError: (error, request) => {
      errors.push(error);
      requests.push(request);
    },
  };
}

/** A client that hands back 500 responses instead of re-throwing, so tests can read them. */
export function quietClient(app: Fetchable | Fetchable["fetch"]): TestClient {
  return new TestClient(app, { raiseServerExceptions: false });
}

/** A handler spy: records each call's arguments and answers with `answer`. */
export function handlerSpy(answer: () => Response) {
  const calls: Array<{ request: Request; exc: unknown; ctx: unknown }> = [];
  const handler = (request: Request, exc: unknown, ctx: unknown) => {
    calls.push({ request, exc, ctx });
    return answer();
  };
  return { handler, calls };
}

/** Lets timers and the microtask queue run, so deferred work (and unhandled rejections) surface. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

/** A body that sends `first`, then fails with `error` when the next chunk is pulled. */
export function breakingStream(first: string, error: unknown): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) throw error;
      sent = true;
      controller.enqueue(new TextEncoder().encode(first));
    },
  });
}

/**
 * A `Content-Type` as a media type, whatever the runtime's spelling
 * (`text/plain;charset=UTF-8` and `text/plain; charset=utf-8` are the same, S-RES-8).
 */
export function mediaType(header: string | null): string {
  return String(header).toLowerCase().replace(/\s+/g, "");
}

/**
 * What this runtime types a string body as, in memory: `text/plain;charset=utf-8`
 * everywhere but Bun, which types it only as it sends it (over the wire it is the same).
 */
export function textPlain(): string {
  // Built when asked: workerd allows no Response at a module's top level.
  return mediaType(new Response("").headers.get("content-type"));
}

/** What every runtime sends for a string body. */
export const WIRE_TEXT_PLAIN = "text/plain;charset=utf-8";
