/**
 * The dashboard on its own HTTP server, as `jobgen dashboard` and the demo run it. It binds
 * 127.0.0.1 unless told otherwise, and while bound to a loopback address it answers only requests
 * whose Host is a loopback name: a page on another site cannot reach it through DNS rebinding.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT } from "../defaults.js";
import { createDashboard, type Dashboard, type DashboardOptions } from "./dashboard.js";

/** Options of {@link startDashboardServer}. */
export interface DashboardServerOptions extends DashboardOptions {
  /** Port to listen on; 0 picks a free one. @defaultValue 8484 */
  readonly port?: number | undefined;
  /** Address to bind. @defaultValue `"127.0.0.1"` */
  readonly host?: string | undefined;
}

export interface DashboardServer {
  /** The page's URL (`http://127.0.0.1:8484/`). */
  readonly url: string;
  readonly dashboard: Dashboard;
  readonly server: Server;
  /** Bound to a loopback address: only this machine reaches it. */
  readonly loopback: boolean;
  /** Stops listening and closes the dashboard. */
  close(): Promise<void>;
}

const LOOPBACK_ADDRESSES = new Set(["127.0.0.1", "::1", "localhost"]);
const LOOPBACK_NAMES = new Set(["127.0.0.1", "[::1]", "localhost"]);

export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const host = options.host ?? DEFAULT_DASHBOARD_HOST;
  const dashboard = createDashboard(options);
  const loopback = LOOPBACK_ADDRESSES.has(host);
  const server = createServer((req, res) => {
    if (loopback && !LOOPBACK_NAMES.has(hostName(req.headers.host))) {
      res.statusCode = 421;
      res.setHeader("content-type", "text/plain; charset=utf-8");
      return void res.end("this dashboard answers only at a loopback address such as 127.0.0.1");
    }
    dashboard(req, res);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? DEFAULT_DASHBOARD_PORT, host, () => resolve());
    });
  } catch (error) {
    await dashboard.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}${dashboard.basePath}/`,
    dashboard,
    server,
    loopback,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dashboard.close();
    },
  };
}

/** The host name of a Host header, without its port. */
function hostName(header: string | undefined): string {
  if (header === undefined) return "";
  return header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : (header.split(":")[0] ?? "");
}
