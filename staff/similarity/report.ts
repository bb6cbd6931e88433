/** Writers for the similarity result: a ranked CSV of pairs and an HTML page with the top pairs side by side. */
import { SUBMISSION_FILES } from '../../lib/contract.js';
import {
  MIN_SUBMISSIONS_FOR_SHARE,
  type Fragment,
  type PairSimilarity,
  type SimilarityResult,
  type SubmissionSources,
} from './similarity.js';

const CAVEAT =
  'A high score is a reason to look at a pair, not a verdict: shared fragments can come from the lecture, ' +
  'a common source, or the few ways there are to write a short formula. Read the code before concluding anything.';

function percent(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

function fragmentText(fragment: Fragment): string {
  const [a1, a2] = fragment.linesA;
  const [b1, b2] = fragment.linesB;
  return `${SUBMISSION_FILES[fragment.part]} a:${a1}-${a2} b:${b1}-${b2} (${fragment.tokens} tokens)`;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per pair that shares code, highest score first; pairs that share nothing are left out. */
export function similarityCsv(result: SimilarityResult): string {
  const ownTokens = new Map(result.submissions.map((s) => [s.label, s.ownTokens]));
  const header = [
    'rank',
    'a',
    'b',
    'score',
    'cover_a',
    'cover_b',
    'top_file',
    'top_file_score',
    'shared_tokens',
    'own_tokens_a',
    'own_tokens_b',
  ];
  const rows = result.pairs.map((pair, i) => [
    i + 1,
    pair.a,
    pair.b,
    pair.score.toFixed(4),
    pair.coverA.toFixed(4),
    pair.coverB.toFixed(4),
    SUBMISSION_FILES[pair.topFile.part],
    pair.topFile.score.toFixed(4),
    pair.sharedTokens,
    ownTokens.get(pair.a) ?? 0,
    ownTokens.get(pair.b) ?? 0,
    pair.fragments.map(fragmentText).join('; '),
  ]);
  return [[...header, 'fragments'], ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A file's lines with line numbers; lines inside fragments carry the fragment's number and colour. */
function codeColumn(
  source: string | undefined,
  ranges: { lines: [number, number]; index: number }[],
): string {
  if (source === undefined) return '<pre class="code"><i>file missing</i></pre>';
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const body = lines
    .map((line, i) => {
      const hit = ranges.find(({ lines: [from, to] }) => i + 1 >= from && i + 1 <= to);
      const cls = hit === undefined ? '' : ` class="f${hit.index % 6}" title="fragment ${hit.index + 1}"`;
      return `<span${cls}><b>${String(i + 1).padStart(4)}</b> ${escapeHtml(line)}</span>`;
    })
    .join('\n');
  return `<pre class="code">${body}</pre>`;
}

function pairSection(pair: PairSimilarity, rank: number, byLabel: Map<string, SubmissionSources>): string {
  const a = byLabel.get(pair.a)!;
  const b = byLabel.get(pair.b)!;
  const parts = [...new Set(pair.fragments.map((f) => f.part))];
  const files = parts.map((part) => {
    const numbered = pair.fragments
      .map((fragment, index) => ({ fragment, index }))
      .filter((x) => x.fragment.part === part);
    const list = numbered
      .map(({ fragment, index }) => `<li class="f${index % 6}">${escapeHtml(fragmentText(fragment))}</li>`)
      .join('');
    return `<h3>${SUBMISSION_FILES[part]}</h3><ol class="fragments">${list}</ol>
<div class="side">
<div><h4>${escapeHtml(pair.a)}</h4>${codeColumn(
      a.files[part],
      numbered.map(({ fragment, index }) => ({ lines: fragment.linesA, index })),
    )}</div>
<div><h4>${escapeHtml(pair.b)}</h4>${codeColumn(
      b.files[part],
      numbered.map(({ fragment, index }) => ({ lines: fragment.linesB, index })),
    )}</div>
</div>`;
  });
  return `<section id="pair-${rank}"><h2>${rank}. ${escapeHtml(pair.a)} and ${escapeHtml(pair.b)}: ${percent(pair.score)}</h2>
<p>${escapeHtml(pair.a)}: ${percent(pair.coverA)} of its own code found in ${escapeHtml(pair.b)};
${escapeHtml(pair.b)}: ${percent(pair.coverB)} found in ${escapeHtml(pair.a)}.</p>
${files.join('\n')}</section>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5em;max-width:120em}
.caveat{background:#fff6d5;border:1px solid #e0c060;padding:.6em 1em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}
td:nth-child(2),td:nth-child(3){text-align:left}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}
pre.code{font-size:12px;overflow-x:auto;border:1px solid #ddd;padding:.4em}
pre.code span{display:block}pre.code b{color:#999;font-weight:normal}
.f0{background:#ffd6d6}.f1{background:#d6ecff}.f2{background:#dcf5d0}
.f3{background:#f4dcff}.f4{background:#ffe9c7}.f5{background:#d0f2ef}`;

/** A self-contained HTML page: the ranking's top `top` pairs, each side by side with its fragments marked. */
export function similarityHtml(
  result: SimilarityResult,
  submissions: SubmissionSources[],
  top: number,
): string {
  const byLabel = new Map(submissions.map((s) => [s.label, s]));
  const shown = result.pairs.slice(0, top);
  const rows = shown
    .map(
      (pair, i) =>
        `<tr><td><a href="#pair-${i + 1}">${i + 1}</a></td><td>${escapeHtml(pair.a)}</td><td>${escapeHtml(pair.b)}</td>` +
        `<td>${percent(pair.score)}</td><td>${percent(pair.coverA)}</td><td>${percent(pair.coverB)}</td>` +
        `<td>${SUBMISSION_FILES[pair.topFile.part]} ${percent(pair.topFile.score)}</td>` +
        `<td>${pair.fragments.length}</td></tr>`,
    )
    .join('\n');
  const { k, window, maxShare } = result.options;
  const ownCode =
    result.submissions.length >= MIN_SUBMISSIONS_FOR_SHARE && maxShare < 1
      ? `everything that is neither the skeleton's nor written identically by more than ${percent(maxShare)} ` +
        `of the submissions (${result.commonFingerprints} such pieces)`
      : `everything that is not the skeleton's (common code is discounted from ${MIN_SUBMISSIONS_FOR_SHARE} submissions on)`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Similarity report</title><style>${STYLE}</style></head>
<body>
<h1>Similarity report</h1>
<p class="caveat">${escapeHtml(CAVEAT)}</p>
<p>${result.submissions.length} submissions; ${result.pairs.length} pair(s) share at least one fragment, the top
${shown.length} below. Score: the share of the two submissions' own code that lies in fragments both contain, after
every declared name is made the same and types and comments are dropped (k = ${k} tokens, window ${window}). Own code:
${ownCode}.</p>
<table><tr><th>rank</th><th>a</th><th>b</th><th>score</th><th>a in b</th><th>b in a</th><th>most similar file</th><th>fragments</th></tr>
${rows}
</table>
${shown.map((pair, i) => pairSection(pair, i + 1, byLabel)).join('\n')}
</body></html>
`;
}
