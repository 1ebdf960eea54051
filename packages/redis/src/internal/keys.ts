/**
 * The key layout. Every key has a Redis Cluster hash tag (`{…}`): everything about one refresh-token family (its state,
 * its tokens, its access-token index) shares the family's tag, so the scripts that rotate and revoke a family touch one
 * slot; every other key is tagged by its own id, so a value and its family pointer share a slot too. Tagged parts are
 * escaped (`%`, `{`, `}` → `%25`, `%7B`, `%7D`), which keeps every key injective and every tag well-formed, whatever the
 * id holds.
 *
 * | key | type | holds |
 * | --- | --- | --- |
 * | `<p>f:{F}` | hash | family F: `v` 0 live / 1 revoked, `id` F |
 * | `<p>f:{F}:t:<H>` | hash | refresh token H of F: `r` record, `x` rotated, `s` successor hash, `g` sealed successor, `w` grace end (ms) |
 * | `<p>f:{F}:a` | zset | F's access tokens (`j<jti>`, `o<hash>`) scored by expiry (ms), for revocation events |
 * | `<p>r:{H}` | string | pointer: refresh token H → its family key |
 * | `<p>j:{J}` | string | `jti` J denylisted by `revoke` |
 * | `<p>j:{J}:f` | string | pointer: access token J → its family key |
 * | `<p>o:{H}` | string | opaque token record |
 * | `<p>o:{H}:f` | string | pointer: opaque token H → its family key |
 * | `<p>c:{H}` `<p>s:{J}` `<p>n:{K}` `<p>u:{K}` `<p>1:{K}` | string | claims cache, session, counter, replay marker, one-time value |
 */
export class KeySpace {
  readonly prefix: string;
  readonly channel: string;

  constructor(prefix: string, channel: string) {
    this.prefix = prefix;
    this.channel = channel;
  }

  family(familyId: string): string {
    return `${this.prefix}f:{${tag(familyId)}}`;
  }
  refreshPointer(hash: string): string {
    return `${this.prefix}r:{${tag(hash)}}`;
  }
  denied(jti: string): string {
    return `${this.prefix}j:{${tag(jti)}}`;
  }
  jtiPointer(jti: string): string {
    return `${this.prefix}j:{${tag(jti)}}:f`;
  }
  opaque(hash: string): string {
    return `${this.prefix}o:{${tag(hash)}}`;
  }
  opaquePointer(hash: string): string {
    return `${this.prefix}o:{${tag(hash)}}:f`;
  }
  claims(fingerprint: string): string {
    return `${this.prefix}c:{${tag(fingerprint)}}`;
  }
  session(jti: string): string {
    return `${this.prefix}s:{${tag(jti)}}`;
  }
  counter(key: string): string {
    return `${this.prefix}n:{${tag(key)}}`;
  }
  used(key: string): string {
    return `${this.prefix}u:{${tag(key)}}`;
  }
  oneTime(key: string): string {
    return `${this.prefix}1:{${tag(key)}}`;
  }
}

/** A family's keys, all in the family's slot. */
export function familyKeys(familyKey: string, hash: string): { token: string; access: string } {
  return { token: tokenKey(familyKey, hash), access: `${familyKey}:a` };
}

/** The key of refresh token `hash` in the family whose key is `familyKey` (the Lua scripts build it the same way). */
export function tokenKey(familyKey: string, hash: string): string {
  return `${familyKey}:t:${hash}`;
}

const ESCAPES: Record<string, string> = { '%': '%25', '{': '%7B', '}': '%7D' };

/** Escapes the characters that would end or nest a hash tag (and the escape character itself). */
function tag(id: string): string {
  return /[%{}]/.test(id) ? id.replace(/[%{}]/g, (c) => ESCAPES[c] as string) : id;
}
