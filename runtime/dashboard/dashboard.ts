/**
 * `createDashboard`: the dashboard as a Node request handler `(req, res)`, for node:http, Express
 * (`app.use("/jobs", dashboard)`) or Fastify (`reply.hijack()`, then `dashboard(request.raw,
 * reply.raw)`), under any base path. It serves the page (assets.generated.ts, nothing fetched at
 * run time) and the JSON API (api.ts); it writes only when created with `allowWrites`, and then
 * only for requests that pass write-guard.ts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createAdmin } from "../admin/admin.js";
import type { Duration } from "../duration.js";
import { ConfigError, RedisError } from "../errors.js";
import type { RedisTarget, TaskRegistry } from "../types.js";
import { READ_ROUTES, WRITE_ROUTES, type ApiContext } from "./api.js";
import { DASHBOARD_ASSETS } from "./assets.generated.js";
import { cachedTally } from "./dlq-tally.js";
import { HttpError, sendJson } from "./http-io.js";
import { replayJobs } from "./replay-jobs.js";
import { setSecurityHeaders } from "./security-headers.js";
import { taskTypeViews, type PayloadSchemaBundle } from "./task-types.js";
import { newWriteToken, refuseWrite } from "./write-guard.js";

/** Options of {@link createDashboard}. */
export interface DashboardOptions {
  /** The generated registry (`import { registry } from "./generated/index.js"`). */
  readonly registry: TaskRegistry;
  /**
   * The generated `schema.json`, to show each payload schema as written (formats, descriptions,
   * `x-sensitive`). @defaultValue a schema derived from each task's validator
   */
  readonly schema?: PayloadSchemaBundle | undefined;
  /**
   * `redis://` or `rediss://` URL, or a Redis Cluster (see {@link RedisTarget}).
   * @defaultValue `process.env.REDIS_URL ?? "redis://127.0.0.1:6379"`
   */
  readonly redis?: RedisTarget | undefined;
  /** Prefix of every key, as producers and workers use it. @defaultValue `""` */
  readonly keyPrefix?: string | undefined;
  /**
   * The path the dashboard is served under (`/admin/jobs`). Not needed where the framework strips
   * its mount path from `req.url`, as Express's `app.use(path, handler)` does. @defaultValue `""`
   */
  readonly basePath?: string | undefined;
  /** Allow replay and purge (POST, with the write token and a same-origin check). @defaultValue false */
  readonly allowWrites?: boolean | undefined;
  /** The write token; with `allowWrites` and no token, a random one is made (read it from `dashboard.token`). */
  readonly token?: string | undefined;
  /** How long to wait for Redis to answer the first time. @defaultValue `"3s"` */
  readonly connectTimeout?: Duration | undefined;
}

/** A Node request handler; `next` (Express) is called for requests outside the base path. */
export interface Dashboard {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void;
  /** The write token requests must carry in `x-jobgen-token`; `undefined` when read-only. */
  readonly token: string | undefined;
  readonly basePath: string;
  /** Waits for running replays, then closes the Redis connection. */
  close(): Promise<void>;
}

export function createDashboard(options: DashboardOptions): Dashboard {
  const basePath = normalizeBasePath(options.basePath ?? "");
  if (options.token !== undefined && options.token.length < 16) {
    throw new ConfigError("createDashboard option token must be at least 16 characters");
  }
  const token = options.allowWrites === true ? (options.token ?? newWriteToken()) : undefined;
  const admin = createAdmin(options.registry, {
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    connectTimeout: options.connectTimeout,
  });
  const ctx: ApiContext = {
    admin,
    taskTypes: taskTypeViews(options.registry, options.schema),
    tally: cachedTally(admin),
    jobs: replayJobs(admin),
    writable: token !== undefined,
    queueNames: Object.keys(options.registry.queues).sort(),
  };

  const handler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void => {
    const url = new URL(req.url ?? "/", "http://dashboard.invalid");
    const shown = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "/";
    // Express's app.use(path, handler) strips its mount path from req.url and keeps originalUrl.
    const mounted = shown !== req.url;
    const path = mounted ? url.pathname : relativePath(url.pathname, basePath);
    if (path === undefined) {
      if (next !== undefined) return next();
      return sendText(res, 404, "not found");
    }
    setSecurityHeaders(res);
    serve(ctx, req, res, { path, url, shown: new URL(shown, url) }, token).catch((error: unknown) =>
      answerError(res, error),
    );
  };
  return Object.assign(handler, {
    token,
    basePath,
    async close() {
      await ctx.jobs.settled();
      await admin.close();
    },
  });
}

async function serve(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  { path, url, shown }: { readonly path: string; readonly url: URL; readonly shown: URL },
  token: string | undefined,
): Promise<void> {
  if (path.startsWith("/api/")) {
    const name = path.slice("/api/".length);
    if (req.method === "GET" || req.method === "HEAD") {
      const route = Object.hasOwn(READ_ROUTES, name) ? READ_ROUTES[name] : undefined;
      if (route === undefined) throw new HttpError(404, `no API route "${name}"`);
      return sendJson(res, 200, await route(ctx, url.searchParams, req));
    }
    const route = Object.hasOwn(WRITE_ROUTES, name) ? WRITE_ROUTES[name] : undefined;
    if (route === undefined) throw new HttpError(404, `no API route "${name}" for ${req.method}`);
    const refused = refuseWrite(req, token);
    if (refused !== undefined) throw new HttpError(refused.status, refused.message);
    return sendJson(res, 200, await route(ctx, url.searchParams, req));
  }
  if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, "the page is read with GET");
  if (path === "/" || path === "") {
    // The page loads its script and API with relative URLs: its own URL must end with a slash.
    if (!shown.pathname.endsWith("/")) {
      res.statusCode = 308;
      // One leading slash: a Location of `//host/...` would leave the site.
      res.setHeader("location", `/${shown.pathname.replace(/^\/+/, "")}/${shown.search}`);
      return void res.end();
    }
    return sendAsset(res, "index.html");
  }
  const asset = path.slice(1);
  if (Object.hasOwn(DASHBOARD_ASSETS, asset) && asset !== "index.html") return sendAsset(res, asset);
  throw new HttpError(404, "not found");
}

function sendAsset(res: ServerResponse, name: string): void {
  const asset = DASHBOARD_ASSETS[name];
  if (asset === undefined) throw new HttpError(404, "not found");
  res.statusCode = 200;
  res.setHeader("content-type", asset.contentType);
  res.setHeader("content-length", Buffer.byteLength(asset.body));
  res.end(asset.body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader("content-type", "text/plain; charset=utf-8");
  res.end(text);
}

function answerError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  const status =
    error instanceof HttpError
      ? error.status
      : error instanceof RangeError
        ? 400
        : error instanceof RedisError
          ? 503
          : 500;
  sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
}

/** `""` or `/a/b` (no trailing slash); a JobgenError for anything else. */
function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed !== "" && !/^(\/[A-Za-z0-9._~-]+)+$/.test(trimmed)) {
    throw new ConfigError(
      `createDashboard option basePath "${path}" must be a URL path such as "/admin/jobs"`,
    );
  }
  return trimmed;
}

/** The path below the base path; `undefined` for a path outside it. */
function relativePath(pathname: string, basePath: string): string | undefined {
  if (basePath === "") return pathname;
  if (pathname === basePath) return "";
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
}
