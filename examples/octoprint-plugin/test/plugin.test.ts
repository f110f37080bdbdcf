// The plugin as printernizer-stats runs it: in a worker thread, through the host's own checks.
import { loadPlugin } from '@printernizer-stats/plugin-api/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { identifyOctoPrintModel, OCTOPRINT_MODELS } from '../src/models.js';

const test = suite('octoprint plugin');
const entry = new URL('../src/index.ts', import.meta.url);

test('model strings as OctoPrint reports them are identified', () => {
  const cases: [string, string | null][] = [
    ['Creality Ender-3 V2', 'Ender 3 V2'],
    ['ENDER3V2', 'Ender 3 V2'],
    ['Ender 3 S1 Pro', 'Ender 3 S1'],
    ['Creality Ender 3', 'Ender 3'],
    ['Ender-5 Plus', 'Ender 5'],
    ['CR10', 'CR-10'],
    ['Original Prusa i3 MK3S', 'Prusa MK3S'],
    ['Voron 2.4 350', 'Voron 2.4'],
    ['VORON Trident', 'Voron Trident'],
    ['Anycubic Kobra', null],
    ['', null],
  ];
  for (const [input, model] of cases) assert.is(identifyOctoPrintModel(input), model, input);
});

test('the host accepts the manifest and runs the plugin in a worker', async () => {
  const plugin = await loadPlugin(entry);
  try {
    assert.is(plugin.isolated, true);
    assert.is(plugin.definition.name, 'octoprint');
    assert.equal(plugin.definition.printerTypes[0].models, [...OCTOPRINT_MODELS]);
  } finally {
    await plugin.close();
  }
});

test('printers are counted by identified model; anything else is reported as other', async () => {
  const plugin = await loadPlugin(entry);
  try {
    assert.is(await plugin.identifyModel({ model: 'Creality Ender-3 V2' }), 'Ender 3 V2');
    await plugin.addPrinter({ model: 'Creality Ender-3 V2', serial: 'never-leaves-the-machine' });
    await plugin.addPrinter({ model: 'ENDER3V2' });
    await plugin.addPrinter({ model: 'voron 2.4' });
    await plugin.addPrinter({ model: 'My cousin’s custom delta' });
    assert.equal(await plugin.collectFleet(), [
      { type: 'octoprint', model: 'Ender 3 V2', count: 2 },
      { type: 'octoprint', model: 'Voron 2.4', count: 1 },
      { type: 'octoprint', model: 'other', count: 1 },
    ]);
  } finally {
    await plugin.close();
  }
});

test('printers of types the plugin does not provide are left to their own plugin', async () => {
  const plugin = await loadPlugin(entry);
  try {
    await plugin.collectFleet([{ id: '1', type: 'bambu_lab', model: 'X1C' }]).then(
      (counts) => assert.equal(counts, [], 'printers of other types are not this plugin’s to count'),
      (err: unknown) => assert.unreachable(String(err)),
    );
  } finally {
    await plugin.close();
  }
});

test.run();
