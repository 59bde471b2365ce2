// The two message catalogs have the same keys, and no message is empty.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';

import {repo} from './harness.mjs';

const load = (lang) => JSON.parse(readFileSync(join(repo, 'web', 'static', 'i18n', `${lang}.json`), 'utf8'));

// "a.b.c" → message, for every leaf.
function leaves(node, prefix = '', out = new Map()) {
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object') leaves(value, path, out);
    else out.set(path, value);
  }
  return out;
}

const zh = leaves(load('zh-CN'));
const en = leaves(load('en'));

test('both catalogs have the same keys', () => {
  const onlyZh = [...zh.keys()].filter((k) => !en.has(k));
  const onlyEn = [...en.keys()].filter((k) => !zh.has(k));
  assert.deepEqual(onlyZh, [], 'keys in zh-CN.json only');
  assert.deepEqual(onlyEn, [], 'keys in en.json only');
});

test('every message is a non-empty string', () => {
  for (const [lang, messages] of [['zh-CN', zh], ['en', en]]) {
    for (const [key, value] of messages) {
      assert.equal(typeof value, 'string', `${lang} ${key} is not a string`);
      assert.notEqual(value.trim(), '', `${lang} ${key} is empty`);
    }
  }
});

test('the same interpolations in both languages', () => {
  const vars = (text) => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();
  for (const [key, value] of zh) {
    if (en.has(key)) assert.deepEqual(vars(value), vars(en.get(key)), `interpolations of ${key}`);
  }
});

test('the Chinese catalog is Chinese', () => {
  // Every zh-CN message that is not a name, a code, a unit or a language switch has a CJK
  // character.
  const exempt = new Set(['common.site_short', 'common.switch_to', 'passport.eu.percent']);
  for (const [key, value] of zh) {
    if (exempt.has(key)) continue;
    assert.match(value, /[\u4e00-\u9fff]/, `zh-CN ${key} has no Chinese: ${value}`);
  }
});
