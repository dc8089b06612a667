/** Reading JSON request bodies and writing JSON responses, for the dashboard's API. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** The largest request body the API reads (a filter or an entry reference). */
export const MAX_BODY_BYTES = 16 * 1024;

/** An error the API answers with its status and message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(text));
  res.end(text);
}

/**
 * The request's JSON body as an object; an {@link HttpError} when it is too large or not an object.
 * A body a framework parsed already (Express's `express.json()` sets `req.body`) is taken as it is;
 * one that was read and dropped is refused, never taken as empty.
 */
export async function readJsonObject(
  req: IncomingMessage & { readonly body?: unknown },
): Promise<Record<string, unknown>> {
  if (req.body !== undefined) return asObject(req.body);
  if (req.readableEnded) {
    throw new HttpError(
      500,
      "the request body was read before the dashboard got it; mount the dashboard before body-parsing middleware",
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  let value: unknown;
  try {
    value = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new HttpError(400, "the request body is not JSON");
  }
  return asObject(value);
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "the request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/** A string field of a body or query, or `undefined` when absent or empty; an {@link HttpError} otherwise. */
export function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new HttpError(400, `"${name}" must be a string`);
  return value;
}
