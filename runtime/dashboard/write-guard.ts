/**
 * Who may change the queues through the dashboard. A write (replay, purge) must be a POST with a
 * JSON body, carry the write token in the `x-jobgen-token` header, and come from the dashboard's
 * own origin: a browser sends `Origin` and `Sec-Fetch-Site` with every cross-site POST, and a
 * forged form or `fetch` from another site can set neither the token header nor a JSON content
 * type without a CORS preflight, which the dashboard never answers.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** The request header the write token travels in. */
export const TOKEN_HEADER = "x-jobgen-token";

/** A fresh random write token (32 bytes, base64url). */
export function newWriteToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Why a write is refused (an HTTP status and a message), or `undefined` when it may go ahead. */
export function refuseWrite(
  req: IncomingMessage,
  token: string | undefined,
): { readonly status: number; readonly message: string } | undefined {
  if (token === undefined) {
    return {
      status: 403,
      message: "this dashboard is read-only; start it with writes allowed (jobgen dashboard --allow-writes)",
    };
  }
  if (req.method !== "POST") return { status: 405, message: "writes must be POST requests" };
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) {
    return { status: 415, message: "writes must send a JSON body (content-type: application/json)" };
  }
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return { status: 403, message: `cross-site write refused (sec-fetch-site: ${site})` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !sameHost(origin, req.headers.host)) {
    return { status: 403, message: "cross-origin write refused: the Origin is not this dashboard's host" };
  }
  const given = req.headers[TOKEN_HEADER];
  if (typeof given !== "string" || !sameSecret(given, token)) {
    return {
      status: 401,
      message: `missing or wrong write token; send the token the dashboard printed in the ${TOKEN_HEADER} header`,
    };
  }
  return undefined;
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Compares digests, so the comparison takes the same time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
