declare module 'asciichart' {
  export function plot(series: number[] | number[][], cfg?: { height?: number; format?: (x: number, i: number) => string; min?: number; max?: number }): string;
  const _default: { plot: typeof plot };
  export default _default;
}
