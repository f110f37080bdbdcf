/** One line of the suite's table: what was tried, what was expected, what was seen, and whether it held. */
export interface Check {
  part: 'hostile' | 'load' | 'faults';
  service: string;
  database: string;
  tried: string;
  expected: string;
  observed: string;
  held: boolean;
  /** The issue's numbered defect this check guards: a failure here is expected until that fix lands. */
  defect?: number;
}

/** Short examples of what went wrong, for the table's observed column and the failure message. */
export class Failures {
  private readonly seen: string[] = [];
  count = 0;
  add(example: string): void {
    this.count++;
    if (this.seen.length < 3) this.seen.push(example.replace(/\s+/g, ' ').slice(0, 160));
  }
  get ok(): boolean {
    return this.count === 0;
  }
  describe(what: string): string {
    return this.ok ? 'none' : `${this.count} ${what}, e.g. ${this.seen.join('; ')}`;
  }
}

/** The lines a test prints when checks did not hold, naming the defect each one waits for. */
export function failureReport(checks: Check[]): string {
  return checks
    .filter((c) => !c.held)
    .map(
      (c) =>
        `${c.part}/${c.service}/${c.database}: ${c.tried}: expected ${c.expected}; observed ${c.observed}${c.defect ? ` (defect ${c.defect} of issue 9)` : ''}`,
    )
    .join('\n');
}
