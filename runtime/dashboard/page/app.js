// The dashboard page: plain DOM calls, no framework. Everything read from Redis (payloads, errors,
// task names) is data an attacker may have written, so it reaches the page only as text nodes
// (`textContent`, `createTextNode`), never parsed as HTML; and the CSP runs no inline script.
"use strict";

const POLL_QUEUES_MS = 2000;
const POLL_TASKS_MS = 5000;
const POLL_REPLAY_MS = 400;
const CHART_POINTS = 30;
const PAGE_SIZE = 50;
const TOKEN_KEY = "jobgen-dashboard-token";
const PAGES = ["queues", "tasks", "dlq", "actions"];

const state = {
  writable: false,
  timers: [],
  history: new Map(),
  facets: undefined,
  tasksRendered: false,
  dlqCursors: [null],
  dlqFilter: {},
  dlqNext: null,
  selectedRef: undefined,
};

// ---- DOM helpers: text only --------------------------------------------------------------------

function $(selector) {
  return document.querySelector(selector);
}

/** An element with attributes and children; string children become text nodes. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children)
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function replaceRows(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function cell(text, cls) {
  return el("td", cls ? { class: cls } : {}, text === undefined || text === null ? "-" : String(text));
}

function facts(dl, pairs) {
  dl.replaceChildren();
  for (const [name, value] of pairs) {
    dl.append(el("dt", {}, name), el("dd", {}, value === undefined || value === null ? "-" : String(value)));
  }
}

function showError(error) {
  const box = $("#error");
  if (error === undefined) {
    box.hidden = true;
    return;
  }
  box.textContent = error instanceof Error ? error.message : String(error);
  box.hidden = false;
}

function shortDuration(ms) {
  if (ms === undefined || ms === null) return "-";
  if (ms < 1000) return `${ms}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

function issuePath(path) {
  return path.length === 0 ? "(root)" : path.join(".");
}

// ---- API ----------------------------------------------------------------------------------------

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

async function api(path, body) {
  const init =
    body === undefined
      ? { headers: { accept: "application/json" } }
      : {
          method: "POST",
          headers: { "content-type": "application/json", "x-jobgen-token": token() },
          body: JSON.stringify(body),
        };
  const response = await fetch(`api/${path}`, { ...init, credentials: "same-origin", cache: "no-store" });
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  return search.toString();
}

// ---- pages and polling --------------------------------------------------------------------------

function every(ms, work) {
  const run = () =>
    work().then(
      () => showError(undefined),
      (error) => showError(error),
    );
  run();
  state.timers.push(setInterval(run, ms));
}

function showPage() {
  const name = PAGES.includes(location.hash.slice(1)) ? location.hash.slice(1) : "queues";
  for (const timer of state.timers) clearInterval(timer);
  state.timers = [];
  for (const page of PAGES) $(`#page-${page}`).hidden = page !== name;
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("current", link.dataset.page === name);
  }
  showError(undefined);
  if (name === "queues") every(POLL_QUEUES_MS, refreshQueues);
  if (name === "tasks") every(POLL_TASKS_MS, refreshTasks);
  if (name === "dlq") loadFacets().then(() => loadDeadLetters(), showError);
  if (name === "actions") loadFacets().then(showActions, showError);
}

// ---- Queues ---------------------------------------------------------------------------------------

async function refreshQueues() {
  const overview = await api("overview");
  setWritable(overview.writable);
  replaceRows(
    $("#queues-table tbody"),
    overview.queues.map((q) =>
      el(
        "tr",
        {},
        cell(q.queue),
        streamCell(q),
        cell(q.length, "n"),
        cell(q.pending, "n"),
        cell(q.delayed, "n"),
        cell(q.deadLetters, "n"),
        cell(q.lag, "n"),
        cell(q.groupExists ? q.consumers.length : "no group yet", "n"),
      ),
    ),
  );
  replaceRows(
    $("#consumers-table tbody"),
    overview.queues.flatMap((q) =>
      q.consumers.map((c) =>
        el("tr", {}, cell(q.queue), cell(c.name), cell(c.pending, "n"), cell(shortDuration(c.idleMs), "n")),
      ),
    ),
  );
  for (const q of overview.queues) record(q, overview.at);
  drawCharts();
}

/** The queue's stream; for a partitioned queue, the first one, how many there are, and all in a tooltip. */
function streamCell(q) {
  const streams = q.streams || [q.stream];
  if (streams.length <= 1) return cell(q.stream);
  return el(
    "td",
    { title: streams.join("\n") },
    `${q.stream} … (${streams.length} partitions, counts summed)`,
  );
}

