import { tokenFingerprint, type RefreshTokenRecord } from '@tessera/core';

/** The fingerprint of a fresh random token. */
export async function newHash(): Promise<string> {
  return tokenFingerprint(crypto.randomUUID() + crypto.randomUUID());
}

/** A refresh-token record in a fresh family (or `familyId`). */
export function refreshRecord(familyId: string = crypto.randomUUID()): RefreshTokenRecord {
  return { familyId, subject: 'user-1', clientId: 'web', expiresAt: Math.floor(Date.now() / 1000) + 3600 };
}

/** Collects unhandled rejections while a test runs; `stop()` returns them. */
export function watchUnhandledRejections(): { stop(): unknown[] } {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', onRejection);
  return {
    stop() {
      process.off('unhandledRejection', onRejection);
      return seen;
    },
  };
}
