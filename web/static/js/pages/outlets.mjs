// "/outlets": the registered recycling outlets of a province, or of one of its cities
// (GET /v1/outlets?division=), with the divisions from GET /v1/divisions.
import {h, replace} from '../dom.mjs';

export async function render(root, {t, api, fmt, params, setTitle}) {
  setTitle(t('outlets.title'));
  const provinces = (await api.get('/v1/divisions')).items;
  const wanted = params.get('division') || '';
  const provinceCode = /^\d{2}0000$/.test(wanted) || /^\d{6}$/.test(wanted) ? `${wanted.slice(0, 2)}0000` : '';
  const cityCode = /^\d{4}00$/.test(wanted) && !wanted.endsWith('0000') ? wanted : '';

  const province = h(
    'select',
    {id: 'province', name: 'province'},
    h('option', {value: ''}, t('outlets.choose_province')),
    provinces.map((p) => h('option', {value: p.code, selected: p.code === provinceCode, lang: 'zh-CN'}, p.name)),
  );
  const city = h('select', {id: 'city', name: 'city', disabled: true});
  const results = h('div', {id: 'outlet-results', 'aria-live': 'polite'});
  const names = new Map(provinces.map((p) => [p.code, p.name]));

  async function fillCities(selected) {
    replace(city, h('option', {value: ''}, t('outlets.all_cities')));
    city.disabled = !province.value;
    if (!province.value) return;
    const cities = (await api.get('/v1/divisions', {parent: province.value})).items;
    for (const c of cities) {
      names.set(c.code, c.name);
      city.append(h('option', {value: c.code, selected: c.code === selected, lang: 'zh-CN'}, c.name));
    }
  }

  // The counties of each city, asked for once, for the area column.
  const counties = new Map();
  function loadCounties(city) {
    if (!counties.has(city)) {
      counties.set(
        city,
        api.get('/v1/divisions', {parent: city}).then(
          (d) => d.items.forEach((c) => names.set(c.code, c.name)),
          () => {},
        ),
      );
    }
    return counties.get(city);
  }

  // Enterprise names by USCC, each asked for once.
  const owners = new Map();
  async function ownerName(uscc) {
    if (!owners.has(uscc)) {
      owners.set(uscc, api.get(`/v1/enterprises/${encodeURIComponent(uscc)}`).then((e) => e.name, () => ''));
    }
    return owners.get(uscc);
  }

  async function show() {
    const division = city.value || province.value;
    const u = new URL(location.href);
    if (division) u.searchParams.set('division', division);
    else u.searchParams.delete('division');
    history.replaceState(null, '', u.pathname + u.search);
    if (!division) {
      replace(results);
      return;
    }
    const items = (await api.get('/v1/outlets', {division})).items;
    if (!items.length) {
      replace(results, h('p', {class: 'count', dataset: {count: '0'}}, t('outlets.none')));
      return;
    }
    const cities = [...new Set(items.map((o) => `${o.division.slice(0, 4)}00`))];
    const [operators] = await Promise.all([
      Promise.all(items.map((o) => ownerName(o.owner))),
      Promise.all(cities.map(loadCounties)),
    ]);
    // "大庆市萨尔图区": the city's name and the county's (a retired code has only the city's);
    // a municipality's city-level row is named 市辖区 in the list: the province's name instead.
    const areaName = (code) => {
      let city = names.get(`${code.slice(0, 4)}00`) || '';
      if (!city || city === '市辖区') city = names.get(`${code.slice(0, 2)}0000`) || '';
      return code.endsWith('00') ? city : city + (names.get(code) || '');
    };
    replace(
      results,
      h('p', {class: 'count', dataset: {count: String(items.length)}}, t('outlets.count', {count: items.length})),
      h(
        'div',
        {class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'outlets-caption'},
        h(
          'table',
          {class: 'data', id: 'outlets'},
          h('caption', {id: 'outlets-caption'}, t('outlets.caption', {division: names.get(division) || division})),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['col_id', 'col_owner', 'col_uscc', 'col_division', 'col_registered', 'col_state'].map((k) =>
                h('th', {scope: 'col'}, t(`outlets.${k}`)),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((o, i) =>
              h(
                'tr',
                {dataset: {id: o.id}},
                h('th', {scope: 'row'}, o.id),
                h('td', {}, operators[i]),
                h('td', {class: 'mono'}, o.owner),
                h('td', {}, h('span', {lang: 'zh-CN'}, areaName(o.division)), ' ', h('span', {class: 'mono'}, o.division)),
                h('td', {}, fmt.beijingDay(o.registered_at)),
                h('td', {}, t(o.closed ? 'outlets.closed' : 'outlets.open')),
              ),
            ),
          ),
        ),
      ),
    );
  }

  province.addEventListener('change', async () => {
    await fillCities('');
    await show();
  });
  city.addEventListener('change', show);

  root.append(
    h('p', {class: 'lead'}, t('outlets.intro')),
    h(
      'form',
      {class: 'filters', onsubmit: (event) => event.preventDefault()},
      h('div', {class: 'field'}, h('label', {for: 'province'}, t('outlets.province')), province),
      h('div', {class: 'field'}, h('label', {for: 'city'}, t('outlets.city')), city),
    ),
    results,
  );
  if (provinceCode) {
    await fillCities(cityCode);
    await show();
  }
}
