/**
 * Line charts with axes, scales and epoch labels, drawn by uPlot. The data are a bounded
 * record (history.ts), so a redraw costs the same after a minute or after hours. The chart
 * follows its container's width and is rebuilt when the language changes (series names).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { onLangChange, t, type Messages } from './i18n/index.js';

export interface SeriesSpec {
  label: (m: Messages) => string;
  stroke: string;
  dash?: number[];
}

export interface ChartSpec {
  series: SeriesSpec[];
  yLabel: (m: Messages) => string;
  height: number;
  /** Fixed y range (e.g. [0, 1] for accuracy); default: from the data, starting at 0. */
  yRange?: [number, number];
  /** y tick values as percentages. */
  percent?: boolean;
}

export class LineChart {
  private plot: uPlot | null = null;
  private data: uPlot.AlignedData;
  private readonly observer: ResizeObserver;

  constructor(private readonly parent: HTMLElement, private readonly spec: ChartSpec) {
    this.data = [[], ...spec.series.map(() => [])];
    this.build();
    this.observer = new ResizeObserver(() => this.fit());
    this.observer.observe(parent);
    onLangChange(() => this.build());
  }

  private width(): number {
    return Math.max(160, Math.floor(this.parent.clientWidth || 300));
  }

  private build(): void {
    this.plot?.destroy();
    const m = t();
    const { spec } = this;
    const opts: uPlot.Options = {
      width: this.width(),
      height: spec.height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false },
        y: spec.yRange ? { range: spec.yRange } : { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] },
      },
      axes: [
        { label: m.chart.epoch, size: 36, labelSize: 14, font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif' },
        {
          label: spec.yLabel(m), size: 48, labelSize: 14, font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif',
          values: spec.percent ? (_u, ticks) => ticks.map((v) => `${Math.round(v * 100)}%`) : undefined,
        },
      ],
      series: [{ label: m.chart.epoch }, ...spec.series.map((s) => ({ label: s.label(m), stroke: s.stroke, dash: s.dash, width: 1.5, points: { show: false }, spanGaps: true }))],
    };
    this.plot = new uPlot(opts, this.data, this.parent);
  }

  private fit(): void {
    const w = this.width();
    if (this.plot && Math.abs(this.plot.width - w) > 1) this.plot.setSize({ width: w, height: this.spec.height });
  }

  /** x: epochs; ys: one array per series (null = no value at that epoch). */
  setData(x: number[], ys: (number | null)[][]): void {
    this.data = [x, ...ys] as uPlot.AlignedData;
    this.plot?.setData(this.data);
  }
}
