/**
 * One line of the bench table. `ratio` is measured / baseline in the direction the goal reads
 * (a time: lower is better; a throughput: higher is better), and `met` says whether the goal holds.
 */
export interface BenchRow {
  part: string;
  database: string;
  measure: string;
  baseline: string;
  measured: string;
  ratio: number;
  goal: string;
  met: boolean;
}
