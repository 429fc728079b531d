/**
 * The Lua scripts that make Redis writes compare-and-set. A script runs atomically in
 * Redis, so no other client's write can fall between reading a key's stored times and
 * replacing its row. The row header `EVENT|CREATED|` (row-codec) is parsed with one
 * pattern; times are µs below 2^53, exact in Lua's doubles.
 */

/**
 * KEYS[1] watermark key, KEYS[2..] row keys. ARGV[1] expected watermark ('*': no check,
 * '': none yet), ARGV[2] next watermark ('': no step), ARGV[3..] encoded rows.
 * Returns {written} or {-1, found watermark} on a watermark conflict (nothing written).
 */
export const WRITE_ROWS = `
local wm = redis.call('GET', KEYS[1])
if ARGV[1] ~= '*' and (wm or '') ~= ARGV[1] then return {-1, wm or ''} end
if ARGV[2] ~= '' and (not wm or tonumber(ARGV[2]) > tonumber(wm)) then redis.call('SET', KEYS[1], ARGV[2]) end
local written = 0
for i = 2, #KEYS do
  local row = ARGV[i + 1]
  local cur = redis.call('GET', KEYS[i])
  local replace = not cur
  if cur then
    local e, c = string.match(row, '^(-?%d+)|(-?%d+)|')
    local ce, cc = string.match(cur, '^(-?%d+)|(-?%d+)|')
    e, c, ce, cc = tonumber(e), tonumber(c), tonumber(ce), tonumber(cc)
    replace = e > ce or (e == ce and c > cc)
  end
  if replace then
    redis.call('SET', KEYS[i], row)
    written = written + 1
  end
end
return {written}
`;

/** KEYS: row keys; ARGV[1] event time bound (µs). Deletes rows with an older event time; returns how many. */
export const EXPIRE_ROWS = `
local bound = tonumber(ARGV[1])
local removed = 0
for i = 1, #KEYS do
  local cur = redis.call('GET', KEYS[i])
  if cur and tonumber(string.match(cur, '^(-?%d+)|')) < bound then
    redis.call('DEL', KEYS[i])
    removed = removed + 1
  end
end
return removed
`;
