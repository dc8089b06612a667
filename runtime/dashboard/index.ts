// `@jobgen/runtime/dashboard`: the web dashboard, as a request handler to mount in an app
// (createDashboard) or on its own server (startDashboardServer, what `jobgen dashboard` runs).
export { createDashboard } from "./dashboard.js";
export type { Dashboard, DashboardOptions } from "./dashboard.js";
export { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT } from "../defaults.js";
export { startDashboardServer } from "./server.js";
export type { DashboardServer, DashboardServerOptions } from "./server.js";
export type { PayloadSchemaBundle, TaskTypeView } from "./task-types.js";
export { CONTENT_SECURITY_POLICY } from "./security-headers.js";
export { TOKEN_HEADER } from "./write-guard.js";
