// Shared body of the fake claude/codex/gemini executables: replays a recorded transcript the way
// the real CLI printed it, records what it was given, and misbehaves on demand (see README.md).
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, fstatSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesRoot = resolve(here, '..', 'fixtures', 'cli');

const NOISE = [
  'Loading configuration…',
  '\u001b[33mwarning:\u001b[0m something on stdout that is not JSON',
  '{"truncated": ',
  '[1, 2, 3]',
  '',
  '   ',
  '{"type":"some_future_event","payload":{"x":1}}',
  'null',
];

export async function runFakeCli(cli) {
  const argv = process.argv.slice(2);
  const env = process.env;
  if (cli === 'codex' && argv[0] === 'app-server') return appServer();
  const modes = new Set((env.FAKE_CLI_MODE ?? '').split(',').map((m) => m.trim()).filter(Boolean));
  const delayMs = Number(env.FAKE_CLI_DELAY_MS ?? '2');
  const resumed = isResume(cli, argv);
  const transcriptName = (resumed && env.FAKE_CLI_RESUME_TRANSCRIPT) || env.FAKE_CLI_TRANSCRIPT || `${cli}-local-hello`;
  const transcript = locate(cli, transcriptName);
  record({ event: 'start', cli, pid: process.pid, argv, cwd: process.cwd(), transcript, agent: env.DUCTOR_AGENT_NAME ?? null, taskId: env.DUCTOR_TASK_ID ?? null, extraCaCerts: env.NODE_EXTRA_CA_CERTS ?? null, mallocMmapThreshold: env.MALLOC_MMAP_THRESHOLD_ ?? null, mallocArenaMax: env.MALLOC_ARENA_MAX ?? null });

  let exitCode = readExit(transcript);
  for (const m of modes) if (m.startsWith('exit=')) exitCode = Number(m.slice(5));

  if (modes.has('ignore-term')) process.on('SIGTERM', () => record({ event: 'sigterm-ignored', pid: process.pid }));
  // Esc / Ctrl-C: the real CLIs end the turn and keep the session (gemini exits 130).
  process.on('SIGINT', () => {
    record({ event: 'sigint', pid: process.pid });
    process.exit(130);
  });

  const streamJsonIn = cli === 'claude' && argv.includes('--input-format') && argv[argv.indexOf('--input-format') + 1] === 'stream-json';
  const stdin = new StdinLines();
  let promptSeen = argv.join(' ');
  if (streamJsonIn) {
    const first = await stdin.nextLine();
    promptSeen += first ?? '';
    record({ event: 'stdin-line', pid: process.pid, line: first });
  } else if (stdinIsPipe()) {
    const text = await stdin.readAll();
    promptSeen += text;
    record({ event: 'stdin', pid: process.pid, stdin: text });
  }
  // FAKE_CLI_HANG_ON=<text>: behave as `hang` only for prompts containing it (crash tests need one
  // turn to hang while the next ones finish).
  if (env.FAKE_CLI_HANG_ON && promptSeen.includes(env.FAKE_CLI_HANG_ON)) modes.add('hang');

  let lines = readFileSync(transcript, 'utf8').split('\n').filter((l) => l !== '');
  // FAKE_CLI_EXEC: run a command line during the run (a tool call) and answer with its output.
  const reply = execRules(env, promptSeen);
  if (reply !== null) lines = lines.map((l) => withReply(l, reply));
  // FAKE_CLI_FRESH_SESSION=1: every new run gets its own session id; a resume keeps the resumed one.
  if (env.FAKE_CLI_FRESH_SESSION === '1' && cli === 'claude') {
    const at = argv.indexOf('--resume');
    const id = at >= 0 ? argv[at + 1] : randomUUID();
    lines = lines.map((l) => withSessionId(l, id));
  }
  const stderrFile = transcript.replace(/\.jsonl$/, '.stderr.txt');
  if (existsSync(stderrFile)) process.stderr.write(readFileSync(stderrFile));

  if (modes.has('spawn-child')) {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    record({ event: 'grandchild', pid: process.pid, grandchild: child.pid });
  }

  const out = new Output(modes.has('garbage'));
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const parsed = tryParse(line);
    if (modes.has('no-result') && isTerminal(cli, parsed)) continue;
    if (modes.has('crash') && i >= Math.floor(lines.length / 2)) {
      await out.drain();
      process.kill(process.pid, 'SIGSEGV');
      await sleep(1000);
      process.exit(139);
    }
    if (modes.has('garbage')) await out.write(`${NOISE[i % NOISE.length]}\n`);
    if (streamJsonIn && parsed?.type === 'control_request') {
      await out.write(`${line}\n`);
      const answer = await stdin.waitFor((l) => tryParse(l)?.response?.request_id === parsed.request_id);
      record({ event: 'control_response', pid: process.pid, line: answer });
      const decision = answer === null ? null : tryParse(answer)?.response?.response;
      if (decision?.behavior !== 'allow') {
        // What claude does on deny: the tool_result says so, the model answers without the tool.
        const reason = decision?.message ?? 'stdin closed';
        await out.write(`${JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'denied', content: reason, is_error: true }] }, session_id: parsed.session_id ?? '' })}\n`);
        const resultLine = lines.find((l) => tryParse(l)?.type === 'result');
        if (resultLine !== undefined) await out.write(`${JSON.stringify({ ...tryParse(resultLine), result: `Tool denied: ${reason}` })}\n`);
        break;
      }
      continue;
    }
    if (modes.has('hang') && i >= 1) {
      await out.drain();
      await hangForever();
    }
    await out.write(`${line}\n`);
    if (delayMs > 0) await sleep(delayMs);
  }
  if (modes.has('hang') || modes.has('spawn-child')) {
    await out.drain();
    await hangForever();
  }
  await out.drain();
  if (streamJsonIn) {
    // Real claude in stream-json input mode waits for more user messages until stdin closes.
    await stdin.waitFor(() => false);
    record({ event: 'stdin-closed', pid: process.pid });
  }
  record({ event: 'exit', pid: process.pid, code: exitCode });
  process.exitCode = exitCode;
}

