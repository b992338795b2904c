// Sorting and verdict filter for the report tables; the pages work without it (all rows shown).
"use strict";
(function () {
  function cellKey(row, index, kind) {
    var cell = row.cells[index];
    var raw = cell.getAttribute("data-value") || cell.textContent.trim();
    return kind === "num" ? parseFloat(raw) || 0 : raw.toLowerCase();
  }
  function makeSortable(table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      if (!th.hasAttribute("data-sort")) { return; }
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var kind = th.getAttribute("data-sort");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellKey(a, index, kind), y = cellKey(b, index, kind);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
  }
  function makeFilter(select) {
    var table = document.getElementById(select.getAttribute("data-filter-table"));
    var counter = document.querySelector('[data-count-for="' + table.id + '"]');
    function apply() {
      var want = select.value, shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var verdicts = (row.getAttribute("data-verdicts") || "").split(" ");
        row.hidden = want !== "" && verdicts.indexOf(want) < 0;
        if (!row.hidden) { shown += 1; }
      });
      if (counter) { counter.textContent = shown + " of " + table.tBodies[0].rows.length + " shown"; }
    }
    select.addEventListener("change", apply);
    apply();
  }
  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("select[data-filter-table]").forEach(makeFilter);
})();