/** Keeps the last samples of each queue's counters, for rates. */
function record(q, at) {
  const samples = state.history.get(q.queue) || [];
  samples.push({ at, delivered: q.delivered, deadLetters: q.deadLetters });
  if (samples.length > CHART_POINTS + 1) samples.shift();
  state.history.set(q.queue, samples);
}

/** Per-second rates between consecutive samples (a DLQ that shrank by a replay or purge counts 0). */
function rates(samples) {
  const out = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    const seconds = Math.max((b.at - a.at) / 1000, 0.001);
    out.push({
      throughput:
        a.delivered === null || b.delivered === null ? 0 : Math.max(0, b.delivered - a.delivered) / seconds,
      failures: Math.max(0, b.deadLetters - a.deadLetters) / seconds,
    });
  }
  return out;
}

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

function drawCharts() {
  const box = $("#charts");
  box.replaceChildren();
  const width = 360;
  const height = 110;
  for (const [queue, samples] of state.history) {
    const points = rates(samples);
    const max = Math.max(1, ...points.map((p) => Math.max(p.throughput, p.failures)));
    const line = (key) =>
      points
        .map((p, i) => {
          // The newest rate at the right edge; older ones scroll left.
          const x = width - ((points.length - 1 - i) / (CHART_POINTS - 1)) * width;
          const y = height - (p[key] / max) * (height - 4) - 2;
          return `${x.toFixed(1)},${y.toFixed(1)}`;
        })
        .join(" ");
    const chart = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
    chart.append(svg("line", { x1: 0, y1: height - 1, x2: width, y2: height - 1, class: "axis" }));
    chart.append(svg("polyline", { points: line("throughput"), class: "throughput" }));
    chart.append(svg("polyline", { points: line("failures"), class: "failures" }));
    const last = points[points.length - 1] || { throughput: 0, failures: 0 };
    box.append(
      el(
        "div",
        { class: "chart" },
        el("strong", {}, queue),
        " ",
        el("span", { class: "legend-throughput" }, `${last.throughput.toFixed(1)} delivered/s`),
        " · ",
        el("span", { class: "legend-failures" }, `${last.failures.toFixed(1)} dead-lettered/s`),
        el("small", {}, ` (scale: ${max.toFixed(1)}/s)`),
        chart,
      ),
    );
  }
}

function setWritable(writable) {
  state.writable = writable;
  $("#mode").textContent = writable ? "writes allowed (token required)" : "read-only";
  for (const button of document.querySelectorAll("#page-actions button, #entry-replay"))
    button.disabled = !writable;
}

// ---- Task types ---------------------------------------------------------------------------------

async function refreshTasks() {
  const data = await api("tasks");
  $("#tally-note").textContent = data.tally.complete
    ? `Dead-letter counts from all ${data.tally.scanned} entries.`
    : `Dead-letter counts from the oldest ${data.tally.scanned} entries only.`;
  if (!state.tasksRendered) {
    $("#tasks-list").replaceChildren(...data.tasks.map(taskCard));
    state.tasksRendered = true;
  }
  for (const task of data.tasks) {
    const q = task.counts.queue;
    const counts = document.querySelector(`[data-counts="${CSS.escape(task.name)}"]`);
    if (counts === null) continue;
    facts(counts, [
      ["in the dead-letter queue", task.counts.deadLetters],
      [`queue ${task.queue}: waiting`, q ? q.length : "-"],
      ["pending", q ? q.pending : "-"],
      ["delayed", q ? q.delayed : "-"],
    ]);
  }
}

function taskCard(task) {
  const policy = task.policy;
  const backoff = policy.backoff
    ? [
        policy.backoff.strategy,
        policy.backoff.baseMs && `base ${shortDuration(policy.backoff.baseMs)}`,
        policy.backoff.maxMs && `max ${shortDuration(policy.backoff.maxMs)}`,
        policy.backoff.jitter && `jitter ${policy.backoff.jitter}`,
      ]
        .filter(Boolean)
        .join(", ")
    : "default";
  const about = el("dl", {});
  facts(about, [
    ["queue", task.queue],
    ["payload version", task.version],
    ["versions read", task.versionsRead.join(", ")],
    ["schema fingerprint", task.schemaHash],
    ["max retries", policy.maxRetries ?? "default"],
    ["timeout", policy.timeoutMs === undefined ? "default" : shortDuration(policy.timeoutMs)],
    ["backoff", backoff],
    ["max payload", policy.maxPayloadBytes === undefined ? "default" : `${policy.maxPayloadBytes} bytes`],
    ["max depth", policy.maxDepth ?? "default"],
    ["sensitive fields", task.sensitivePaths.map((p) => p.join(".")).join(", ") || "none"],
  ]);
  return el(
    "div",
    { class: "task" },
    el("h3", {}, task.name),
    task.description ? el("p", { class: "note" }, task.description) : "",
    about,
    el("dl", { "data-counts": task.name }),
    el(
      "details",
      {},
      el(
        "summary",
        {},
        task.schemaSource === "schema.json"
          ? "payload schema"
          : "payload schema (derived from the validator)",
      ),
      el("pre", {}, JSON.stringify(task.schema, null, 2)),
    ),
  );
}

