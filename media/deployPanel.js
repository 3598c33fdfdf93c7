// The Deploy panel's page: renders the grid the extension posts (hosts down, steps across).
// Every text from hosts goes in with textContent, never as HTML.
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('deploy');
  const t = JSON.parse(root.dataset.labels);
  let grid;

  const format = (template, ...values) => values.reduce((s, v, i) => s.replace(`{${i}}`, v), template);
  const seconds = (ms) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
  const bytes = (n) => (n === undefined ? '' : n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('data-')) node.dataset[k.slice(5).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = v;
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c !== undefined && c !== null) node.append(c);
    return node;
  }

  const ICONS = { none: '', pending: '·', running: '◌', done: '✓', failed: '✗', 'rolled-back': '↩', skipped: '–' };
  const STATE_LABEL = { none: t.none, pending: t.pending, running: t.running, done: t.done, failed: t.failed, 'rolled-back': t.rolledBack, skipped: t.skipped };

  function cellText(c) {
    if (c.state === 'done') return seconds(c.durationMs || 0);
    if (c.state === 'running') return seconds(Math.max(0, Date.now() - (c.startedAt || Date.now())));
    if (c.state === 'failed' || c.state === 'rolled-back' || c.state === 'skipped' || c.state === 'pending') return STATE_LABEL[c.state];
    return '';
  }

  function cell(row, column) {
    const c = row.cells[column.name] || { state: 'none' };
    const hint = [`${row.host} · ${column.title}: ${STATE_LABEL[c.state]}`, c.durationMs !== undefined ? seconds(c.durationMs) : '', c.detail || ''].filter(Boolean).join('\n');
    const td = el('td', { class: `cell state-${c.state}`, 'data-host': row.host, 'data-step': column.name, 'data-state': c.state,
      title: c.state === 'none' ? undefined : hint, 'aria-label': hint, tabindex: c.detail ? '0' : undefined },
    el('span', { class: 'icon', 'aria-hidden': 'true' }, ICONS[c.state]), el('span', { class: 'text' }, cellText(c)));
    if (c.detail) td.append(el('span', { class: 'tip', role: 'tooltip' }, c.detail));
    return td;
  }

  function status() {
    if (!grid.end) {
      const step = grid.current ? grid.current.title : '';
      const batch = grid.current && grid.current.batch !== undefined ? ` · ${format(t.batchOf, grid.current.batch, grid.batches)}` : '';
      return el('p', { class: 'status', 'data-status': 'running' }, format(t.runningStep, step) + batch);
    }
    const took = seconds(grid.end.durationMs);
    const [kind, text] = grid.end.ok ? ['ok', format(t.doneIn, took)] : grid.end.cancelled ? ['cancelled', format(t.cancelledAfter, took)] : ['failed', format(t.failedAfter, took)];
    return el('p', { class: 'status', 'data-status': kind }, text);
  }

  function render() {
    if (!grid || grid.rows.length === 0) return;
    const head = el('tr', {}, el('th', { scope: 'col' }, t.host), el('th', { scope: 'col' }, t.batch), el('th', { scope: 'col', class: 'num' }, t.sent),
      ...grid.columns.map((c) => el('th', { scope: 'col', title: c.title }, c.name)));
    const rows = grid.rows.map((r) => el('tr', { class: r.rolledBackTo ? 'rolled-back' : undefined, 'data-host': r.host },
      el('th', { scope: 'row', class: 'host', title: r.warnings.join('\n') || undefined }, r.host,
        r.rolledBackTo ? el('span', { class: 'badge', title: format(t.wentBack, r.rolledBackTo) }, `↩ ${t.rolledBack}`) : undefined),
      el('td', { class: 'batch' }, r.batch === undefined ? '' : r.canary ? `${r.batch} (${t.canary})` : String(r.batch)),
      el('td', { class: 'num bytes' }, bytes(r.bytesSent)),
      ...grid.columns.map((c) => cell(r, c))));
    const parts = [el('header', {}, el('h1', {}, grid.title), status()), el('table', { class: 'grid' }, el('thead', {}, head), el('tbody', {}, ...rows))];
    if (grid.end && grid.end.error) parts.push(el('pre', { class: 'error' }, grid.end.error));
    root.replaceChildren(...parts);
  }

  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'grid') {
      grid = event.data.grid;
      render();
    }
  });
  // Running cells count their seconds between updates.
  setInterval(() => {
    if (!grid || grid.end) return;
    for (const td of root.querySelectorAll('td.state-running .text')) {
      const c = grid.rows.find((r) => r.host === td.parentElement.dataset.host).cells[td.parentElement.dataset.step];
      td.textContent = cellText(c);
    }
  }, 500);
  vscode.postMessage({ type: 'ready' });
})();
