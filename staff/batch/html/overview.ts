/**
 * The TA's index.html at the results folder's root: how many submissions ended in each status, the
 * score histogram, the submissions that got no full verdict with why, the entries of the submissions
 * folder that were no submission (skipped) with why, the slowest, and every
 * submission with its points and a link to its feedback page. Links are relative, so the folder can be
 * zipped and moved.
 */
import { GROUPS } from '../../../grader/results.js';
import type { SubmissionOutcome } from '../outcome.js';
import type { SkippedEntry } from '../submissions.js';
import { histogramSvg } from './histogram.js';
import { feedbackHref, html, page, statusBadge, type Html } from './html.js';

/** The order statuses are counted in: the verdict first, then what went wrong, worst last. */
const STATUS_ORDER = ['graded', 'compile-error', 'crashed', 'timeout', 'out-of-memory', 'unreadable'];
const SLOWEST = 10;

export function indexPage(
  outcomes: readonly SubmissionOutcome[],
  skipped: readonly SkippedEntry[] = [],
): string {
  const failed = outcomes.filter((outcome) => outcome.status !== 'graded');
  const graded = outcomes.filter((outcome) => outcome.status === 'graded');
  // a row whose grade never started (unreadable) took no time: no place among the slowest
  const slowest = [...outcomes]
    .filter((outcome) => outcome.seconds > 0)
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, SLOWEST);
  const mean =
    graded.length > 0
      ? `mean score of the graded: ${(graded.reduce((sum, o) => sum + o.score, 0) / graded.length).toFixed(1)}`
      : 'none graded';
  const body = html`<h1>Exercise 5: batch results</h1>
    <p class="meta">
      ${outcomes.length} submissions · ${mean} · <a href="gradebook.csv">gradebook.csv</a> ·
      <a href="results.json">results.json</a>
    </p>
    <h2>Status</h2>
    ${statusCards(outcomes)}
    <h2>Score distribution</h2>
    ${histogramSvg(outcomes)}
    <h2 id="failed">Not graded (${failed.length})</h2>
    ${failed.length > 0 ? failedTable(failed) : html`<p class="meta">Every submission was graded.</p>`}
    ${skipped.length > 0 ? skippedTable(skipped) : ''}
    <h2 id="slowest">Slowest ${slowest.length}</h2>
    ${slowest.length > 0 ? slowestTable(slowest) : html`<p class="meta">No grade ran.</p>`}
    <h2 id="all">All submissions</h2>
    ${allTable(outcomes)}`;
  return page('ex5 batch results', body);
}

function statusCards(outcomes: readonly SubmissionOutcome[]): Html {
  const present = new Set<string>(outcomes.map((outcome) => outcome.status));
  // a status string this page does not know still gets its card, after the known ones
  const statuses = [...STATUS_ORDER, ...[...present].filter((status) => !STATUS_ORDER.includes(status))];
  return html`<div class="cards">
    ${statuses.map((status) => {
      const count = outcomes.filter((outcome) => outcome.status === status).length;
      return html`<div class="card${count === 0 ? ' zero' : ''}">
        <span class="count">${count}</span>${statusBadge(status)}
      </div>`;
    })}
  </div>`;
}

function idLink(outcome: SubmissionOutcome): Html {
  return html`<a href="${feedbackHref(outcome.id, 'root')}">${outcome.id}</a>`;
}

function score(outcome: SubmissionOutcome): string {
  return `${outcome.score}/${outcome.maxScore}`;
}

function failedTable(failed: readonly SubmissionOutcome[]): Html {
  return html`<table class="failed">
    <tr>
      <th>ID</th>
      <th>name</th>
      <th>status</th>
      <th class="number">score</th>
      <th>why</th>
    </tr>
    ${failed.map(
      (outcome) =>
        html`<tr>
          <td>${idLink(outcome)}</td>
          <td>${outcome.name ?? ''}</td>
          <td>${statusBadge(outcome.status)}</td>
          <td class="number">${score(outcome)}</td>
          <td class="reason">${outcome.reason ?? ''}</td>
        </tr>`,
    )}
  </table>`;
}

function skippedTable(skipped: readonly SkippedEntry[]): Html {
  return html`<h2 id="skipped">Skipped (${skipped.length})</h2>
    <table class="skipped">
      <tr>
        <th>entry of the submissions folder</th>
        <th>why it is no submission</th>
      </tr>
      ${skipped.map(
        (entry) =>
          html`<tr>
            <td>${entry.name}</td>
            <td class="reason">${entry.reason}</td>
          </tr>`,
      )}
    </table>`;
}

function slowestTable(slowest: readonly SubmissionOutcome[]): Html {
  return html`<table class="slowest">
    <tr>
      <th>ID</th>
      <th>name</th>
      <th class="number">seconds</th>
      <th class="number">peak MB</th>
      <th>status</th>
      <th class="number">score</th>
    </tr>
    ${slowest.map(
      (outcome) =>
        html`<tr>
          <td>${idLink(outcome)}</td>
          <td>${outcome.name ?? ''}</td>
          <td class="number">${outcome.seconds}</td>
          <td class="number">${outcome.peakRssMb}</td>
          <td>${statusBadge(outcome.status)}</td>
          <td class="number">${score(outcome)}</td>
        </tr>`,
    )}
  </table>`;
}

function allTable(outcomes: readonly SubmissionOutcome[]): Html {
  return html`<table class="all">
    <tr>
      <th>ID</th>
      <th>name</th>
      <th>login</th>
      <th class="number">total</th>
      ${GROUPS.map((group) => html`<th class="number">${group}</th>`)}
      <th>status</th>
      <th class="number">seconds</th>
    </tr>
    ${outcomes.map(
      (outcome) =>
        html`<tr>
          <td>${idLink(outcome)}</td>
          <td>${outcome.name ?? ''}</td>
          <td>${outcome.login ?? ''}</td>
          <td class="number"><strong>${score(outcome)}</strong></td>
          ${GROUPS.map(
            (group) =>
              html`<td class="number">${outcome.groups.find((g) => g.group === group)?.points ?? 0}</td>`,
          )}
          <td>${statusBadge(outcome.status)}</td>
          <td class="number">${outcome.seconds}</td>
        </tr>`,
    )}
  </table>`;
}
