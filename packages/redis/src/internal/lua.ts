// The Lua scripts. Each runs atomically in Redis. The family scripts (issue, rotate, revoke, read) only touch keys of
// one family, which share the family's hash tag and so one Cluster slot; keys they build from a declared family key
// (`<family>:t:<hash>`) are in that slot too. On a single Redis (not Cluster) the scripts are also given the pointer
// keys (`withPointers`) and write or follow them in the same step; on a Cluster those live in other slots and the store
// writes them with separate commands sent at the same time.
//
// Replies are short strings (or arrays starting with one) that `families.ts` maps to results and errors.

/** Helpers shared by the scripts: server time in ms, keeping a key alive at least `ms`, revoking a family. */
const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function extend(key, ms)
  local left = redis.call('PTTL', key)
  if left ~= -1 and left < ms then redis.call('PEXPIRE', key, ms) end
end
local function revoke_family(fam, acc, now, channel)
  redis.call('HSET', fam, 'v', '1')
  local events = { { type = 'family', familyId = redis.call('HGET', fam, 'id') } }
  local members = redis.call('ZRANGEBYSCORE', acc, '(' .. now, '+inf')
  for _, m in ipairs(members) do
    if string.sub(m, 1, 1) == 'j' then
      events[#events + 1] = { type = 'jti', jti = string.sub(m, 2) }
    else
      events[#events + 1] = { type = 'opaque', hash = string.sub(m, 2) }
    end
  end
  redis.call('DEL', acc)
  redis.call('PUBLISH', channel, cjson.encode(events))
end
local function track(fam, acc, now, jti, ohash, attl, margin)
  if jti == '' and ohash == '' then return end
  redis.call('ZREMRANGEBYSCORE', acc, '-inf', now)
  if jti ~= '' then redis.call('ZADD', acc, 'GT', now + attl, 'j' .. jti) end
  if ohash ~= '' then redis.call('ZADD', acc, 'GT', now + attl, 'o' .. ohash) end
  extend(acc, attl + margin)
  extend(fam, attl + margin)
end
local function point(first, fam, ttl, jti, ohash, attl)
  redis.call('SET', KEYS[first], fam, 'PX', ttl)
  local k = first + 1
  if jti ~= '' then redis.call('SET', KEYS[k], fam, 'PX', attl); k = k + 1 end
  if ohash ~= '' then redis.call('SET', KEYS[k], fam, 'PX', attl) end
end
`;

/**
 * Issue a refresh token into a family (creating it when new).
 * KEYS: family, token, access index[, refresh pointer, jti pointer?, opaque pointer?]
 * ARGV: record JSON, ttl ms, family id, access jti or '', access hash or '', access ttl ms, margin ms, withPointers
 * → 'ok' | 'exists' | 'revoked'
 */
export const ISSUE = `${PRELUDE}
local fam, tok, acc = KEYS[1], KEYS[2], KEYS[3]
local ttl, jti, ohash, attl, margin = tonumber(ARGV[2]), ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local pointers = ARGV[8] == '1'
if redis.call('EXISTS', tok) == 1 or (pointers and redis.call('EXISTS', KEYS[4]) == 1) then return 'exists' end
local state = redis.call('HGET', fam, 'v')
if state == '1' then return 'revoked' end
if not state then redis.call('HSET', fam, 'v', '0', 'id', ARGV[3]) end
local now = now_ms()
redis.call('HSET', tok, 'r', ARGV[1], 'x', '0')
redis.call('PEXPIRE', tok, ttl)
extend(fam, ttl + margin)
track(fam, acc, now, jti, ohash, attl, margin)
if pointers then point(4, fam, ttl, jti, ohash, attl) end
return 'ok'
`;

/**
 * Rotate refresh token old → next in one family; on reuse revoke the family (and publish it) in the same step.
 * KEYS: family, old token, next token, access index[, next pointer, jti pointer?, opaque pointer?]
 * ARGV: next record JSON, ttl ms, next hash, access jti or '', access hash or '', access ttl ms, margin ms,
 *       withPointers, grace ms, sealed successor, channel
 * → {'rotated'} | {'grace', successor} | {'reused'} | {'invalid'} | {'exists'}
 */
export const ROTATE = `${PRELUDE}
local fam, old, nxt, acc = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local ttl, jti, ohash, attl, margin = tonumber(ARGV[2]), ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local pointers, grace, channel = ARGV[8] == '1', tonumber(ARGV[9]), ARGV[11]
if redis.call('EXISTS', old) == 0 then return { 'invalid' } end
local now = now_ms()
local st = redis.call('HMGET', old, 'x', 's', 'g', 'w')
local state = redis.call('HGET', fam, 'v')
if st[1] == '1' then
  if st[3] and state == '0' and now < tonumber(st[4]) then
    if redis.call('HGET', fam .. ':t:' .. st[2], 'x') == '0' then return { 'grace', st[3] } end
  end
  if state == '0' then revoke_family(fam, acc, now, channel) end
  return { 'reused' }
end
if state ~= '0' then return { 'invalid' } end
if redis.call('EXISTS', nxt) == 1 or (pointers and redis.call('EXISTS', KEYS[5]) == 1) then return { 'exists' } end
if grace > 0 then
  redis.call('HSET', old, 'x', '1', 's', ARGV[3], 'g', ARGV[10], 'w', now + grace)
else
  redis.call('HSET', old, 'x', '1', 's', ARGV[3])
end
redis.call('HSET', nxt, 'r', ARGV[1], 'x', '0')
redis.call('PEXPIRE', nxt, ttl)
extend(fam, ttl + margin)
track(fam, acc, now, jti, ohash, attl, margin)
if pointers then point(5, fam, ttl, jti, ohash, attl) end
return { 'rotated' }
`;

/**
 * Revoke a live family and its access tokens, publishing the events. KEYS: family, access index. ARGV: channel.
 * → 1 when revoked now, 0 when unknown or revoked already
 */
export const REVOKE_FAMILY = `${PRELUDE}
if redis.call('HGET', KEYS[1], 'v') ~= '0' then return 0 end
revoke_family(KEYS[1], KEYS[2], now_ms(), ARGV[1])
return 1
`;

/**
 * Read a refresh token of a live family. KEYS: family key, or (ARGV[2] == '1') the token's pointer. ARGV: hash,
 * follow pointer. → {record, rotated} | false
 */
export const GET_REFRESH = `
local fam = KEYS[1]
if ARGV[2] == '1' then
  fam = redis.call('GET', KEYS[1])
  if not fam then return false end
end
if redis.call('HGET', fam, 'v') ~= '0' then return false end
local r = redis.call('HMGET', fam .. ':t:' .. ARGV[1], 'r', 'x')
if not r[1] then return false end
return r
`;

/**
 * Whether a jti is revoked: on the denylist, or tracked with a family that is revoked (or gone: fail closed).
 * `follow`: the pointer is followed here (single Redis).
 */
const REVOCATION_CHECK = `
local function revoked(denied, pointer, follow)
  if redis.call('EXISTS', denied) == 1 then return 1 end
  local fam = redis.call('GET', pointer)
  if not fam then return 0 end
  if not follow then return fam end
  if redis.call('HGET', fam, 'v') == '0' then return 0 end
  return 1
end
`;

/**
 * Whether a jti is revoked, on a Cluster (a single Redis asks in its turn's script, following the pointer there).
 * KEYS: denylist key, jti pointer. → 1 | 0 | the family key for the caller to check
 */
export const IS_REVOKED = `${REVOCATION_CHECK}
return revoked(KEYS[1], KEYS[2], false)
`;

/** Looks up one opaque token: its record unless its family is revoked (`follow`: the pointer is followed here). */
const OPAQUE_LOOKUP = `
local function lookup(record, pointer, follow)
  local r = redis.call('GET', record)
  if not r then return false end
  local fam = redis.call('GET', pointer)
  if not fam then return { r } end
  if not follow then return { r, fam } end
  if redis.call('HGET', fam, 'v') == '0' then return { r } end
  return false
end
`;

/**
 * An opaque token's record, on a Cluster (a single Redis asks in its turn's script, following the pointer there).
 * KEYS: record, pointer. → false | {record} | {record, family key} for the caller to check
 */
export const GET_OPAQUE = `${OPAQUE_LOOKUP}
return lookup(KEYS[1], KEYS[2], false)
`;

/** Denylist a jti, never shortening, and publish. KEYS: denylist key. ARGV: ttl ms, channel, event JSON. */
export const REVOKE_JTI = `
local left = redis.call('PTTL', KEYS[1])
if left ~= -1 and left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;

/** Delete a key and publish its revocation. KEYS: key. ARGV: channel, event JSON. */
export const DELETE_AND_PUBLISH = `
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`;

/** Counting `hits` in a fixed window of `window` ms → {count, ms left}. */
const COUNT = `
local function count(key, window, hits)
  local n = redis.call('INCRBY', key, hits)
  local left = redis.call('PTTL', key)
  if n == tonumber(hits) or left < 0 then
    redis.call('PEXPIRE', key, window)
    left = tonumber(window)
  end
  return { n, left }
end
`;

/** Count hits in a fixed window. KEYS: counter. ARGV: window ms, hits (≥ 1). → {count, ms left} */
export const INCREMENT = `${COUNT}
return count(KEYS[1], ARGV[1], ARGV[2])
`;

/**
 * A turn's per-request operations on a single Redis, in call order, each as when sent alone (see
 * `single-server-batches.ts`). ARGV: the number of operations, then per operation its kind and arguments; KEYS: its
 * keys. Kinds — `o`: opaque record (keys record, pointer) → false | {record}; `r`: revoked (keys denylist, pointer)
 * → 1 | 0; `g`: GET (key) → value | false; `m`: replay marker (key; ttl ms) → 1 first use | 0; `s`: SET (key; value,
 * ttl ms) → 1; `c`: count (key; window ms, hits) → {count, ms left}. An operation that fails (e.g. a write refused
 * while Redis is out of memory) answers an error of its own and the others still run. → one result per operation
 */
export const TURN = `${OPAQUE_LOOKUP}${REVOCATION_CHECK}${COUNT}
local function mark(key, ttl)
  return redis.call('SET', key, '1', 'PX', ttl, 'NX') and 1 or 0
end
local function set(key, value, ttl)
  redis.call('SET', key, value, 'PX', ttl)
  return 1
end
local out, k, a = {}, 1, 2
for i = 1, tonumber(ARGV[1]) do
  local kind, ok, r = ARGV[a]
  if kind == 'o' then ok, r = pcall(lookup, KEYS[k], KEYS[k + 1], true); k = k + 2; a = a + 1
  elseif kind == 'r' then ok, r = pcall(revoked, KEYS[k], KEYS[k + 1], true); k = k + 2; a = a + 1
  elseif kind == 'g' then ok, r = pcall(redis.call, 'GET', KEYS[k]); k = k + 1; a = a + 1
  elseif kind == 'm' then ok, r = pcall(mark, KEYS[k], ARGV[a + 1]); k = k + 1; a = a + 2
  elseif kind == 's' then ok, r = pcall(set, KEYS[k], ARGV[a + 1], ARGV[a + 2]); k = k + 1; a = a + 3
  elseif kind == 'c' then ok, r = pcall(count, KEYS[k], ARGV[a + 1], ARGV[a + 2]); k = k + 1; a = a + 3
  else return redis.error_reply('unknown operation') end
  if ok then out[i] = r else out[i] = redis.error_reply(type(r) == 'table' and r.err or tostring(r)) end
end
return out
`;