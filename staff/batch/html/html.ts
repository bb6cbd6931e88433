/**
 * HTML that is safe by construction: `html\`…\`` escapes every value it is given (a submission's name,
 * a reason, a type error, test output) unless that value is itself `html`. The batch's pages are built
 * only from it, and each is one self-contained file: inline CSS, no script, no font or anything else
 * from the network, so a results folder works offline and can be zipped and moved.
 */

/** Markup that is already safe: written by `html`, never by a submission. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type Value = Html | string | number | boolean | undefined | null | readonly Value[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(value: Value): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false || value === true) return '';
  return escapeHtml(String(value));
}

/** A template whose every value is escaped; arrays are joined; undefined, null and booleans vanish. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  return new Html(strings.reduce((out, text, i) => out + render(values[i - 1]) + text));
}

/** The href of a student's feedback page from a page in `from` (relative: the folder may move). */
export function feedbackHref(id: string, from: 'root' | 'feedback'): string {
  return `${from === 'root' ? 'feedback/' : ''}${encodeURIComponent(id)}.html`;
}

/** The class a status is drawn with: graded, a partial verdict, or no verdict at all. */
export function statusClass(status: string): string {
  if (status === 'graded') return 'status ok';
  if (status === 'compile-error') return 'status warn';
  return 'status bad';
}

export function statusBadge(status: string): Html {
  return html`<span class="${statusClass(status)}">${status}</span>`;
}

// Only the system's fonts: nothing is fetched, so a page looks the same offline.
const CSS = `
:root { --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --muted: #59636e; --line: #d1d9e0; --bar: #4e79a7; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1f2328;
  margin: 0 auto; padding: 24px; max-width: 1200px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .reason, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px;
  overflow-wrap: anywhere; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; font-weight: 600;
  color: #fff; white-space: nowrap; }
.status.ok { background: var(--ok); } .status.warn { background: var(--warn); } .status.bad { background: var(--bad); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.card.zero { opacity: 0.45; }
.card .count { font-size: 22px; font-weight: 600; display: block; }
.score { font-size: 32px; font-weight: 700; margin-right: 12px; }
.why { margin: 8px 0; padding: 8px 12px; border-left: 4px solid var(--bad); background: #fff5f5; }
tr.group th, tr.group td { background: #f6f8fa; border-top: 2px solid var(--line); }
tr.test td:nth-child(2) { padding-left: 24px; }
tr.total td { font-weight: 700; border-top: 2px solid #1f2328; }
.mark.ok { color: var(--ok); } .mark.bad { color: var(--bad); }
.points.ok { color: var(--ok); } .points.bad { color: var(--bad); }
.reason { color: var(--bad); margin-top: 2px; }
.tag { font-size: 12px; color: var(--muted); border: 1px solid var(--line); border-radius: 4px;
  padding: 0 4px; margin-left: 6px; }
.notes li { margin: 4px 0; }
.histogram { max-width: 720px; }
.histogram text { font-size: 12px; fill: #1f2328; }
`;

/** A whole page: its title, inline CSS, and a policy that lets it load nothing but itself. */
export function page(title: string, body: Html): string {
  // defence in depth: even markup that slipped through escaping could run no script and fetch nothing
  const policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  return `${html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="${policy}" />
        <title>${title}</title>
        <style>
          ${new Html(CSS)}
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html>`}\n`;
}
