// Drives socket.io-client 3.1.3 (the reference web client's exact library) for the realtime
// tests. One JSON object per line on stdin (a command), one per line on stdout (what happened).
//
// Commands:
//   {"cmd":"connect","id":"c1","url":"http://127.0.0.1:1234","token":"...","transports":[...]}
//   {"cmd":"emit","id":"c1","event":"1:joinNotification","args":[],"ack":true,"ref":"r1"}
//   {"cmd":"disconnect","id":"c1"}
//   {"cmd":"many","id":"m","count":1000,"url":...,"token":...,"event":"1:ticketList"}
//   {"cmd":"mark","id":"m"}    start the latency clock and reset the receipt counts
//   {"cmd":"report","id":"m"}  report the counts now
// Output:
//   {"ev":"connect","id":...,"sid":...}   {"ev":"connect_error","id":...,"message":...}
//   {"ev":"event","id":...,"event":...,"args":[...]}   {"ev":"ack","id":...,"ref":...,"args":[...]}
//   {"ev":"disconnect","id":...,"reason":...}   {"ev":"upgrade","id":...,"transport":"websocket"}
//   {"ev":"many_connected","id":...,"connected":n,"errors":[...],"ms":...}   {"ev":"marked","id":...}
//   {"ev":"report","id":...,"sockets":n,"received":n,"total":n,"maxPerSocket":n,"p50Ms":...,"p99Ms":...,"maxMs":...}
//     (sent by itself once every socket has the event, and on "report")
//   {"ev":"error","message":...} for a command it cannot run.

"use strict";

const { io } = require("socket.io-client");
const readline = require("readline");

const sockets = new Map(); // id -> socket
const groups = new Map(); // id -> {sockets, counts, latencies, t0, event, reported}

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

// Like the web client (client-contract.md §16.1): the token through an `auth` callback.
// No reconnection, so that the tests see every disconnect as it happens.
function open(cmd) {
  return io(cmd.url, {
    transports: cmd.transports || ["websocket", "polling"],
    forceNew: true,
    reconnection: false,
    auth: (cb) => cb({ token: cmd.token === undefined ? null : cmd.token }),
  });
}

function connect(cmd) {
  const socket = open(cmd);
  sockets.set(cmd.id, socket);
  socket.on("connect", () => out({ ev: "connect", id: cmd.id, sid: socket.id }));
  socket.on("connect_error", (err) =>
    out({ ev: "connect_error", id: cmd.id, message: err.message, data: err.data }),
  );
  socket.on("disconnect", (reason) => out({ ev: "disconnect", id: cmd.id, reason }));
  socket.onAny((event, ...args) => out({ ev: "event", id: cmd.id, event, args }));
  socket.io.on("open", () =>
    socket.io.engine.on("upgrade", (t) => out({ ev: "upgrade", id: cmd.id, transport: t.name })),
  );
}

function emit(cmd) {
  const socket = sockets.get(cmd.id);
  if (!socket) return out({ ev: "error", message: `no socket ${cmd.id}` });
  const args = cmd.args || [];
  if (cmd.ack) {
    socket.emit(cmd.event, ...args, (...answer) =>
      out({ ev: "ack", id: cmd.id, ref: cmd.ref, args: answer }),
    );
  } else {
    socket.emit(cmd.event, ...args);
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)] * 10) / 10;
}

function report(id) {
  const g = groups.get(id);
  if (!g) return out({ ev: "error", message: `no group ${id}` });
  const sorted = [...g.latencies].sort((a, b) => a - b);
  out({
    ev: "report",
    id,
    sockets: g.sockets.length,
    received: g.counts.filter((c) => c > 0).length,
    total: g.counts.reduce((a, b) => a + b, 0),
    maxPerSocket: Math.max(0, ...g.counts),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: percentile(sorted, 100),
  });
}

function many(cmd) {
  const started = performance.now();
  const g = { sockets: [], counts: [], latencies: [], t0: started, event: cmd.event, reported: false };
  groups.set(cmd.id, g);
  let settled = 0;
  let connected = 0;
  const errors = [];
  const settle = () => {
    settled += 1;
    if (settled === cmd.count) {
      const ms = Math.round(performance.now() - started);
      out({ ev: "many_connected", id: cmd.id, connected, errors: errors.slice(0, 5), ms });
    }
  };
  for (let i = 0; i < cmd.count; i++) {
    const socket = open(cmd);
    g.sockets.push(socket);
    g.counts.push(0);
    socket.once("connect", () => {
      connected += 1;
      settle();
    });
    socket.once("connect_error", (err) => {
      errors.push(err.message);
      settle();
    });
    socket.on(cmd.event, () => {
      g.counts[i] += 1;
      if (g.counts[i] === 1) {
        g.latencies.push(performance.now() - g.t0);
        if (g.latencies.length === g.sockets.length && !g.reported) {
          g.reported = true;
          report(cmd.id);
        }
      }
    });
  }
}

function mark(cmd) {
  const g = groups.get(cmd.id);
  if (!g) return out({ ev: "error", message: `no group ${cmd.id}` });
  g.t0 = performance.now();
  g.counts.fill(0);
  g.latencies = [];
  g.reported = false;
  out({ ev: "marked", id: cmd.id });
}

function disconnect(cmd) {
  const g = groups.get(cmd.id);
  if (g) {
    g.sockets.forEach((s) => s.disconnect());
    groups.delete(cmd.id);
    return out({ ev: "disconnect", id: cmd.id, reason: "io client disconnect" });
  }
  const socket = sockets.get(cmd.id);
  if (!socket) return out({ ev: "error", message: `no socket ${cmd.id}` });
  socket.disconnect();
  sockets.delete(cmd.id);
}

const commands = { connect, emit, disconnect, many, mark, report: (cmd) => report(cmd.id) };

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    return out({ ev: "error", message: `bad JSON: ${e.message}` });
  }
  const run = commands[cmd.cmd];
  if (!run) return out({ ev: "error", message: `unknown command ${cmd.cmd}` });
  run(cmd);
}).on("close", () => process.exit(0));
