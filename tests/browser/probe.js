// Injected by tests/browser_report.cmake into a copy of the HTML report (the report
// itself has no script): checks the rendered page and writes the result into
// a pre element (id probe) that `chromium --dump-dom` prints.
window.addEventListener('load', () => {
  const failures = [];
  let checks = 0;
  const check = (ok, what) => { ++checks; if (!ok) failures.push(what); };
  const want = JSON.parse(document.getElementById('probe-expect').textContent);

  // The figures are on the page, as rendered text.
  const text = document.body.innerText;
  for (const f of want.figures) check(text.includes(f), 'figure missing: ' + f);

  // Each chart is drawn and has its marks.
  for (const [selector, count] of Object.entries(want.marks)) {
    const marks = document.querySelectorAll(selector);
    check(marks.length === count, selector + ': ' + marks.length + ' marks, expected ' + count);
  }
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.getBoundingClientRect();
    check(box.width > 100 && box.height > 50, svg.id + ' is not drawn (' + box.width + 'x' + box.height + ')');
    for (const t of svg.querySelectorAll('text')) { // every label inside its chart, as drawn (rotation included)
      const b = t.getBoundingClientRect();
      check(b.left >= box.left - 1 && b.top >= box.top - 1 && b.right <= box.right + 1 && b.bottom <= box.bottom + 1,
            svg.id + ': text "' + t.textContent + '" leaves the chart');
    }
  }
  for (const mark of document.querySelectorAll('rect.bin, rect.bar')) { // a non-zero figure has a visible bar
    const value = Number(mark.dataset.count ?? mark.dataset.projects ?? mark.dataset.yuan);
    if (value > 0) check(mark.getBoundingClientRect().width > 0 && mark.getBoundingClientRect().height > 0,
                         'an empty mark for ' + value);
  }

  // No text overflows its box (tables included: a table wider than the page scrolls, which is also a failure here).
  for (const el of document.querySelectorAll('h1, h2, p, li, th, td, .figure, .figure div, figcaption, .wide, table')) {
    check(el.scrollWidth <= el.clientWidth + 1, 'overflow: <' + el.tagName.toLowerCase() + '> "' +
          el.textContent.slice(0, 40) + '" ' + el.scrollWidth + ' > ' + el.clientWidth);
  }
  // Chinese text is drawn in a CJK font (not the fallback boxes): 汉字 as wide as a full-width character.
  const probe = document.createElement('span');
  probe.textContent = '预算绩效';
  probe.style.fontSize = '20px';
  document.body.appendChild(probe);
  check(Math.abs(probe.getBoundingClientRect().width - 80) <= 2, 'CJK glyphs are ' + probe.getBoundingClientRect().width + 'px for 4 at 20px');
  probe.remove();

  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = failures.length ? failures.map(f => 'FAIL ' + f).join('\n') : 'PASS ' + checks + ' checks';
  document.body.appendChild(out);
});
