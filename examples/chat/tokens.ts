/**
 * Signed member tokens: `<user>.<HMAC-SHA256 of user>`, base64url. The room
 * trusts a name only if the Worker's secret signed it, so nobody can chat as
 * somebody else. Swap in your own sign-in (sessions, JWTs, Access); the room
 * only needs `verifyToken` to answer with a user name or null.
 */
const encoder = new TextEncoder();

/** Who may be a member: the name is shown to everyone, so keep it plain. */
export const USER_NAME = /^[A-Za-z0-9_-]{1,32}$/;

function importKey(secret: string): Promise<CryptoKey> {
  const algorithm = { name: "HMAC", hash: "SHA-256" };
  return crypto.subtle.importKey("raw", encoder.encode(secret), algorithm, false, [
    "sign",
    "verify",
  ]);
}

function toBase64Url(bytes: ArrayBuffer): string {
  const text = btoa(String.fromCharCode(...new Uint8Array(bytes)));
  return text.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function signToken(user: string, secret: string): Promise<string> {
  if (!USER_NAME.test(user))
    throw new TypeError(`user name must match ${USER_NAME}, got "${user}"`);
  const signature = await crypto.subtle.sign("HMAC", await importKey(secret), encoder.encode(user));
  return `${user}.${toBase64Url(signature)}`;
}

/** The user a token names, or null when it is missing, malformed or not signed with `secret`. */
export async function verifyToken(token: string | null, secret: string): Promise<string | null> {
  const [user, signature, ...rest] = (token ?? "").split(".");
  if (!user || !signature || rest.length > 0 || !USER_NAME.test(user)) return null;
  const bytes = fromBase64Url(signature);
  if (!bytes) return null;
  // `verify` compares in constant time, unlike comparing two strings.
  const valid = await crypto.subtle.verify(
    "HMAC",
    await importKey(secret),
    bytes,
    encoder.encode(user),
  );
  return valid ? user : null;
}
