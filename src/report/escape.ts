/** Escaping for everything the report shows that came from a config, from Azure or from a request. */

const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text or attribute value, safe inside any element body or a double- or single-quoted attribute. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => HTML[c] ?? c);
}

/**
 * Text from a config, Azure or a log, escaped and isolated in `<bdi>`: a right-to-left override (U+202E) or any
 * other bidi control inside it cannot reorder the page's own text around it (Trojan-Source-style spoofing).
 */
export function isolated(value: unknown): string {
  return `<bdi>${escapeHtml(value)}</bdi>`;
}

/**
 * A URL for an `href`: absolute http(s) or relative; any other scheme (javascript:, data:…), a scheme-relative
 * `//host` or a control character gives `#`.
 */
export function safeHref(url: string | undefined): string {
  const trimmed = (url ?? '').trim();
  const control = [...trimmed].some((c) => c.charCodeAt(0) < 0x20 || c === '\\');
  if (!trimmed || control || trimmed.startsWith('//')) return '#';
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !/^https?:\/\//i.test(trimmed)) return '#';
  return escapeHtml(trimmed);
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a text starting with `=`, `+`, `-`,
 * `@`, tab or CR is prefixed with `'` so spreadsheets do not run it as a formula (OWASP CSV injection).
 */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