function isResume(cli, argv) {
  if (cli === 'codex') return argv[0] === 'exec' && argv[1] === 'resume';
  return argv.includes('--resume') || argv.includes('-r');
}

function isTerminal(cli, msg) {
  if (msg === null) return false;
  if (cli === 'codex') return msg.type === 'turn.completed' || msg.type === 'turn.failed';
  return msg.type === 'result';
}

function locate(cli, name) {
  const candidates = [name, `${name}.jsonl`, join(fixturesRoot, cli, name), join(fixturesRoot, cli, `${name}.jsonl`)];
  for (const c of candidates) if (existsSync(c) && c.endsWith('.jsonl')) return resolve(c);
  process.stderr.write(`fake ${cli}: transcript not found: ${name}\n`);
  process.exit(97);
}

function readExit(transcript) {
  const file = transcript.replace(/\.jsonl$/, '.exit');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 0;
}

function record(entry) {
  const file = process.env.FAKE_CLI_RECORD;
  // `at` (wall clock) and `uptimeMs` (since this process started) let a benchmark subtract the fake
  // CLI's own lifetime from a round trip.
  if (file) appendFileSync(file, `${JSON.stringify({ ...entry, at: Date.now(), uptimeMs: performance.now() })}\n`);
}

function tryParse(line) {
  try {
    const v = JSON.parse(line);
    return typeof v === 'object' && v !== null ? v : null;
  } catch {
    return null;
  }
}

function stdinIsPipe() {
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isSocket() || st.isFile();
  } catch {
    return false;
  }
}

function hangForever() {
  return new Promise(() => setInterval(() => {}, 60_000));
}

/** stdout writer; in garbage mode it cuts every write into small pieces, some inside a UTF-8 character. */
class Output {
  constructor(chop) {
    this.chop = chop;
  }
  async write(text) {
    const bytes = Buffer.from(text);
    if (!this.chop) return this.put(bytes);
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + ((i * 7) % 13);
      await this.put(bytes.subarray(i, i + n));
      i += n;
    }
  }
  put(bytes) {
    return new Promise((ok) => (process.stdout.write(bytes) ? ok() : process.stdout.once('drain', ok)));
  }
  drain() {
    return new Promise((ok) => (process.stdout.writableNeedDrain ? process.stdout.once('drain', ok) : ok()));
  }
}

