import { ElanusError, ErrorCode } from '@elanus/core';

/** Milvus numeric status codes (merr) we can name; anything else becomes `RemoteError`. */
const BY_NUMBER: Record<number, ErrorCode> = {
  100: 'CollectionNotExists',
  101: 'CollectionNotLoaded',
  200: 'PartitionNotExists',
  700: 'IndexNotExist',
  1100: 'IllegalArgument',
  1600: 'AliasNotFound',
  1601: 'AliasCollectionNameConflict',
  1602: 'AliasAlreadyExists',
  65535: 'UnexpectedError',
};

/** Milvus codes that mean "who are you": the message says to check the token, never what it was. */
const AUTH_CODES = new Set([1800, 1801, 1802, 1803]);

/**
 * An error the remote answered with. `status` is overridden with the server's own numeric code so callers
 * can branch on it (e.g. 1800 for a missing or wrong token); `details.remote` says it came from the server.
 */
export function remoteError(code: number, message: string, extra: Record<string, unknown> = {}): ElanusError {
  let name: ErrorCode = BY_NUMBER[code] ?? 'RemoteError';
  let text = message || `remote error ${code}`;
  if (AUTH_CODES.has(code) || /authenticat|credential|unauthori[sz]ed|token/i.test(message)) {
    name = 'RemoteError';
    text = `authentication failed (Milvus code ${code}): ${message || 'the server rejected the credentials'}; check the token`;
  }
  const e = new ElanusError(name, text, { remote: true, milvus_code: code, ...extra });
  Object.defineProperty(e, 'status', { value: code, enumerable: true });
  return e;
}

/** Milvus SDK status objects carry `error_code` (a name or a number) and `code` (merr number). */
export interface StatusLike {
  error_code?: string | number;
  code?: number;
  reason?: string;
  message?: string;
}

export function isSuccess(s: StatusLike | undefined | null): boolean {
  if (!s) return true;
  const named = s.error_code;
  if (named !== undefined && named !== 'Success' && named !== 0 && named !== '') return false;
  return (s.code ?? 0) === 0;
}

/** Throws a mapped ElanusError when `s` is not a success status. */
export function checkStatus(s: StatusLike | undefined | null, what: string): void {
  if (isSuccess(s)) return;
  const st = s as StatusLike;
  const numeric =
    typeof st.code === 'number' && st.code !== 0
      ? st.code
      : typeof st.error_code === 'number'
        ? st.error_code
        : 1;
  const reason = st.reason ?? st.message ?? '';
  const e = remoteError(numeric, reason ? `${what}: ${reason}` : `${what} failed`);
  // The SDK names a few errors (error_code: 'CollectionNotExists'): prefer that name when it is one of ours.
  if (
    typeof st.error_code === 'string' &&
    st.error_code !== 'SUCCESS' &&
    st.error_code in ErrorCode &&
    !(numeric in BY_NUMBER)
  ) {
    const named = new ElanusError(st.error_code as ErrorCode, e.message, e.details);
    Object.defineProperty(named, 'status', { value: numeric, enumerable: true });
    throw named;
  }
  throw e;
}

/** A transport-level failure (connection refused, reset, DNS, timeout). */
export function unavailable(message: string, cause?: unknown): ElanusError {
  const e = new ElanusError('Unavailable', message, { remote: true });
  if (cause !== undefined) Object.defineProperty(e, 'cause', { value: cause, enumerable: false });
  return e;
}

export function aborted(what: string): ElanusError {
  return new ElanusError('Aborted', `${what} was aborted`);
}

/**
 * Request options the local engine has that a transport does not forward (yet): refused by name, so
 * code moved from memory:// to a server fails loudly instead of searching with no query vectors or
 * returning ungrouped rows.
 */
export function refuseUnforwarded(
  req: object,
  names: readonly string[] = ['ids', 'search_aggregation'],
): void {
  for (const name of names) {
    if ((req as Record<string, unknown>)[name] !== undefined) {
      throw new ElanusError(
        'NotImplemented',
        `invalid parameter ${name}: not forwarded to a remote Milvus yet`,
        {
          param: name,
        },
      );
    }
  }
}
