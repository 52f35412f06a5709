// The playground page: a terminal (xterm.js) on a guest running in this page with BrowserHost,
// examples from guest/bin, your own riscv64 binary from the file picker or a drop, files for
// /home/user, the live strace, the per-CPU timeline, and a seed for deterministic, replayable runs.
// window.ecallPlayground is the test driver's handle (test/browser/playground.ts).
import { Terminal } from '@xterm/xterm';
import { BrowserHost, runProgram, SpawnError, type BrowserRun, type ExitStatus } from '../src/browser.js';
import { Timeline } from './timeline.js';

/** Examples offered in the menu (tools/bundle_browser.ts copies them beside the page), with what they show. */
const EXAMPLES: [string, string][] = [
  ['hello', 'hello: argv, environment, stdout and stderr'],
  ['cat', 'cat: interactive; type lines, Ctrl-D ends, Ctrl-C interrupts'],
  ['threads', 'threads: pthread mutexes on several CPUs'],
  ['signals', 'signals: handlers, sigqueue, sigsuspend, sigtimedwait'],
  ['restart', 'restart: syscalls interrupted and restarted (SA_RESTART)'],
  ['rseq_abort', 'rseq_abort: restartable sequences aborted'],
  ['timers', 'timers: itimers, POSIX timers, timerfd, epoll'],
  ['fork_wait', 'fork_wait: fork, exec-less children, wait'],
  ['pipes', 'pipes: pipe, dup2, poll'],
  ['uring', 'uring: io_uring NOPs, a pipe read, links, timeouts, cancellation'],
  ['printf', 'printf: glibc formatting'],
  ['exit42', 'exit42: the smallest program'],
];
/** The menu entry of a binary the user picked or dropped. */
const OWN = '(your binary)';
/** Terminal size in characters. */
const ROWS = 26, COLS = 92;
/** ELF magic and EM_RISCV (the ELF e_machine of riscv64). */
const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46], EM_RISCV = 243;
/** strace lines shown at once; older ones scroll away (the count says how many in all). */
const STRACE_KEEP = 5000;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const term = new Terminal({ rows: ROWS, cols: COLS, convertEol: true, fontSize: 13, scrollback: 5000 });
term.open($('terminal'));
const decoder = { 1: new TextDecoder(), 2: new TextDecoder() };
let captured: { 1: string; 2: string } = { 1: '', 2: '' };
const host = new BrowserHost({
  terminal: {
    write(fd, data) {
      captured[fd] += decoder[fd].decode(data, { stream: true });
      term.write(data);
    },
    echo(data) {
      term.write(data);
    },
  },
});
host.resize(ROWS, COLS);
term.onData((d) => { if (current !== null) host.stdin.input(d); });
const timeline = new Timeline($('timeline'), $('timeline-info'));

const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
const badge = $('isolation');
badge.textContent = isolated ? 'cross-origin isolated: shared WebAssembly memory, translator on'
  : 'not cross-origin isolated (no COOP/COEP headers): unshared memory, translator off';
badge.className = `badge ${isolated ? 'ok' : 'warn'}`;

const select = $<HTMLSelectElement>('example');
for (const [name, text] of EXAMPLES) select.add(new Option(text, name));
let own: { name: string; bytes: Uint8Array } | null = null;
const files = new Map<string, Uint8Array>();
let current: BrowserRun | null = null;

/** True if bytes start like a riscv64 ELF. */
function isRiscvElf(b: Uint8Array): boolean {
  return ELF_MAGIC.every((v, i) => b[i] === v) && b.length > 20 && (b[18]! | (b[19]! << 8)) === EM_RISCV;
}

/** Takes files from the picker or a drop: a riscv64 ELF becomes the program, the rest go to /home/user. */
async function takeFiles(list: FileList | null, asProgram: boolean): Promise<void> {
  for (const f of Array.from(list ?? [])) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (asProgram || (isRiscvElf(bytes) && own === null)) {
      own = { name: f.name.replace(/[^\w.-]/g, '_') || 'a.out', bytes };
      if (![...select.options].some((o) => o.value === OWN)) select.add(new Option(`${OWN}`, OWN));
      select.value = OWN;
      $('status').textContent = isRiscvElf(bytes) ? `${f.name}: ready to run` : `${f.name}: not a riscv64 ELF (running it will fail)`;
    } else {
      files.set(f.name, bytes);
    }
  }
  $('filelist').textContent = files.size > 0 ? `In /home/user: ${[...files.keys()].join(', ')}` : '';
}
$<HTMLInputElement>('binary').addEventListener('change', (e) => { void takeFiles((e.target as HTMLInputElement).files, true); });
$<HTMLInputElement>('files').addEventListener('change', (e) => { void takeFiles((e.target as HTMLInputElement).files, false); });
const drop = $('drop');
for (const ev of ['dragenter', 'dragover']) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  void takeFiles((e as DragEvent).dataTransfer?.files ?? null, false);
});
$<HTMLInputElement>('seed').addEventListener('input', () => { $('stdin-row').hidden = $<HTMLInputElement>('seed').value.trim() === ''; });

