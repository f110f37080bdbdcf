import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlugin } from '@printernizer-stats/plugin-api/testing';

import plugin from '../src/index.js';
import { CHECK_CODES, identifyPrusaModel, MODEL_NAMES, PRUSA_MODELS, TYPE_TRIPLES } from '../src/models.js';

const test = suite('prusa plugin');
const id = (model: string) => identifyPrusaModel({ model });

test('every printer-type triple identifies its model', () => {
  for (const [triple, model] of Object.entries(TYPE_TRIPLES)) assert.is(id(triple), model, triple);
});

test('every G-code check code identifies its model', () => {
  for (const [code, model] of Object.entries(CHECK_CODES)) assert.is(id(code), model, code);
});

test('every model name identifies its model', () => {
  for (const [name, model] of Object.entries(MODEL_NAMES)) assert.is(id(name), model, name);
});

test('strings as PrusaLink, PrusaSlicer and firmware write them are normalised', () => {
  const cases: [string, string][] = [
    ['PrusaLink I3MK3S', 'MK3S'],
    ['PrusaLink I3MK3', 'MK3'],
    ['PrusaLink MINI', 'MINI'],
    ['Original Prusa i3 MK3S && MK3S+', 'MK3S'],
    ['Original Prusa MINI && MINI+', 'MINI'],
    ['Original Prusa MK4', 'MK4'],
    ['Original Prusa MK4S', 'MK4S'],
    ['Original Prusa MK3.5 && MK3.5S', 'MK3.5'],
    ['Original Prusa MK3.9 Input Shaper', 'MK3.9'],
    ['Original Prusa XL', 'XL'],
    ['Prusa CORE One', 'CORE One'],
    ['PrusaMK4', 'MK4'],
    ['MK3MMU2', 'MK3'],
    ['MK3SMMU2S', 'MK3S'],
    ['MK3SMMU3', 'MK3S'],
    ['MK3.5MMU3', 'MK3.5'],
    ['MK3.5SMMU3', 'MK3.5S'],
    ['MK3.9MMU3', 'MK3.9'],
    ['MK3.9SMMU3', 'MK3.9S'],
    ['MK4IS', 'MK4'],
    ['MK4ISMMU3', 'MK4'],
    ['MK4MMU3', 'MK4'],
    ['MK4SMMU3', 'MK4S'],
    ['MINIIS', 'MINI'],
    ['XL2', 'XL'],
    ['XL5', 'XL'],
    ['XLIS', 'XL'],
    ['XL2IS', 'XL'],
    ['XL5IS', 'XL'],
    ['COREONE', 'CORE One'],
    ['COREONEMMU3', 'CORE One'],
    ['COREONEL', 'CORE One L'],
    ['mk4s', 'MK4S'],
    ...PRUSA_MODELS.map((m) => [m, m] as [string, string]),
  ];
  for (const [input, model] of cases) assert.is(id(input), model, input);
});

test('unknown input gives null', () => {
  for (const input of ['', '   ', 'PrusaLink', 'Unknown printer type', '5.1.0', '4.1.0', 'MK2.5S', 'SL1', 'Ender 3', '1.4', '999'])
    assert.is(id(input), null, input);
  assert.is(identifyPrusaModel({}), null);
  assert.is(identifyPrusaModel({ serial: 'CZPX4720X004XK12345' }), null, 'the serial is not used');
});

test('the plugin declares every model it can identify', () => {
  const declared = new Set<string>(plugin.printerTypes[0].models);
  for (const model of [...Object.values(TYPE_TRIPLES), ...Object.values(CHECK_CODES), ...Object.values(MODEL_NAMES)]) assert.ok(declared.has(model), model);
});

test('through the host checks: the manifest passes, names and triples identify, the rest is reported as other', async () => {
  const harness = await loadPlugin(plugin);
  try {
    await harness.addPrinter({ model: '1.4.1' });
    await harness.addPrinter({ model: 'Original Prusa MK4S' });
    await harness.addPrinter({ model: 'PrusaLink MINI' });
    await harness.addPrinter({ model: 'SL1' });
    await harness.addPrinter({ serial: 'CZPX4720X004XK12345' });
    assert.equal(await harness.collectFleet(), [
      { type: 'prusa', model: 'MK4S', count: 2 },
      { type: 'prusa', model: 'MINI', count: 1 },
      { type: 'prusa', model: 'other', count: 2 },
    ]);
  } finally {
    await harness.close();
  }
});

test.run();
