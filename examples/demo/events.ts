/**
 * `/events`: server-sent events a browser can open. A browser (which asks
 * for HTML) gets a page that listens with `EventSource`; an `EventSource`
 * or `curl -N` gets the stream: a tick a second, resumed after the
 * `Last-Event-ID` a reconnecting client sends.
 *   ?every=ms      the interval (10 to 60000; 1000 by default)
 *   ?fail=before   the feed fails before its first event: the 503 handler answers
 *   ?fail=N        it fails after N events: an `error` event, then the stream is cut (reported)
 */
import { EventSourceResponse, HTMLResponse, HTTPException, lastEventId } from "../../src/index.ts";

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>edgelette: server-sent events</title>
<h1>Server-sent events</h1>
<p>Each tick below arrived on one <code>text/event-stream</code> response. Reload to resume
after the last id; add <code>?fail=3</code> to see the error event.</p>
<ol id="log"></ol>
<script>
  const log = document.getElementById("log");
  const add = (text) => log.appendChild(document.createElement("li")).append(text);
  const source = new EventSource(location.pathname + "?" + new URLSearchParams(location.search));
  source.addEventListener("tick", (event) => add("tick " + event.lastEventId + ": " + event.data));
  source.addEventListener("error", (event) => {
    if (event.data) add("error event: " + event.data);
    source.close();
  });
</script>
`;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", stop);
      resolve();
    }, ms);
    signal.addEventListener("abort", stop, { once: true });
  });
}

function interval(query: URLSearchParams): number {
  const every = Number(query.get("every") ?? 1000);
  if (!Number.isInteger(every) || every < 10 || every > 60_000) {
    throw new HTTPException(400, "every must be an integer from 10 to 60000 (ms)");
  }
  return every;
}

export function events(request: Request): Response {
  if (!request.headers.get("accept")?.includes("text/event-stream")) return new HTMLResponse(PAGE);
  const query = new URL(request.url).searchParams;
  const every = interval(query);
  const fail = query.get("fail");
  const first = Number(lastEventId(request) ?? 0) + 1;
  return new EventSourceResponse(
    async function* (signal) {
      if (fail === "before") throw new HTTPException(503, "the feed is unavailable");
      for (let n = first; ; n++) {
        if (fail !== null && n - first === Number(fail))
          throw new Error("the feed broke on purpose");
        yield { event: "tick", id: n, data: JSON.stringify({ n, at: new Date().toISOString() }) };
        await sleep(every, signal);
      }
    },
    { heartbeat: 15_000, onError: () => ({ event: "error", data: "the feed stopped" }) },
  );
}
