// Numbers and dates in the page's locale. Dates are Beijing calendar days ("2026-09-30"): they
// are formatted as days, never converted through a time zone.

let locale = 'zh-CN';
let numberFormat = new Intl.NumberFormat(locale);

// Called once by main.mjs with the page's language.
export function setFmtLang(lang) {
  locale = lang;
  numberFormat = new Intl.NumberFormat(locale);
}

function day(text) {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(String(text));
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1));
}

export const fmt = {
  number(n) {
    return n === null || n === undefined ? '' : numberFormat.format(n);
  },
  // '2026-09-30' → "2026/9/30" (zh-CN), "Sep 30, 2026" (en); other text is shown as it is.
  date(text) {
    const d = day(text);
    if (!d) return text ?? '';
    return new Intl.DateTimeFormat(locale, {
      timeZone: 'UTC',
      year: 'numeric',
      month: locale === 'en' ? 'short' : 'numeric',
      day: 'numeric',
    }).format(d);
  },
  // '2026-09' → "2026年9月", "Sep 2026".
  month(text) {
    const d = day(text);
    if (!d) return text ?? '';
    return new Intl.DateTimeFormat(locale, {timeZone: 'UTC', year: 'numeric', month: 'short'}).format(d);
  },
  // A timestamp ("2026-09-30T17:00:00Z") → its Beijing day, formatted as date().
  beijingDay(timestamp) {
    const t = Date.parse(timestamp);
    if (Number.isNaN(t)) return timestamp ?? '';
    return fmt.date(new Date(t + 8 * 3600 * 1000).toISOString().slice(0, 10));
  },
};
