/**
 * The headers of every dashboard response. The page runs no inline script and no inline style: its
 * script and stylesheet are served files (`'self'`), its chart is SVG built with DOM calls, and
 * every text from Redis is set with `textContent`. So the Content-Security-Policy allows nothing
 * else: an injected `<script>` or `onerror=` attribute would not run even if it reached the DOM.
 */
import type { ServerResponse } from "node:http";

/** The Content-Security-Policy of every response. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  // Payloads are data of the app's users: never keep them in a browser or proxy cache.
  "cache-control": "no-store",
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
