import { BACKOFF_JITTERS, BACKOFF_STRATEGIES } from "@jobgen/runtime/contract";

/** The commented starter schema `jobgen init` writes. It must stay valid (a test loads it). */
export const STARTER_SCHEMA = `# jobgen task schema (version 1). Edit it, then run \`jobgen generate\`.
# Durations: 250ms, 30s, 5m, 1h30m. Sizes: 512b, 256kb, 1mb.
version: 1

# Settings every task inherits unless it overrides them.
defaults:
  queue: default
  maxRetries: 3
  timeout: 30s
  # strategy: ${BACKOFF_STRATEGIES.join(" | ")}; jitter: ${BACKOFF_JITTERS.join(" | ")}
  backoff: { strategy: exponential, base: 1s, max: 5m, jitter: full }
  maxPayloadSize: 1mb
  maxDepth: 32

# Queues: one Redis stream each. group defaults to "workers", dlq to "<stream>:dlq".
# maxLen is backpressure: enqueue fails once that many tasks wait (nothing is trimmed).
# partitions: N spreads a queue over N streams on different Redis Cluster masters (docs/cluster.md).
queues:
  default: { stream: tasks, group: workers, dlq: "tasks:dlq", maxLen: 100000 }

# Shared JSON Schema definitions, used as $ref: "#/types/Name".
types:
  Recipient:
    type: object
    required: [email]
    additionalProperties: false # a misspelled property is refused (jobgen validate warns otherwise)
    properties:
      email: { type: string, format: email, x-sensitive: true } # redacted from logs and the DLQ view
      name: { type: string }

# Tasks: the name is the wire name (renaming a task is a breaking change).
# send_email becomes enqueue.sendEmail(...) and the SendEmailHandler interface.
tasks:
  send_email:
    description: Send a transactional email
    maxRetries: 5
    timeout: 10s
    # Across all workers: at most 10 starts a second (key: a payload field, for a bucket per value),
    # and at most 5 running at once.
    # rateLimit: { limit: 10, per: 1s }
    # concurrency: 5
    payload:
      type: object
      required: [to, subject]
      additionalProperties: false
      properties:
        to: { $ref: "#/types/Recipient" }
        subject: { type: string, maxLength: 200 }
        body: { type: string }

# Schedules: a task enqueued at each tick, once however many workers run. cron has 5 fields (or 6,
# seconds first) and a timezone; or every: 5m. catchUp: none | last (a tick missed while no worker ran).
# schedules:
#   weekly_digest:
#     task: send_email
#     cron: "0 8 * * 1"
#     timezone: Europe/Berlin
#     payload: { to: { email: team@example.com }, subject: Weekly digest }
`;
