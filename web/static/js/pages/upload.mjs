// "/app/upload": an enterprise files a CSV or NDJSON file of reports (POST /v1/reports with a
// text/csv or application/x-ndjson body, docs/api.md "Files: CSV and NDJSON bodies"). The file
// is cut into parts under the server's limits at record boundaries (a CSV's parts each under
// its header row) and posted one after another; each result's line is the file's line. The
// valid lines are stored, the rejected ones listed with their errors and downloadable, with an
// error column, for correction.
import {h, replace} from '../dom.mjs';
import {errorBox} from '../ui.mjs';

export const REPORT_TYPES = [
  'battery.produced',
  'vehicle.produced',
  'vehicle.sold',
  'battery.replaced',
  'battery.swapped',
  'battery.outbound',
  'battery.inbound',
  'vehicle.scrapped',
  'battery.utilized',
  'product.outbound',
  'outlet.registered',
  'outlet.changed',
  'outlet.closed',
  'model.disassembly_info',
  'battery_model.declared',
  'battery.health',
  'correction',
];

// A part stays well under the server's defaults (16 MiB, 10,000 reports per request).
const PART_BYTES = 1 << 20;
const PART_RECORDS = 1000;

const NEWLINE = 0x0a;
const QUOTE = 0x22;

function hasBom(bytes) {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function isBlank(bytes, start, end) {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== NEWLINE) return false;
  }
  return true;
}

// The records of a file: [{line, start, end, blank}], `line` the 1-based line it starts on,
// [start, end) its bytes with its line ending. In a CSV a quoted cell may hold line breaks, so a
// record ends only at a line break outside quotes; no byte of a multi-byte character, in UTF-8
// or GB 18030, is a quote or a line feed, so the bytes can be scanned as they are.
export function splitRecords(bytes, csv) {
  const records = [];
  let start = hasBom(bytes) ? 3 : 0;
  let line = 1;
  let startLine = 1;
  let quotes = 0;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (csv && b === QUOTE) quotes++;
    if (b !== NEWLINE) continue;
    line++;
    if (quotes % 2 === 1) continue;
    records.push({line: startLine, start, end: i + 1, blank: isBlank(bytes, start, i + 1)});
    start = i + 1;
    startLine = line;
    quotes = 0;
  }
  if (start < bytes.length) {
    records.push({line: startLine, start, end: bytes.length, blank: isBlank(bytes, start, bytes.length)});
  }
  return records;
}

// What a file holds, by its first byte that is not white space: '{' NDJSON, '[' a JSON array
// (not taken here), anything else CSV.
export function sniff(bytes) {
  for (let i = hasBom(bytes) ? 3 : 0; i < bytes.length; i++) {
    const c = String.fromCharCode(bytes[i]);
    if (' \t\r\n'.includes(c)) continue;
    return c === '{' ? 'ndjson' : c === '[' ? 'json' : 'csv';
  }
  return 'empty';
}

// The parts to post: {prefix, start, end, offset, records}: the body is the file's bytes
// [0, prefix) (a CSV's byte order mark, leading blank lines and header) then [start, end);
// a result's line in the part plus `offset` is its line in the file.
export function planParts(records, csv) {
  const body = csv ? records.findIndex((r) => !r.blank) : -1;
  const header = body >= 0 ? records[body] : null;
  const prefix = header ? header.end : 0;
  const firstPartLine = header ? records[body].line + lineCount(records, body) : 1;
  const rest = records.slice(body + 1);
  const parts = [];
  let from = 0;
  while (from < rest.length) {
    let to = from;
    let count = 0;
    while (to < rest.length) {
      const size = rest[to].end - rest[from].start;
      const weighs = rest[to].blank ? 0 : 1;
      if (to > from && (count + weighs > PART_RECORDS || prefix + size > PART_BYTES)) break;
      count += weighs;
      to++;
    }
    parts.push({
      prefix,
      start: rest[from].start,
      end: rest[to - 1].end,
      offset: rest[from].line - firstPartLine,
      records: count,
    });
    from = to;
  }
  return {header, parts};
}

// The number of lines record i spans (a quoted cell may hold line breaks).
function lineCount(records, i) {
  return i + 1 < records.length ? records[i + 1].line - records[i].line : 1;
}

