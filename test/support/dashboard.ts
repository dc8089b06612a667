/** A dashboard on a throwaway HTTP server, for the dashboard's API and browser tests. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDashboard, type Dashboard, type DashboardOptions } from "../../runtime/dashboard/index.js";

export interface ServedDashboard {
  readonly dashboard: Dashboard;
  /** The server's origin, `http://127.0.0.1:<port>`. */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves `createDashboard(options)` on a free loopback port. With `mountAt`, the server strips that
 * prefix from `req.url` and keeps `originalUrl`, as Express's `app.use(mountAt, handler)` does.
 */
export async function serveDashboard(options: DashboardOptions, mountAt?: string): Promise<ServedDashboard> {
  const dashboard = createDashboard(options);
  const server: Server = createServer((req: IncomingMessage & { originalUrl?: string }, res) => {
    if (mountAt !== undefined) {
      const url = req.url ?? "/";
      if (url !== mountAt && !url.startsWith(`${mountAt}/`) && !url.startsWith(`${mountAt}?`)) {
        res.statusCode = 404;
        return void res.end("outside the mount");
      }
      req.originalUrl = url;
      req.url = url.slice(mountAt.length) || "/";
      if (req.url.startsWith("?")) req.url = `/${req.url}`;
    }
    dashboard(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dashboard,
    origin: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dashboard.close();
    },
  };
}
