/**
 * npm run stress: hostile input, load and faults against the built services on 127.0.0.1, with
 * the issue's sizes unless flags (`--hostile=500`) or STRESS_* variables say otherwise. Prints the
 * table of what was tried and what held, and writes it to bench/stress.md. Exits 1 when a check
 * did not hold.
 */
import { parseParams } from './lib/params.js';
import { renderReport, renderTable, writeReport } from './lib/table.js';
import { runSuite } from './suite.js';

const params = parseParams(process.argv.slice(2), process.env);
const began = performance.now();
// A server's late error must not end the run before the table is written.
process.on('unhandledRejection', (err) => console.error(`unhandled rejection: ${String((err as Error)?.message ?? err).split('\n')[0]}`));
const result = await runSuite(params, (line) => console.error(line));
const minutes = (performance.now() - began) / 60_000;
const args = process.argv.slice(2).join(' ');
writeReport(renderReport({ ...result, params, minutes, command: `npm run stress${args ? ` -- ${args}` : ''}` }));
console.log(renderTable(result.checks));
const failed = result.checks.filter((c) => !c.held);
console.log(`\n${result.checks.length - failed.length} of ${result.checks.length} held in ${minutes.toFixed(1)} min; written to bench/stress.md`);
process.exit(failed.length ? 1 : 0);
