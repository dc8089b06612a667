/** Task and queue names: how they are written and the identifiers they become. */

/** The form of task and queue names. */
export const NAME_PATTERN = /^[a-z][a-z0-9_.-]*$/;

/** The form of shared type names (used as TypeScript type names as they are). */
export const TYPE_NAME_PATTERN = /^[A-Z][A-Za-z0-9]*$/;

/**
 * The members every object inherits from `Object.prototype` (`toString`, `hasOwnProperty`, ...):
 * `value.toString` of a plain object is one of them, so a property of that name is read as the
 * object's own only.
 */
export const INHERITED_MEMBERS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * camelCase members that cannot be task names: JavaScript reserved words, members of every
 * object, `then` (it would make the client a thenable) and the client's own members.
 */
export const RESERVED_MEMBERS: ReadonlySet<string> = new Set([
  ...[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "var",
    "void",
    "while",
    "with",
    "yield",
  ],
  ...INHERITED_MEMBERS,
  "prototype",
  "then",
  ...["bulk", "close"],
]);

/** Type names the generated code or TypeScript itself already uses. */
export const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set([
  "Array",
  "BigInt",
  "Boolean",
  "Date",
  "Error",
  "Function",
  "JSON",
  "Map",
  "Math",
  "Number",
  "Object",
  "Omit",
  "Partial",
  "Pick",
  "Promise",
  "Readonly",
  "Record",
  "RegExp",
  "Required",
  "Set",
  "String",
  "Symbol",
]);

/** `send_email` → `sendEmail`; `billing.invoice-created` → `billingInvoiceCreated`. */
export function toCamelCase(name: string): string {
  const [first = "", ...rest] = name.split(/[_.-]+/).filter((part) => part !== "");
  return first + rest.map(capitalize).join("");
}

/** `send_email` → `SendEmail`. */
export function toPascalCase(name: string): string {
  return capitalize(toCamelCase(name));
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * The identifiers generated code declares whatever the schema says; a task, queue or shared type
 * whose identifiers would collide with one of them is refused.
 */
export const GENERATED_NAMES: readonly string[] = [
  "BulkItem",
  "Enqueue",
  "Handlers",
  "HandlersFor",
  "QueueHandlers",
  "QueueName",
  "TaskPayloads",
  "TypedWorkerOptions",
];

/**
 * The identifiers generated code declares when a payload has defaults (`TaskInputs`) or a task keeps
 * earlier payload versions (`QueueUpcasts`, `UpcastsFor`): reserved always, so that adding a default
 * or a version never makes a name of the schema collide.
 */
export const SOMETIMES_GENERATED_NAMES: readonly string[] = ["QueueUpcasts", "TaskInputs", "UpcastsFor"];

/** The interface of the payload of every task, by wire name (payloads.ts). */
export const PAYLOAD_MAP_TYPE = "TaskPayloads";

/** A task's payload type (`SendEmail` → `SendEmailPayload`). */
export function payloadTypeName(taskPascal: string): string {
  return `${taskPascal}Payload`;
}

/** A task's producer input type, when its payload has defaults (`SendEmail` → `SendEmailInput`). */
export function inputTypeName(taskPascal: string): string {
  return `${taskPascal}Input`;
}

/** The interface of what producers pass for every task, by wire name (when a payload has defaults). */
export const INPUT_MAP_TYPE = "TaskInputs";

/** A shared type's producer form, when it has defaults (`Address` → `AddressInput`). */
export function sharedInputName(typeName: string): string {
  return `${typeName}Input`;
}

/** The type of a kept payload version (`SendEmail`, 1 → `SendEmailPayloadV1`). */
export function versionTypeName(taskPascal: string, version: number): string {
  return `${payloadTypeName(taskPascal)}V${version}`;
}

/** The validator of a kept payload version (`SendEmail`, 1 → `SendEmailPayloadV1Schema`). */
export function versionValidatorName(taskPascal: string, version: number): string {
  return `${versionTypeName(taskPascal, version)}Schema`;
}

/** The interface of a task's upcasts (`SendEmail` → `SendEmailUpcasts`). */
export function upcastsTypeName(taskPascal: string): string {
  return `${taskPascal}Upcasts`;
}

/** A task's payload validator constant (`SendEmail` → `SendEmailPayloadSchema`). */
export function payloadValidatorName(taskPascal: string): string {
  return `${payloadTypeName(taskPascal)}Schema`;
}

/** A task's compiled payload check (`SendEmail` → `checkSendEmailPayload`), in checks.ts. */
export function payloadCheckName(taskPascal: string): string {
  return `check${payloadTypeName(taskPascal)}`;
}

/** The compiled check of a kept payload version (`SendEmail`, 1 → `checkSendEmailPayloadV1`). */
export function versionCheckName(taskPascal: string, version: number): string {
  return `check${versionTypeName(taskPascal, version)}`;
}

/** A shared type's compiled check (`Address` → `checkAddress`), in checks.ts. */
export function typeCheckName(typeName: string): string {
  return `check${typeName}`;
}

/** A task's handler interface (`SendEmail` → `SendEmailHandler`). */
export function handlerTypeName(taskPascal: string): string {
  return `${taskPascal}Handler`;
}

/** A queue's handler map interface (`Default` → `DefaultQueueHandlers`). */
export function queueHandlersName(queuePascal: string): string {
  return `${queuePascal}QueueHandlers`;
}

/** A shared type's validator constant (`Address` → `AddressSchema`). */
export function typeValidatorName(typeName: string): string {
  return `${typeName}Schema`;
}

/** Every identifier a task adds to generated code: its client member and its three type-level names. */
export function taskIdentifiers(wireName: string): readonly string[] {
  const pascal = toPascalCase(wireName);
  return [
    toCamelCase(wireName),
    payloadTypeName(pascal),
    payloadValidatorName(pascal),
    handlerTypeName(pascal),
  ];
}

/**
 * The identifiers a task adds when its payload has defaults (`SendEmailInput`) or it keeps earlier
 * versions (`SendEmailUpcasts`): reserved always, like {@link SOMETIMES_GENERATED_NAMES}.
 */
export function taskSometimesIdentifiers(wireName: string): readonly string[] {
  const pascal = toPascalCase(wireName);
  return [inputTypeName(pascal), upcastsTypeName(pascal)];
}

/** Every identifier a shared type adds to generated code: the type and its validator. */
export function typeIdentifiers(typeName: string): readonly string[] {
  return [typeName, typeValidatorName(typeName)];
}

/** The identifier a shared type adds when it has defaults (`AddressInput`): reserved always. */
export function typeSometimesIdentifiers(typeName: string): readonly string[] {
  return [sharedInputName(typeName)];
}
