/* contentqa HTML report: progressive enhancement only. Without it every finding is visible;
   with it the findings tables can be filtered and following a link focuses its target. The
   page's Content-Security-Policy names the SHA-256 of this exact text. */
(function () {
  "use strict";
  var doc = document;
  var updaters = {};

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  function setUp(form) {
    var table = doc.getElementById(form.getAttribute("data-table"));
    if (!table || !table.tBodies.length) {
      return;
    }
    var rows = table.tBodies[0].rows;
    var out = form.querySelector("output");
    var fields = ["severity", "category", "rule"];
    function update() {
      var want = {};
      fields.forEach(function (name) {
        want[name] = form.elements[name].value;
      });
      var shown = 0;
      each(rows, function (row) {
        var ok = fields.every(function (name) {
          return !want[name] || row.getAttribute("data-" + name) === want[name];
        });
        row.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      out.textContent = shown === rows.length
        ? "Showing all " + rows.length + " findings"
        : "Showing " + shown + " of " + rows.length + " findings";
    }
    form.addEventListener("change", update);
    form.addEventListener("reset", function () {
      window.setTimeout(update, 0);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    updaters[table.id] = function () {
      form.reset();
      update();
    };
    form.hidden = false;
    update();
  }

  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? doc.getElementById(id) : null;
    if (!target) {
      return;
    }
    var row = target.closest("tr");
    if (row && row.hidden) {
      var table = row.closest("table");
      if (table && updaters[table.id]) {
        updaters[table.id]();
      }
    }
    var details = target.closest("details");
    while (details) {
      details.open = true;
      details = details.parentElement ? details.parentElement.closest("details") : null;
    }
    if (target.matches("mark, a, [tabindex]")) {
      target.focus({ preventScroll: true });
    }
    target.scrollIntoView({ block: "center" });
  }

  each(doc.querySelectorAll("form.filters"), setUp);
  window.addEventListener("hashchange", reveal);
  if (window.location.hash) {
    reveal();
  }
  // A table's columns marked data-sort get a button that sorts the rows by the cells'
  // data-value: first in the column's data-sort direction (the worst guides first), then
  // the other way. Cells without a value go last either way.
  function sortable(table) {
    var body = table.tBodies[0];
    var original = Array.prototype.slice.call(body.rows);
    each(table.tHead.rows[0].cells, function (th, column) {
      var first = th.getAttribute("data-sort");
      if (!first) {
        return;
      }
      var button = doc.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var now = th.getAttribute("aria-sort");
        var order = now === first ? (first === "ascending" ? "descending" : "ascending") : first;
        each(table.tHead.rows[0].cells, function (cell) {
          cell.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", order);
        var sign = order === "ascending" ? 1 : -1;
        var keyed = original.map(function (row, index) {
          var raw = row.cells[column].getAttribute("data-value");
          var number = raw === "" || raw === null ? NaN : Number(raw);
          return { row: row, index: index, raw: raw || "", number: number };
        });
        keyed.sort(function (a, b) {
          var aMissing = a.raw === "", bMissing = b.raw === "";
          if (aMissing !== bMissing) {
            return aMissing ? 1 : -1;
          }
          var byValue = isNaN(a.number) || isNaN(b.number)
            ? a.raw.localeCompare(b.raw)
            : a.number - b.number;
          return byValue * sign || a.index - b.index;
        });
        keyed.forEach(function (entry) {
          body.appendChild(entry.row);
        });
      });
    });
  }

  each(doc.querySelectorAll("table.sortable"), sortable);

  // A tooltip starts at its mark's left edge: near the right edge of a narrow screen it
  // would be cut off (a guide's section clips what overflows it), so it moves left by as
  // much as its widest form would overflow.
  function placeTip(event) {
    var mark = event.target.closest ? event.target.closest("[data-tip]") : null;
    if (!mark) {
      return;
    }
    var rem = parseFloat(window.getComputedStyle(doc.documentElement).fontSize) || 16;
    var width = Math.min(34 * rem, window.innerWidth * 0.86);
    var box = (mark.closest(".guide") || doc.documentElement).getBoundingClientRect();
    var first = Math.max(box.left, 0) + 4;
    var last = Math.min(box.right, window.innerWidth) - 4;
    var left = mark.getBoundingClientRect().left;
    var shift = Math.max(Math.min(0, last - (left + width)), first - left);
    mark.style.setProperty("--tip-shift", Math.round(shift) + "px");
  }
  doc.addEventListener("mouseover", placeTip);
  doc.addEventListener("focusin", placeTip);
  window.addEventListener("beforeprint", function () {
    each(doc.querySelectorAll("details"), function (d) {
      d.open = true;
    });
  });
  doc.documentElement.classList.add("js");
})();