/** Returns the bytes of the example or of the user's binary. */
async function programBytes(name: string): Promise<{ name: string; bytes: Uint8Array }> {
  if (name === OWN) {
    if (own === null) throw new Error('no binary picked');
    return own;
  }
  const r = await fetch(`examples/${name}`);
  if (!r.ok) throw new Error(`examples/${name}: ${r.status}`);
  return { name, bytes: new Uint8Array(await r.arrayBuffer()) };
}

/** What a run reports to the page and the test driver. */
interface RunReport {
  stdout: string;
  stderr: string;
  status: ExitStatus | null;
  error: string | null;
  /** Milliseconds from booting the kernel to the program's exit. */
  ms: number;
  sharedMemory: boolean;
  /** Guest code regions the translator compiled to WebAssembly in this run. */
  translatedRegions: number;
  straceLines: number;
  timeline: ReturnType<Timeline['summary']>;
}

interface RunSettings {
  args?: string[];
  seed?: string;
  stdin?: string;
  cpus?: number;
  strace?: boolean;
  /** Arrivals before the translator compiles code (default: the kernel's). */
  jitThreshold?: number;
  /** Draw the terminal, strace and timeline (false for the start-up bench). */
  show?: boolean;
}

/** Runs one program with the settings; resolves when it has exited. */
async function run(name: string, s: RunSettings): Promise<RunReport> {
  if (current !== null) throw new Error('a program is running');
  const show = s.show ?? true;
  const prog = await programBytes(name);
  captured = { 1: '', 2: '' };
  const straceOut = $('strace-out');
  let straceLines = 0;
  const straceBuf: string[] = [];
  let flush = 0;
  const strace = s.strace ?? false ? (line: string): void => {
    straceLines++;
    straceBuf.push(line);
    flush ||= requestAnimationFrame(() => {
      flush = 0;
      straceOut.textContent = (straceOut.textContent + straceBuf.splice(0).join('\n') + '\n').split('\n').slice(-STRACE_KEEP).join('\n');
      straceOut.scrollTop = straceOut.scrollHeight;
    });
  } : undefined;
  const cpus = s.cpus ?? 4;
  if (show) {
    if ([...select.options].some((o) => o.value === name)) select.value = name;
    $<HTMLInputElement>('seed').value = s.seed ?? '';
    $('stdin-row').hidden = (s.seed ?? '').trim() === '';
    $<HTMLInputElement>('cpus').value = String(s.cpus ?? 4);
    $<HTMLInputElement>('strace').checked = s.strace ?? false;
    term.reset();
    straceOut.textContent = '';
    timeline.reset(cpus);
  }
  const seedText = (s.seed ?? '').trim();
  const seed = seedText === '' ? undefined : BigInt(seedText);
  const t0 = performance.now();
  let status: ExitStatus | null = null;
  let error: string | null = null;
  let shared = false;
  let translated = (): number => 0;
  try {
    current = runProgram({
      program: prog.bytes, name: prog.name, args: s.args ?? [], host, seed, cpus, jitThreshold: s.jitThreshold,
      stdin: new TextEncoder().encode(s.stdin ?? ''), strace, events: show ? timeline.onEvent : undefined,
      files: Object.fromEntries(files),
    });
    shared = current.sharedMemory;
    translated = current.translatedRegions;
    ($('stop') as HTMLButtonElement).disabled = false;
    ($('run') as HTMLButtonElement).disabled = true;
    term.focus();
    status = await current.exited;
  } catch (e) {
    error = e instanceof SpawnError ? e.message : String(e);
    term.write(`\r\necall: ${error}\r\n`);
  } finally {
    current = null;
    ($('stop') as HTMLButtonElement).disabled = true;
    ($('run') as HTMLButtonElement).disabled = false;
  }
  const ms = performance.now() - t0;
  if (show) {
    const how = status === null ? 'did not start' : status.signal !== 0 ? `killed by signal ${status.signal}` : `exit ${status.code}`;
    $('status').textContent = `${prog.name}: ${how} · ${(status?.instret ?? 0).toLocaleString('en')} instructions · ` +
      `${ms.toFixed(1)} ms · ${seed === undefined ? 'real time' : `seed ${seed}`} · ${translated()} regions translated`;
    timeline.draw();
  }
  return { stdout: captured[1], stderr: captured[2], status, error, ms, sharedMemory: shared, translatedRegions: translated(), straceLines, timeline: timeline.summary() };
}

/** Start-up cost: kernel boot plus a whole small program, `n` times; returns each run's milliseconds. */
async function bench(name: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await run(name, { show: false })).ms);
  return out;
}

$('run').addEventListener('click', () => {
  const args = $<HTMLInputElement>('args').value.split(/\s+/).filter((a) => a !== '');
  void run(select.value, {
    args, seed: $<HTMLInputElement>('seed').value, stdin: $<HTMLInputElement>('stdin').value,
    cpus: Number($<HTMLInputElement>('cpus').value) || 4, strace: $<HTMLInputElement>('strace').checked,
  });
});
$('stop').addEventListener('click', () => { current?.process.kill('SIGKILL'); });

(globalThis as { ecallPlayground?: unknown }).ecallPlayground = { run, bench, isolated, running: () => current !== null, ready: true };
