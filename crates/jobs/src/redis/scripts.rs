//! The Lua scripts of the queue: every change that touches more than one key is atomic.

use deadpool_redis::redis::Script;

/// Accepts a job unless its held marker exists: sets the marker, then adds the job to the
/// stream (now) or the delayed set (later). Returns 1 when accepted, 0 when already held.
const ENQUEUE: &str = r"
-- KEYS: held marker, stream, delayed set
-- ARGV: envelope, held ttl ms, run-at ms ('' = now), stream max length
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then
  return 0
end
if ARGV[3] == '' then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'job', ARGV[1])
else
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
end
return 1
";

/// Moves the due delayed jobs (at most a batch) into the stream. Returns how many moved.
const PROMOTE: &str = r"
-- KEYS: delayed set, stream
-- ARGV: now ms, batch size, stream max length
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, envelope in ipairs(due) do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'job', envelope)
  redis.call('ZREM', KEYS[1], envelope)
end
return #due
";

/// Success: acknowledges and deletes the entry, drops the held marker. Returns 0 (and changes
/// nothing) when the entry was already settled by another worker.
const ACK: &str = r"
-- KEYS: stream, held marker
-- ARGV: group, entry id
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
return 1
";

/// Retry: acknowledges and deletes the entry, schedules the next attempt's envelope in the
/// delayed set and renews the held marker. Returns 0 when already settled elsewhere.
const RETRY: &str = r"
-- KEYS: stream, delayed set, held marker
-- ARGV: group, entry id, run-at ms, next envelope, held ttl ms
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[5])
return 1
";

/// Dead letter: acknowledges and deletes the entry, appends it with its last error to the
/// dead-letter stream, drops the held marker when known. Returns 0 when already settled.
const BURY: &str = r"
-- KEYS: stream, dead-letter stream, held marker (unused when ARGV[8] ~= '1')
-- ARGV: group, entry id, envelope (or raw entry), error, attempts, failed-at ms,
--       dead-letter max length, '1' to drop the held marker
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*',
  'job', ARGV[3], 'error', ARGV[4], 'attempts', ARGV[5], 'failedAt', ARGV[6])
if ARGV[8] == '1' then
  redis.call('DEL', KEYS[3])
end
return 1
";

/// Heartbeat: resets the entry's idle time, only while this consumer still owns it (so a
/// slow worker does not steal back a job another worker took over). Returns 1 when renewed.
const HEARTBEAT: &str = r"
-- KEYS: stream
-- ARGV: group, consumer, entry id
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then
  return 0
end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
";

/// Removes a consumer from its group if it has no pending entry. Returns 1 when removed.
const RETIRE: &str = r"
-- KEYS: stream
-- ARGV: group, consumer
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then
  return 0
end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
";

/// Removes consumers idle longer than a threshold that have no pending entry (consumers of
/// instances that are gone). Returns how many were removed.
const PRUNE: &str = r"
-- KEYS: stream
-- ARGV: group, minimum idle ms
local removed = 0
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local fields = {}
  for i = 1, #consumer, 2 do
    fields[consumer[i]] = consumer[i + 1]
  end
  if fields['pending'] == 0 and fields['idle'] > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], fields['name'])
    removed = removed + 1
  end
end
return removed
";

/// The queue's scripts, hashed once.
#[derive(Debug)]
pub(crate) struct Scripts {
    pub enqueue: Script,
    pub promote: Script,
    pub ack: Script,
    pub retry: Script,
    pub bury: Script,
    pub heartbeat: Script,
    pub retire: Script,
    pub prune: Script,
}

impl Scripts {
    pub fn new() -> Self {
        Scripts {
            enqueue: Script::new(ENQUEUE),
            promote: Script::new(PROMOTE),
            ack: Script::new(ACK),
            retry: Script::new(RETRY),
            bury: Script::new(BURY),
            heartbeat: Script::new(HEARTBEAT),
            retire: Script::new(RETIRE),
            prune: Script::new(PRUNE),
        }
    }
}
