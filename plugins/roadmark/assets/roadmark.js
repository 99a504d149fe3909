// Roadmark: click a table heading to sort by that column. Runs on every page load,
// including Material's instant navigation (document$), with no network access.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    // A cell's data-sort key (workflow rank, percentage, date as a number) wins over its text.
    var key = cell ? cell.getAttribute("data-sort") : null;
    var text = key !== null ? key : cell ? cell.textContent.trim() : "";
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

  // Filters: a box and selects (data-roadmark-filters="<table id>") narrow the rows of the
  // table they name, and its count (data-roadmark-count) says how many remain. The
  // controls are hidden in the HTML, so that without this script the table is simply whole.
  function filterRows(table, box, selects, count) {
    var words = box ? box.value.trim().toLowerCase().split(/\s+/).filter(Boolean) : [];
    var chosen = selects.filter(function (select) { return select.value !== ""; });
    var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
    var shown = 0;
    Array.prototype.forEach.call(rows, function (row) {
      if (row.roadmarkText === undefined) row.roadmarkText = row.textContent.toLowerCase();
      var match = words.every(function (word) { return row.roadmarkText.indexOf(word) !== -1; }) &&
        chosen.every(function (select) {
          var cell = row.cells[Number(select.getAttribute("data-roadmark-filter-column"))];
          return cell !== undefined && cell.textContent.trim() === select.value;
        });
      row.hidden = !match;
      if (match) shown += 1;
    });
    if (count) {
      var noun = count.getAttribute(rows.length === 1 ? "data-roadmark-one" : "data-roadmark-many");
      count.textContent = shown + " of " + rows.length + " " + noun;
    }
  }

  function enableFilters(root) {
    root.querySelectorAll("[data-roadmark-filters]").forEach(function (controls) {
      var id = controls.getAttribute("data-roadmark-filters");
      var table = document.getElementById(id);
      if (!table || controls.dataset.roadmarkFiltering) return;
      controls.dataset.roadmarkFiltering = "true";
      var box = controls.querySelector("[data-roadmark-filter-text]");
      var selects = Array.prototype.slice.call(
        controls.querySelectorAll("select[data-roadmark-filter-column]"));
      var count = null;
      root.querySelectorAll("[data-roadmark-count]").forEach(function (element) {
        if (element.getAttribute("data-roadmark-count") === id) count = element;
      });
      var update = function () { filterRows(table, box, selects, count); };
      if (box) box.addEventListener("input", update);
      selects.forEach(function (select) { select.addEventListener("change", update); });
      controls.hidden = false;
      update();  // a browser may restore a box's text or a select's choice on going back
    });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(function () { enable(document); enableFilters(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enable(document); enableFilters(document); });
  } else {
    enable(document);
    enableFilters(document);
  }
})();
