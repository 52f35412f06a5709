// The playground's per-CPU timeline: one lane per virtual CPU, a bar for each slice a task ran
// (coloured by thread id), and marks for signal deliveries, syscall restarts, rseq aborts and
// io_uring completions, from the kernel's events hook (src/kernel/events.ts). The x axis is the
// machine's retired instructions, so a seeded run draws the same picture every time.
import type { KernelEvent, MarkEvent, SliceEvent } from '../src/browser.js';

/** Slices kept for drawing; a longer run keeps its first ones and says how many were left out. */
const MAX_SLICES = 200_000;
/** Pixels: the lane label column, each lane's height, the gap under it, the mark size. */
const LABEL_W = 44, LANE_H = 30, LANE_GAP = 6, MARK = 7;
/** Colour of each mark kind (the legend in index.html uses the same). */
const MARK_COLOURS: Record<MarkEvent['kind'], string> = {
  signal: '#d32f2f', restart: '#f57c00', 'rseq-abort': '#7b1fa2', cqe: '#2e7d32',
};

/** Returns a colour for thread id tid: hues spread by the golden angle so neighbours differ. */
function tidColour(tid: number): string {
  return `hsl(${(tid * 137.508) % 360} 60% 62%)`;
}

export class Timeline {
  private slices: SliceEvent[] = [];
  private marks: MarkEvent[] = [];
  private dropped = 0;
  private cpus = 1;
  private pending = false;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly info: HTMLElement) {}

  /** Starts a new run on `cpus` virtual CPUs. */
  reset(cpus: number): void {
    this.slices = [];
    this.marks = [];
    this.dropped = 0;
    this.cpus = cpus;
    this.schedule();
  }

  /** The kernel's events hook. */
  readonly onEvent = (e: KernelEvent): void => {
    if (e.kind === 'slice') {
      const last = this.slices[this.slices.length - 1];
      // Back-to-back slices of one task on one CPU are one bar.
      if (last !== undefined && last.tid === e.tid && last.cpu === e.cpu && last.end === e.start) last.end = e.end;
      else if (this.slices.length < MAX_SLICES) this.slices.push({ ...e });
      else this.dropped++;
    } else {
      this.marks.push(e);
    }
    this.schedule();
  };

  /** Counts for tests and the caption: bars and marks by kind. */
  summary(): { slices: number; marks: Record<string, number>; cpusUsed: number } {
    const marks: Record<string, number> = {};
    for (const m of this.marks) marks[m.kind] = (marks[m.kind] ?? 0) + 1;
    return { slices: this.slices.length, marks, cpusUsed: new Set(this.slices.map((s) => s.cpu)).size };
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  /** Draws every lane, bar and mark scaled to the run so far. */
  draw(): void {
    const c = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const w = c.clientWidth, h = this.cpus * (LANE_H + LANE_GAP) + 24;
    c.style.height = `${h}px`;
    c.width = Math.round(w * ratio);
    c.height = Math.round(h * ratio);
    const g = c.getContext('2d');
    if (g === null) return;
    g.scale(ratio, ratio);
    g.clearRect(0, 0, w, h);
    const end = Math.max(1, this.slices.reduce((m, s) => Math.max(m, s.end), 0), ...this.marks.map((m) => m.at));
    const x = (insn: number): number => LABEL_W + (insn / end) * (w - LABEL_W - 8);
    g.font = '11px monospace';
    for (let cpu = 0; cpu < this.cpus; cpu++) {
      const y = cpu * (LANE_H + LANE_GAP) + 4;
      g.fillStyle = '#f0f0f0';
      g.fillRect(LABEL_W, y, w - LABEL_W - 8, LANE_H);
      g.fillStyle = '#333';
      g.fillText(`cpu${cpu}`, 4, y + LANE_H / 2 + 4);
    }
    for (const s of this.slices) {
      const y = s.cpu * (LANE_H + LANE_GAP) + 4;
      const x0 = x(s.start);
      g.fillStyle = tidColour(s.tid);
      g.fillRect(x0, y, Math.max(1, x(s.end) - x0), LANE_H);
      if (x(s.end) - x0 > 26) { g.fillStyle = '#000'; g.fillText(String(s.tid), x0 + 3, y + 12); }
    }
    for (const m of this.marks) {
      const y = m.cpu * (LANE_H + LANE_GAP) + 4 + LANE_H;
      const xm = x(m.at);
      g.fillStyle = MARK_COLOURS[m.kind];
      g.beginPath();
      g.moveTo(xm, y - MARK);
      g.lineTo(xm - MARK / 2, y);
      g.lineTo(xm + MARK / 2, y);
      g.fill();
    }
    g.fillStyle = '#555';
    g.fillText('0', LABEL_W, h - 6);
    const endText = `${end.toLocaleString('en')} instructions`;
    g.fillText(endText, w - 8 - g.measureText(endText).width, h - 6);
    const s = this.summary();
    const marks = Object.entries(s.marks).map(([k, n]) => `${n} ${k}`).join(', ');
    this.info.textContent = `${s.slices} bars on ${s.cpusUsed} CPUs${marks ? '; ' + marks : ''}` +
      (this.dropped > 0 ? `; ${this.dropped} later slices not drawn` : '');
  }
}
