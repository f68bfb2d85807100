import { ElanusError } from '../errors/index.js';

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
    return new ElanusError(
      'StorageQuotaExceeded',
      `storage quota exceeded while ${what}${detail}; nothing of this write was stored (free space, or call requestPersistence())`,
      { cause: name },
    );
  }
  const label = typeof name === 'string' ? name : 'Error';
  return new ElanusError('StorageError', `storage failed while ${what} (${label}${detail})`, {
    cause: label,
  });
}