// ---- Dead letters -------------------------------------------------------------------------------

async function loadFacets() {
  state.facets = await api("dlq/facets");
  for (const form of ["#dlq-filter", "#replay-form", "#purge-form"]) fillFilterSelects($(form));
}

function fillFilterSelects(form) {
  const { queues, types, reasons, tally } = state.facets;
  const options = (select, values, counts) => {
    const current = select.value;
    select.replaceChildren(
      el("option", { value: "" }, "any"),
      ...values.map((v) =>
        el("option", { value: v }, counts && counts[v] !== undefined ? `${v} (${counts[v]})` : v),
      ),
    );
    select.value = values.includes(current) ? current : "";
  };
  options(form.elements.queue, queues);
  options(form.elements.type, types, tally.byType);
  options(form.elements.reason, reasons, tally.byReason);
}

function filterFrom(form) {
  return {
    queue: form.elements.queue.value,
    type: form.elements.type.value,
    reason: form.elements.reason.value,
  };
}

async function loadDeadLetters() {
  const cursor = state.dlqCursors[state.dlqCursors.length - 1];
  const page = await api(`dlq?${query({ ...state.dlqFilter, cursor, count: String(PAGE_SIZE) })}`);
  state.dlqNext = page.nextCursor;
  const pageNumber = state.dlqCursors.length;
  $("#dlq-summary").textContent =
    `Page ${pageNumber}: ${page.entries.length} entries shown, oldest first; ` +
    `${page.inDeadLetterQueues} in the selected dead-letter queues.` +
    (page.stoppedEarly ? ` Searched ${page.searched} entries for this page; Next page searches on.` : "");
  replaceRows(
    $("#dlq-table tbody"),
    page.entries.map((e) =>
      el(
        "tr",
        {
          class: e.ref === state.selectedRef ? "clickable selected" : "clickable",
          "data-ref": e.ref,
          tabindex: "0",
          onclick: () => showEntry(e.ref).catch(showError),
          onkeydown: (event) => {
            if (event.key === "Enter") showEntry(e.ref).catch(showError);
          },
        },
        cell(e.ref),
        cell(e.type),
        cell(e.reason),
        cell(e.retries, "n"),
        cell(e.deadLetteredAt),
        cell(e.error, "error-text"),
      ),
    ),
  );
  $("#dlq-next").disabled = page.nextCursor === null;
  $("#dlq-first").disabled = state.dlqCursors.length === 1;
  $("#dlq-previous").disabled = state.dlqCursors.length === 1;
}

async function showEntry(ref) {
  state.selectedRef = ref;
  for (const row of document.querySelectorAll("#dlq-table tbody tr")) {
    row.classList.toggle("selected", row.dataset.ref === ref);
  }
  const { entry, check, attempts } = await api(`dlq/entry?${query({ ref })}`);
  $("#dlq-entry").hidden = false;
  $("#entry-ref").textContent = entry.ref;
  const f = entry.fields;
  facts($("#entry-facts"), [
    ["task", entry.type],
    ["task id", entry.taskId],
    ["reason", entry.reason],
    ["last error", entry.error],
    [
      "attempts",
      attempts === null
        ? "not known (the worker stopped during each delivery)"
        : attempts === 0
          ? "0 (refused before the handler)"
          : `${attempts} (retries: ${entry.retries} of ${f.max_retry ?? "-"})`,
    ],
    ["correlation id", f.correlation_id],
    ["dead-lettered at", entry.deadLetteredAt],
    ["payload version", f.payload_version ?? "1"],
    ["consumer", f.dlq_consumer],
  ]);
  const issues = entry.details && Array.isArray(entry.details.issues) ? entry.details.issues : [];
  replaceRows(
    $("#entry-issues tbody"),
    issues.length === 0
      ? [el("tr", {}, el("td", { colspan: "2" }, "none recorded"))]
      : issues.map((i) => el("tr", {}, cell(issuePath(i.path || [])), cell(i.message))),
  );
  const verdict = $("#entry-check");
  if (check.ok) {
    verdict.className = "ok";
    verdict.textContent =
      check.version === check.currentVersion
        ? `Valid against today's schema: a replay would put it back on queue ${check.queue}.`
        : `Valid against version ${check.version}, which today's schema still reads: the worker upcasts it to version ${check.currentVersion}.`;
  } else {
    verdict.className = "bad";
    verdict.textContent = `A replay would refuse it: ${check.message}`;
  }
  replaceRows(
    $("#entry-check-issues tbody"),
    (check.ok ? [] : check.issues).map((i) => el("tr", {}, cell(issuePath(i.path)), cell(i.message))),
  );
  $("#entry-check-issues").hidden = check.ok || check.issues.length === 0;
  $("#entry-payload").textContent =
    entry.payload === undefined
      ? `(not JSON) ${f.payload ?? "(none)"}`
      : JSON.stringify(entry.payload, null, 2);
  const shown = Object.entries(f).filter(([name]) => name !== "payload" && name !== "dlq_details");
  facts($("#entry-fields"), shown);
  $("#entry-replay").disabled = !state.writable;
  $("#entry-replay-status").textContent = state.writable ? "" : "read-only dashboard";
}

