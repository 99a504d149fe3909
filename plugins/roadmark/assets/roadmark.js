// Roadmark: click a table heading to sort by that column. Runs on every page load,
// including Material's instant navigation (document$), with no network access.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    var text = cell ? cell.textContent.trim() : "";
    var number = parseFloat(text);
    return { text: text, number: /^-?\d/.test(text) && !isNaN(number) ? number : null };
  }

  function compare(a, b) {
    if (a.number !== null && b.number !== null) return a.number - b.number;
    if (a.text === "" || b.text === "") return a.text === "" ? 1 : -1;
    return a.text.localeCompare(b.text, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortBy(table, header, index) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    // Each row's key is read once: the trace matrix has thousands of rows.
    var keyed = Array.prototype.map.call(body.rows, function (row) {
      return { row: row, key: cellValue(row, index) };
    });
    keyed.sort(function (a, b) {
      var order = compare(a.key, b.key);
      return ascending ? order : -order;
    });
    keyed.forEach(function (entry) { body.appendChild(entry.row); });
  }

  function enable(root) {
    root.querySelectorAll("article table").forEach(function (table) {
      if (!table.tHead || table.dataset.roadmarkSortable || table.closest(".roadmark-card")) return;
      table.dataset.roadmarkSortable = "true";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        th.classList.add("roadmark-sortable");
        th.setAttribute("tabindex", "0");
        th.addEventListener("click", function () { sortBy(table, th, index); });
        th.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            sortBy(table, th, index);
          }
        });
      });
    });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(function () { enable(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enable(document); });
  } else {
    enable(document);
  }
})();