class StdinLines {
  constructor() {
    this.buffer = '';
    this.lines = [];
    this.ended = false;
    this.waiters = [];
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d) => {
      this.buffer += d;
      let nl;
      while ((nl = this.buffer.indexOf('\n')) !== -1) {
        this.lines.push(this.buffer.slice(0, nl));
        this.buffer = this.buffer.slice(nl + 1);
      }
      this.wake();
    });
    process.stdin.on('end', () => {
      this.ended = true;
      this.wake();
    });
    process.stdin.on('error', () => {
      this.ended = true;
      this.wake();
    });
  }
  wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  async readAll() {
    while (!this.ended) await new Promise((ok) => this.waiters.push(ok));
    const all = this.lines.join('\n') + (this.lines.length > 0 ? '\n' : '') + this.buffer;
    this.lines = [];
    this.buffer = '';
    return all;
  }
  async nextLine() {
    return this.waitFor(() => true);
  }
  /** Resolves with the first line matching, or null once stdin has ended. */
  async waitFor(match) {
    for (;;) {
      const idx = this.lines.findIndex(match);
      if (idx !== -1) return this.lines.splice(idx, 1)[0];
      if (this.ended) return null;
      await new Promise((ok) => this.waiters.push(ok));
    }
  }
}

/** `codex app-server` on stdio: answers initialize and model/list like codex 0.169. */
async function appServer() {
  // Not a turn: its own event, so tests counting turn starts do not see model discovery.
  record({ event: 'app-server', cli: 'codex', pid: process.pid, argv: process.argv.slice(2), cwd: process.cwd() });
  const stdin = new StdinLines();
  for (;;) {
    const line = await stdin.nextLine();
    if (line === null) return;
    const msg = tryParse(line);
    if (msg?.method === 'initialize') process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { userAgent: 'fake-codex/0.169.0' } })}\n`);
    if (msg?.method === 'model/list') {
      const data = [
        { id: 'gpt-5.5', displayName: 'GPT-5.5', description: 'Frontier model', supportedReasoningEfforts: [{ reasoningEffort: 'low' }, { reasoningEffort: 'medium' }, { reasoningEffort: 'high' }], defaultReasoningEffort: 'medium', isDefault: true },
        { id: 'gpt-5.5-codex-mini', displayName: 'Codex mini', description: 'Fast', supportedReasoningEfforts: [{ reasoningEffort: 'medium' }], defaultReasoningEffort: 'medium', isDefault: false },
      ];
      process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { data, nextCursor: null } })}\n`);
    }
  }
}

/** Runs the first FAKE_CLI_EXEC rule (`[{"on": text, "run": shell command}]`) whose `on` the prompt contains. */
function execRules(env, prompt) {
  if (!env.FAKE_CLI_EXEC) return null;
  const rules = JSON.parse(env.FAKE_CLI_EXEC);
  const rule = rules.find((r) => prompt.includes(r.on));
  if (!rule) return null;
  const run = spawnSync('/bin/sh', ['-c', rule.run], { cwd: process.cwd(), env, encoding: 'utf8', timeout: 120_000 });
  record({ event: 'exec', pid: process.pid, on: rule.on, code: run.status, stdout: run.stdout, stderr: run.stderr });
  return (run.stdout ?? '').trim() || `(exec exited ${run.status})`;
}

/** The transcript line with its answer text replaced (claude assistant/result, codex agent_message). */
function withReply(line, reply) {
  const msg = tryParse(line);
  if (msg === null) return line;
  if (msg.type === 'assistant' && Array.isArray(msg.message?.content)) {
    msg.message.content = msg.message.content.map((c) => (c.type === 'text' ? { ...c, text: reply } : c));
  } else if (msg.type === 'result' && typeof msg.result === 'string') {
    msg.result = reply;
  } else if (msg.type === 'item.completed' && msg.item?.type === 'agent_message') {
    msg.item.text = reply;
  } else return line;
  return JSON.stringify(msg);
}

function withSessionId(line, id) {
  const msg = tryParse(line);
  if (msg === null || typeof msg.session_id !== 'string') return line;
  return JSON.stringify({ ...msg, session_id: id });
}