// The file's text encoding: UTF-8 when it decodes as such, else GB 18030 (as the server reads).
function decoderFor(bytes) {
  try {
    new TextDecoder('utf-8', {fatal: true}).decode(bytes);
    return new TextDecoder('utf-8');
  } catch {
    return new TextDecoder('gb18030');
  }
}

function csvCell(text) {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

// One line of plain words for a rejected line's error: field, the sentence, and (in Chinese) the
// specific English message the server keeps beside it.
function errorText(error) {
  const parts = [];
  if (error.detail) parts.push(error.detail);
  if (error.detail_en && error.detail_en !== error.detail) parts.push(error.detail_en);
  return `${parts.join(' — ')} [${error.rule}]`;
}

export async function render(root, {t, api, fmt, setTitle}) {
  setTitle(t('upload.title'));
  const fileInput = h('input', {id: 'upload-file', name: 'file', type: 'file', required: true,
    accept: '.csv,.ndjson,.jsonl,.txt,text/csv,application/x-ndjson'});
  const typeSelect = h(
    'select',
    {id: 'upload-type', name: 'type'},
    h('option', {value: ''}, t('upload.type_from_file')),
    REPORT_TYPES.map((type) => h('option', {value: type}, type)),
  );
  const submit = h('button', {type: 'submit', class: 'primary', id: 'upload-submit'}, t('upload.submit'));
  const progress = h('progress', {id: 'upload-progress', max: 100, value: 0, 'aria-labelledby': 'upload-progress-label'}, '0 %');
  const progressText = h('span', {id: 'upload-progress-text'}, '0 %');
  const progressBox = h(
    'div',
    {class: 'upload-progress', hidden: true},
    h('span', {id: 'upload-progress-label'}, t('upload.progress')),
    progress,
    progressText,
  );
  const status = h('p', {id: 'upload-status', class: 'meta', 'aria-live': 'polite'});
  const results = h('div', {id: 'upload-results'});

  const form = h(
    'form',
    {class: 'upload filters', onsubmit: (event) => {
      event.preventDefault();
      start();
    }},
    h('div', {class: 'field'}, h('label', {for: 'upload-file'}, t('upload.file')), fileInput,
      h('p', {class: 'hint', id: 'upload-file-hint'}, t('upload.file_hint'))),
    h('div', {class: 'field'}, h('label', {for: 'upload-type'}, t('upload.type')), typeSelect,
      h('p', {class: 'hint'}, t('upload.type_hint'))),
    h('div', {class: 'actions'}, submit),
  );
  fileInput.setAttribute('aria-describedby', 'upload-file-hint');
  replace(root, h('p', {class: 'lead'}, t('upload.intro')), form, progressBox, status, results);

  function setProgress(done, total) {
    const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
    progress.value = percent;
    progress.textContent = `${percent} %`;
    progressText.textContent = `${fmt.number(percent)} %`;
    progressBox.dataset.percent = String(percent);
  }

  async function start() {
    const file = fileInput.files[0];
    if (!file) {
      status.textContent = t('upload.choose_file');
      fileInput.focus();
      return;
    }
    submit.disabled = true;
    replace(results);
    try {
      await upload(file);
    } finally {
      submit.disabled = false;
    }
  }

  async function upload(file) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const format = sniff(bytes);
    if (format !== 'csv' && format !== 'ndjson') {
      status.textContent = t(format === 'json' ? 'upload.json_array' : 'upload.empty');
      return;
    }
    const csv = format === 'csv';
    const records = splitRecords(bytes, csv);
    const {header, parts} = planParts(records, csv);
    const total = parts.reduce((n, p) => n + p.records, 0);
    const type = csv ? typeSelect.value : '';
    const path = `/v1/reports${type ? `?type=${encodeURIComponent(type)}` : ''}`;
    const contentType = csv ? 'text/csv' : 'application/x-ndjson';
    const counts = {accepted: 0, duplicates: 0, rejected: 0};
    const rejected = [];
    let failure = null;
    progressBox.hidden = false;
    setProgress(0, total);
    status.textContent = t('upload.sending', {name: file.name, parts: parts.length});
    let done = 0;
    for (const [n, part] of parts.entries()) {
      const body = new Blob([bytes.subarray(0, part.prefix), bytes.subarray(part.start, part.end)]);
      let answer;
      try {
        answer = await api.post(path, body, {contentType});
      } catch (e) {
        failure = {error: e, part: n + 1, first: part.start};
        break;
      }
      counts.accepted += answer.accepted;
      counts.duplicates += answer.duplicates;
      counts.rejected += answer.rejected;
      for (const r of answer.results) {
        if (r.outcome === 'rejected') rejected.push({line: r.line + part.offset, error: r.error});
      }
      done += part.records;
      setProgress(done, total);
    }
    if (!failure) setProgress(total, total);
    status.textContent = failure ? t('upload.stopped', {part: failure.part, parts: parts.length}) : t('upload.done', {name: file.name});
    const decoder = decoderFor(bytes);
    const byLine = new Map(records.map((r) => [r.line, r]));
    const text = (r) => decoder.decode(bytes.subarray(r.start, r.end)).replace(/\r?\n$/, '');
    showResults({counts, rejected, failure, csv, header: header && text(header), recordText: (line) => {
      const r = byLine.get(line);
      return r ? text(r) : '';
    }, name: file.name});
  }

  function showResults({counts, rejected, failure, csv, header, recordText, name}) {
    const summary = h(
      'dl',
      {class: 'summary', id: 'upload-summary'},
      ['accepted', 'duplicates', 'rejected'].map((k) => [
        h('dt', {}, t(`upload.${k}`)),
        h('dd', {dataset: {count: String(counts[k])}, id: `upload-${k}`}, fmt.number(counts[k])),
      ]),
    );
    const out = [h('h2', {}, t('upload.summary')), summary];
    if (failure) out.push(errorBox(failure.error, t));
    if (rejected.length) {
      rejected.sort((a, b) => a.line - b.line);
      out.push(
        h('h2', {id: 'upload-rejected-title'}, t('upload.rejected_title', {count: rejected.length})),
        h('button', {type: 'button', id: 'upload-download', onclick: () => download()}, t('upload.download')),
        h(
          'div',
          {class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'upload-rejected-caption'},
          h(
            'table',
            {class: 'data', id: 'upload-rejected'},
            h('caption', {id: 'upload-rejected-caption'}, t('upload.rejected_caption')),
            h('thead', {}, h('tr', {}, ['col_line', 'col_field', 'col_error', 'col_rule'].map((k) => h('th', {scope: 'col'}, t(`upload.${k}`))))),
            h(
              'tbody',
              {},
              rejected.map((r) =>
                h(
                  'tr',
                  {dataset: {line: String(r.line), rule: r.error.rule, field: r.error.field || ''}},
                  h('td', {}, fmt.number(r.line)),
                  h('td', {}, h('code', {}, r.error.field || '—')),
                  h('td', {}, h('span', {}, r.error.detail || r.error.title),
                    r.error.detail_en && r.error.detail_en !== r.error.detail ? h('span', {class: 'meta', lang: 'en'}, r.error.detail_en) : null),
                  h('td', {}, h('code', {}, r.error.rule)),
                ),
              ),
            ),
          ),
        ),
      );
    }
    replace(results, out);

    // The rejected lines as they were, with an error column, for correction: CSV in UTF-8 with a
    // byte order mark (Excel reads it), under the file's header.
    function download() {
      const rows = csv
        ? [`${header},${csvCell(t('upload.error_column'))}`, ...rejected.map((r) => `${recordText(r.line)},${csvCell(errorText(r.error))}`)]
        : [[t('upload.col_line'), t('upload.error_column'), t('upload.record_column')].map(csvCell).join(','),
          ...rejected.map((r) => [String(r.line), errorText(r.error), recordText(r.line)].map(csvCell).join(','))];
      const blob = new Blob(['\ufeff', rows.join('\r\n'), '\r\n'], {type: 'text/csv;charset=utf-8'});
      const link = h('a', {href: URL.createObjectURL(blob), download: `${name.replace(/\.[^.]*$/, '')}.rejected.csv`});
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 0);
    }
  }
}