// ---- Actions ------------------------------------------------------------------------------------

function showActions() {
  return api("overview").then((overview) => {
    setWritable(overview.writable);
    $("#actions-mode").textContent = overview.writable
      ? "Writes are allowed. Each one needs the write token the dashboard printed when it started."
      : "This dashboard is read-only: start it with --allow-writes (or allowWrites: true) to replay and purge.";
    $("#token").value = token();
  });
}

async function runReplay(body, statusEl) {
  const progress = $("#replay-progress");
  const status = statusEl || $("#replay-status");
  let job = await api("replay", body);
  progress.hidden = statusEl !== undefined;
  while (true) {
    // `total` counts the selected DLQs, not the filter's matches: a finished job fills the bar.
    progress.max = job.done ? Math.max(1, job.seen) : Math.max(1, job.total || 0, job.seen);
    progress.value = job.done ? progress.max : job.seen;
    status.textContent = `${job.done ? "Done" : "Replaying"}: ${job.seen} seen, ${job.replayed} replayed, ${job.refused} refused (left in the dead-letter queue).`;
    if (job.done) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_REPLAY_MS));
    job = await api(`replay?${query({ id: job.id })}`);
  }
  if (job.error) throw new Error(`replay stopped: ${job.error}`);
  $("#replay-refusals").replaceChildren(
    ...job.refusals.map((r) =>
      el(
        "li",
        {},
        `${r.ref} (${r.type ?? "no type"}): ${r.message}`,
        r.issues.length ? ` — ${r.issues.map((i) => `${issuePath(i.path)}: ${i.message}`).join("; ")}` : "",
      ),
    ),
  );
  return job;
}

// ---- wiring -------------------------------------------------------------------------------------

function takeTokenFromUrl() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", `${location.pathname}${location.search}#queues`);
  }
}

function wire() {
  $("#dlq-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    state.dlqFilter = filterFrom(event.target);
    state.dlqCursors = [null];
    loadDeadLetters().catch(showError);
  });
  $("#dlq-next").addEventListener("click", () => {
    if (state.dlqNext === null) return;
    state.dlqCursors.push(state.dlqNext);
    loadDeadLetters().catch(showError);
  });
  $("#dlq-previous").addEventListener("click", () => {
    if (state.dlqCursors.length > 1) state.dlqCursors.pop();
    loadDeadLetters().catch(showError);
  });
  $("#dlq-first").addEventListener("click", () => {
    state.dlqCursors = [null];
    loadDeadLetters().catch(showError);
  });
  $("#entry-replay").addEventListener("click", () => {
    const status = $("#entry-replay-status");
    runReplay({ ref: state.selectedRef }, status)
      .then((job) => {
        if (job.replayed === 1) status.textContent = "Replayed: the entry is back on its queue.";
        return loadDeadLetters();
      })
      .catch((error) => {
        status.textContent = error.message;
        showError(error);
      });
  });
  $("#token").addEventListener("input", (event) => sessionStorage.setItem(TOKEN_KEY, event.target.value));
  $("#replay-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const ref = form.elements.ref.value.trim();
    runReplay(ref ? { ref } : filterFrom(form)).catch(showError);
  });
  $("#replay-all").addEventListener("click", () => runReplay({ all: true }).catch(showError));
  $("#purge-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    if (!form.elements.confirm.checked) {
      $("#purge-status").textContent = "Tick the box to confirm the purge.";
      return;
    }
    api("purge", { ...filterFrom(form), confirm: true })
      .then((result) => {
        $("#purge-status").textContent = `Purged ${result.purged} entries.`;
        form.elements.confirm.checked = false;
        return loadFacets();
      })
      .catch(showError);
  });
  window.addEventListener("hashchange", showPage);
}

takeTokenFromUrl();
wire();
api("overview").then((overview) => setWritable(overview.writable), showError);
showPage();
