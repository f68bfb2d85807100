import { ElanusError, elanusError } from '../errors/index.js';

/**
 * Maps a storage failure to the one error type: a full quota becomes `StorageQuotaExceeded`, anything
 * else `StorageError`. `what` says which operation failed.
 */
export function storageError(e: unknown, what: string): ElanusError {
  if (e instanceof ElanusError) return e;
  const name = (e as { name?: unknown } | null)?.name;
  const msg = (e as { message?: unknown } | null)?.message;
  const detail = typeof msg === 'string' && msg !== '' ? `: ${msg}` : '';
  if (name === 'QuotaExceededError') {
    return elanusError('storageQuotaExceeded', { action: what, detail }, { cause: name });
  }
  const label = typeof name === 'string' ? name : 'Error';
  return elanusError('storageFailed', { action: what, cause: label, detail }, { cause: label });
}
