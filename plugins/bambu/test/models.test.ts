import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlugin } from '@printernizer-stats/plugin-api/testing';

import plugin from '../src/index.js';
import { BAMBU_MODELS, identifyBambuModel, MODEL_CODES, SERIAL_PREFIXES } from '../src/models.js';

const test = suite('bambu plugin');

test('every serial-number prefix identifies its model', () => {
  assert.is(Object.keys(SERIAL_PREFIXES).length, 13);
  for (const [prefix, model] of Object.entries(SERIAL_PREFIXES)) {
    assert.is(identifyBambuModel({ serial: `${prefix}09A1234567` }), model, prefix);
    assert.is(identifyBambuModel({ serial: ` ${prefix.toLowerCase()}09a1234567 ` }), model, `${prefix}, lower case and padded`);
  }
});

test('every model code identifies its model, with or without a -V revision', () => {
  for (const [code, model] of Object.entries(MODEL_CODES)) {
    assert.is(identifyBambuModel({ model: code }), model, code);
    assert.is(identifyBambuModel({ model: `${code}-V2` }), model, `${code}-V2`);
  }
});

test('display names and our own ids are recognised', () => {
  const cases: [string, string][] = [
    ['Bambu Lab X1 Carbon', 'X1C'],
    ['Bambu Lab A1 mini', 'A1 mini'],
    ['bambu lab h2d pro', 'H2D Pro'],
    ['X1-Carbon', 'X1C'],
    ...BAMBU_MODELS.map((m) => [m, m] as [string, string]),
  ];
  for (const [input, model] of cases) assert.is(identifyBambuModel({ model: input }), model, input);
});

test('the model string wins over the serial; unknown input gives null', () => {
  assert.is(identifyBambuModel({ model: 'N1', serial: '01P00A0000000' }), 'A1 mini');
  assert.is(identifyBambuModel({ model: 'something else', serial: '01P00A0000000' }), 'P1S');
  for (const input of [
    {},
    { model: '' },
    { serial: '' },
    { model: 'Ender 3' },
    { serial: '239000000' },
    { serial: '35F000000' },
    { model: 'N8' },
    { model: null, serial: null },
  ]) {
    assert.is(identifyBambuModel(input), null, JSON.stringify(input));
  }
});

test('the plugin declares every model it can identify', () => {
  const declared = new Set(plugin.printerTypes[0].models);
  for (const model of [...Object.values(SERIAL_PREFIXES), ...Object.values(MODEL_CODES)]) assert.ok(declared.has(model), model);
  assert.is(plugin.printerTypes[0].id, 'bambu_lab');
});

test('through the host checks: the manifest passes, serials and model codes identify, the rest is reported as other', async () => {
  // The host runs first-party plugins in-process, as the harness does with a definition.
  const harness = await loadPlugin(plugin);
  try {
    assert.is(harness.isolated, false);
    await harness.addPrinter({ serial: '01P00A391800123' });
    await harness.addPrinter({ model: 'N1', serial: '01P00A391800123' });
    await harness.addPrinter({ model: 'Bambu Lab A1 mini' });
    await harness.addPrinter({ model: 'Ender 3' });
    assert.equal(await harness.collectFleet(), [
      { type: 'bambu_lab', model: 'P1S', count: 1 },
      { type: 'bambu_lab', model: 'A1 mini', count: 2 },
      { type: 'bambu_lab', model: 'other', count: 1 },
    ]);
  } finally {
    await harness.close();
  }
});

test('it loads the same in a worker thread, as a third-party plugin would', async () => {
  const harness = await loadPlugin(new URL('../src/index.ts', import.meta.url));
  try {
    assert.is(harness.isolated, true);
    assert.is(await harness.identifyModel({ model: 'O1D-V2' }), 'H2D');
  } finally {
    await harness.close();
  }
});

test.run();
