/**
 * How the shared suites reach the test worker from inside workerd: through
 * `exports.default.fetch`, workerd's own fetch path (a 101 must carry a real
 * `webSocket` to cross it). The hostname picks the app (see worker.ts).
 */
import { exports } from "cloudflare:workers";
import {
  type AppTarget,
  type ClientSocket,
  fromWebSocketLike,
  readDenial,
  type WebSocketLike,
} from "../../suite/ws-client.ts";

/** The client end of a `WebSocketPair`, as it comes back in a 101 response. */
type PairEnd = WebSocketLike & { accept(): void };

export function upgradeRequest(
  url: string,
  protocols: readonly string[] = [],
  extra: Record<string, string> = {},
): Request {
  const headers = new Headers({ upgrade: "websocket", ...extra });
  if (protocols.length > 0) headers.set("sec-websocket-protocol", protocols.join(", "));
  return new Request(url, { headers, redirect: "manual" });
}

function pairEndOf(response: Response): PairEnd | null {
  return (response as Response & { webSocket?: PairEnd | null }).webSocket ?? null;
}

/** Accepts the client end and wraps it; the handshake's subprotocol and headers come from the 101. */
export async function openPairClient(response: Response): Promise<ClientSocket> {
  const end = pairEndOf(response);
  if (!end) throw new Error(`expected a WebSocket upgrade, got HTTP ${response.status}`);
  end.accept();
  const protocol = response.headers.get("sec-websocket-protocol") ?? "";
  return fromWebSocketLike(end, { protocol, headers: response.headers });
}

/** The app served at `http://<host>/` by the test worker. */
export function workerTarget(host: string): AppTarget {
  const baseUrl = `http://${host}`;
  return {
    baseUrl,
    get: (path) => exports.default.fetch(`${baseUrl}${path}`),
    async connect(path, options) {
      const request = upgradeRequest(`${baseUrl}${path}`, options?.protocols);
      return openPairClient(await exports.default.fetch(request));
    },
    async requestUpgrade(path) {
      const response = await exports.default.fetch(upgradeRequest(`${baseUrl}${path}`));
      const end = pairEndOf(response);
      if (end) {
        end.accept();
        end.close(1000);
        throw new Error(`expected ${path} to refuse the upgrade, but it was accepted`);
      }
      return readDenial(response);
    },
    async handshake(path, headers) {
      const response = await exports.default.fetch(
        upgradeRequest(`${baseUrl}${path}`, [], headers),
      );
      const end = pairEndOf(response);
      end?.accept();
      end?.close(1000);
      return { status: response.status, headers: response.headers };
    },
  };
}
