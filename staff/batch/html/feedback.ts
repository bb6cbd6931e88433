/**
 * A student's feedback page, feedback/<id>.html beside feedback/<id>.txt and saying the same: the
 * status and why, compile errors, every test of every group with its points and, for a failure, its
 * reason, the report's notes (the one on hidden tests among them) and the time. Built from the
 * GradeReport, never from the text. It links nowhere, so it can be sent to the student on its own.
 */
import { formatTiming } from '../../../grader/format/table.js';
import type { GradeReport, TestOutcome } from '../../../grader/results.js';
import type { SubmissionOutcome } from '../outcome.js';
import { html, page, statusBadge, type Html } from './html.js';

export function feedbackPage(outcome: SubmissionOutcome): string {
  const who = [outcome.name, outcome.login && `login ${outcome.login}`].filter(Boolean).join(' · ');
  const body = html`<h1>Exercise 5 feedback: ${outcome.id}</h1>
    <p class="meta">${who}${who ? ' · ' : ''}handed in as <span class="mono">${outcome.source}</span></p>
    <p><span class="score">${outcome.score}/${outcome.maxScore}</span>${statusBadge(outcome.status)}</p>
    ${outcome.reason ? html`<p class="why">why: <span class="mono">${outcome.reason}</span></p>` : ''}
    ${compileErrors(outcome.typeErrors ?? [])}
    ${outcome.report ? reportSection(outcome.report) : html`<p class="meta">No tests ran, so there is no score table.</p>`}`;
  return page(`ex5 feedback: ${outcome.id}`, body);
}

function compileErrors(errors: readonly string[]): Html {
  if (errors.length === 0) return html``;
  return html`<h2>Compile errors</h2>
    <ul class="errors">
      ${errors.map((error) => html`<li><code>${error}</code></li>`)}
    </ul>`;
}

/** The verbose score table (every test, passed ones too), the notes and the time. */
function reportSection(report: GradeReport): Html {
  const rows = report.groups.map((group) => {
    const tests = report.tests.filter((test) => test.group === group.group);
    const passed = tests.filter((test) => test.passed).length;
    const full = group.points === group.maxPoints;
    return html`<tr class="group">
        <td class="mark ${full ? 'ok' : 'bad'}">${full ? '✓' : '✗'}</td>
        <th>${group.group} <span class="meta">${passed} of ${tests.length} tests passed</span></th>
        <td class="number"><strong>${group.points}/${group.maxPoints}</strong></td>
      </tr>
      ${tests.map(testRow)}`;
  });
  return html`<h2>Score table</h2>
    <table class="scores">
      <tr>
        <th></th>
        <th>test</th>
        <th class="number">points</th>
      </tr>
      ${rows}
      <tr class="total">
        <td></td>
        <td>total</td>
        <td class="number">${report.score}/${report.maxScore}</td>
      </tr>
    </table>
    ${
      report.notes.length > 0
        ? html`<h2>Notes</h2>
            <ul class="notes">
              ${report.notes.map((note) => html`<li>${note}</li>`)}
            </ul>`
        : ''
    }
    ${report.timing ? html`<p class="meta">${formatTiming(report.timing)}</p>` : ''}`;
}

function testRow(test: TestOutcome): Html {
  const state = test.passed ? 'ok' : 'bad';
  return html`<tr class="test ${state}">
    <td></td>
    <td>
      ${test.name}${test.hidden ? html`<span class="tag">hidden</span>` : ''}${
        !test.passed && test.reason ? html`<div class="reason">→ ${test.reason}</div>` : ''
      }
    </td>
    <td class="number points ${state}">${test.points}/${test.maxPoints}</td>
  </tr>`;
}
