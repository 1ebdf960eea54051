import { expect, it } from 'vitest';
import { expectError, newHash, opaqueRecord, type ConformanceHarness } from './harness.js';

/** Opaque access tokens: put/get/delete by hash, records unchanged, TTL. */
export function defineOpaqueTokenTests(h: ConformanceHarness): void {
  it('returns an opaque token record exactly as it was put', async () => {
    const hash = await newHash();
    const record = opaqueRecord();
    await h.store().putOpaqueToken(hash, record, 3600);
    expect(await h.store().getOpaqueToken(hash)).toStrictEqual(record);
  });

  it('round-trips a record that has only the required fields', async () => {
    const hash = await newHash();
    const record = { subject: 's', expiresAt: 1_900_000_000 };
    await h.store().putOpaqueToken(hash, record, 3600);
    expect(await h.store().getOpaqueToken(hash)).toStrictEqual(record);
  });

  it('returns undefined for an unknown opaque token', async () => {
    expect(await h.store().getOpaqueToken(await newHash())).toBeUndefined();
  });

  it('keeps its own copy: mutating a record after put or after get does not change what is stored', async () => {
    const hash = await newHash();
    const record = opaqueRecord();
    const expected = structuredClone(record);
    await h.store().putOpaqueToken(hash, record, 3600);
    record.scope?.push('admin');
    record.subject = 'someone-else';
    const first = await h.store().getOpaqueToken(hash);
    first?.scope?.push('admin');
    expect(await h.store().getOpaqueToken(hash)).toStrictEqual(expected);
  });

  it('replaces the record when the same hash is put again', async () => {
    const hash = await newHash();
    await h.store().putOpaqueToken(hash, opaqueRecord({ subject: 'first' }), 3600);
    await h.store().putOpaqueToken(hash, opaqueRecord({ subject: 'second' }), 3600);
    expect((await h.store().getOpaqueToken(hash))?.subject).toBe('second');
  });

  it('forgets a deleted opaque token, and deleting an unknown one is not an error', async () => {
    const hash = await newHash();
    await h.store().putOpaqueToken(hash, opaqueRecord(), 3600);
    await h.store().deleteOpaqueToken(hash);
    expect(await h.store().getOpaqueToken(hash)).toBeUndefined();
    await expect(h.store().deleteOpaqueToken(await newHash())).resolves.toBeUndefined();
  });

  it('expires an opaque token when its TTL ends', async () => {
    const hash = await newHash();
    const record = opaqueRecord();
    await h.store().putOpaqueToken(hash, record, h.ttlSeconds);
    await h.elapse(h.stillThereMs);
    expect(await h.store().getOpaqueToken(hash)).toStrictEqual(record);
    await h.elapse(h.goneAfterMs);
    expect(await h.store().getOpaqueToken(hash)).toBeUndefined();
  });

  it('rejects an opaque token with a TTL of zero or less, or a bad hash, with invalid_argument', async () => {
    const hash = await newHash();
    await expectError(h.store().putOpaqueToken(hash, opaqueRecord(), 0), 'invalid_argument', /ttlSeconds/);
    await expectError(h.store().putOpaqueToken(hash, opaqueRecord(), -5), 'invalid_argument', /ttlSeconds/);
    await expectError(h.store().putOpaqueToken('', opaqueRecord(), 60), 'invalid_argument', /hash/);
    expect(await h.store().getOpaqueToken(hash)).toBeUndefined();
  });
}
