#!/usr/bin/env node
/**
 * Saves the weights of a RUNNING training script (scripts/training/train-vae.ts / train-gan.ts) at the
 * next step boundary, through the Node inspector (SIGUSR1, 127.0.0.1:9229), without stopping
 * it. Used when a shared machine was too slow to finish the planned step count: because the
 * seeds, batch order and learning rates do not depend on the total step count, the weights
 * after step N are those of `--steps N` (the training-info written with them says so).
 *
 *   node scripts/training/train-snapshot.mjs <pid> hook <vae|gan>   # once: install the hook
 *   node scripts/training/train-snapshot.mjs <pid> save <dir>       # save at the next step boundary
 *
 * `save` writes <dir>/step-<N>/<part>/{artifacts.json,weights.raw}; scripts/training/train-export.ts
 * turns them into public/models files.
 */
import http from 'node:http';
import crypto from 'node:crypto';

const [pid, mode, arg] = process.argv.slice(2);

function getJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let s = '';
      res.on('data', (d) => (s += d));
      res.on('end', () => resolve(JSON.parse(s)));
    }).on('error', reject);
  });
}

function connect(wsUrl) {
  const u = new URL(wsUrl);
  const key = crypto.randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' } });
    req.on('upgrade', (_res, socket) => {
      let buf = Buffer.alloc(0);
      let frag = [];
      const listeners = [];
      socket.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        for (;;) {
          if (buf.length < 2) return;
          const fin = buf[0] & 0x80;
          const opcode = buf[0] & 0x0f;
          let len = buf[1] & 0x7f;
          let off = 2;
          if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
          else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
          if (buf.length < off + len) return;
          const payload = buf.subarray(off, off + len);
          buf = buf.subarray(off + len);
          if (opcode !== 0 && opcode !== 1) continue; // close / ping / pong
          frag.push(payload);
          if (fin) {
            const msg = JSON.parse(Buffer.concat(frag).toString('utf8'));
            frag = [];
            for (const l of listeners) l(msg);
          }
        }
      });
      let id = 0;
      const send = (method, params = {}) =>
        new Promise((res) => {
          const myId = ++id;
          const payload = Buffer.from(JSON.stringify({ id: myId, method, params }));
          const mask = crypto.randomBytes(4);
          const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
          const body = Buffer.alloc(payload.length);
          for (let i = 0; i < payload.length; i++) body[i] = payload[i] ^ mask[i % 4];
          const l = (m) => { if (m.id === myId) { listeners.splice(listeners.indexOf(l), 1); res(m); } };
          listeners.push(l);
          socket.write(Buffer.concat([head, mask, body]));
        });
      resolve({ send, on: (f) => listeners.push(f), close: () => socket.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

const HOOK = {
  vae: '({ encoder: enc, decoder: dec })',
  gan: '({ generator: G })',
};

async function main() {
  process.kill(Number(pid), 'SIGUSR1');
  await new Promise((r) => setTimeout(r, 1500));
  const [target] = await getJson('http://127.0.0.1:9229/json/list');
  const c = await connect(target.webSocketDebuggerUrl);
  if (mode === 'hook') {
    const models = HOOK[arg];
    if (!models) throw new Error('hook needs vae or gan');
    await c.send('Debugger.enable');
    const paused = new Promise((res) => c.on((m) => m.method === 'Debugger.paused' && res(m.params)));
    await c.send('Debugger.pause');
    const p = await paused;
    const frame = p.callFrames.find((f) => f.functionName === 'main');
    if (!frame) {
      console.log('main() not on the stack; frames:', p.callFrames.map((f) => f.functionName).join(' < '));
      await c.send('Debugger.resume');
      process.exit(2);
    }
    const opt = arg === 'vae' ? 'opt' : 'gOpt';
    const expr = `(() => {
      const fs = process.getBuiltinModule('fs');
      const models = ${models};
      const o = ${opt};
      const handler = (dir) => ({ save: async (a) => { fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(dir + '/artifacts.json', JSON.stringify({ modelTopology: a.modelTopology, weightSpecs: a.weightSpecs, format: a.format, generatedBy: a.generatedBy }));
        fs.writeFileSync(dir + '/weights.raw', Buffer.from(a.weightData));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; } });
      const orig = tf.Tensor.prototype.data;
      tf.Tensor.prototype.data = async function (...args) {
        const req = globalThis.__plSnapshot;
        if (req) {
          globalThis.__plSnapshot = null;
          const n = o.iterations;
          for (const [k, m] of Object.entries(models)) await m.save(handler(req + '/step-' + n + '/' + k));
          fs.writeFileSync(req + '/step-' + n + '/done', String(n));
        }
        return orig.apply(this, args);
      };
      return 'hooked; optimizer iterations ' + o.iterations;
    })()`;
    const r = await c.send('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression: expr });
    console.log(JSON.stringify(r.result?.result ?? r).slice(0, 500));
    await c.send('Debugger.resume');
    await c.send('Debugger.disable');
  } else if (mode === 'save') {
    const r = await c.send('Runtime.evaluate', { expression: `globalThis.__plSnapshot = ${JSON.stringify(arg)}; 'requested'` });
    console.log(JSON.stringify(r.result?.result ?? r).slice(0, 300));
  }
  await c.send('Runtime.evaluate', { expression: "process.getBuiltinModule('inspector').close(); 'closed'" }).catch(() => {});
  c.close();
  process.exit(0);
}
main().catch((e) => { console.error(e); process.exit(1); });
