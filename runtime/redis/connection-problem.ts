/** A connection error as text, with the fix when it is a TLS certificate check. */
export function connectionProblem(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  const text = code === "" ? err.message : `${err.message} (${code})`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `${text}: the server's TLS certificate does not name this host; connect by a name it carries or set \`tls.servername\``;
  }
  if (/CERT|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) {
    return `${text}: the server's TLS certificate is not signed by a trusted CA; give that CA's certificate as the \`tls.ca\` option`;
  }
  return text;
}
