/** Stream names meant to break naive hash tags: braces in every place, empty tags, non-ASCII. */
export const HOSTILE_STREAMS = [
  "tasks",
  "acc:{orders}",
  "{orders}",
  "{}orders",
  "a}b",
  "}",
  "{",
  "{{a}}",
  "a{b",
  "x{}y{z}",
  "ü{ñ}😀",
  "tasks:dlq",
] as const;
