/* Cell explanations on report pages: a cell's title (its state, the numbered findings naming it)
   opens in a box on tap, click, Enter or Space, not on hover alone, so phones and keyboards reach
   it; a link to #cell-… (the findings list) opens that cell's box. Text is set as textContent.
   The page names no cell's key: each table row's data-row lists its official rows, and the layout
   (gknb-layouts.js, generated from model/official_tables.py) their columns; a row printed as one run
   of unread text (cell-row-raw) is one cell, its first column's. portal/render.py row_cell_keys is the
   same rule in Python. The compare page loads this file for window.gknbCellKeys only (it has no
   keyed table of its own). */
(function () {
  "use strict";
  var box = null, owner = null;

  // Key → td for every cell of the official tables under `root` (a document or element): the one rule,
  // also used by the compare page on the report pages it fetches (window.gknbCellKeys).
  function cellKeys(root) {
    var layouts = window.gknbLayouts || {}, found = {};
    root.querySelectorAll("table.gknb-table[data-template]").forEach(function (table) {
      var name = table.getAttribute("data-table");
      var layout = (layouts[table.getAttribute("data-template")] || {})[name] || {};
      table.querySelectorAll("tr[data-row]").forEach(function (tr) {
        var tds = tr.querySelectorAll("td"), at = 0;
        tr.getAttribute("data-row").split(" ").forEach(function (row) {
          var columns = layout[row] || [];
          if (tds[at] && tds[at].classList.contains("cell-row-raw")) columns = columns.slice(0, 1);
          columns.forEach(function (column) {
            var td = tds[at++];
            if (td) found[name + "." + row + "." + column] = td;
          });
        });
      });
    });
    return found;
  }
  window.gknbCellKeys = cellKeys;

  function keyCells() {
    var found = cellKeys(document);
    Object.keys(found).forEach(function (key) {
      found[key].id = "cell-" + key;
      found[key].setAttribute("data-key", key);
    });
  }
  keyCells();

  function close() {
    if (box) { box.remove(); box = null; }
    if (owner) { owner.removeAttribute("aria-describedby"); owner = null; }
  }

  function open(cell) {
    close();
    var text = cell.getAttribute("data-explain") || cell.getAttribute("title") || "";
    if (!text) return;
    cell.setAttribute("data-explain", text);
    box = document.createElement("div");
    box.className = "gknb-pop";
    box.id = "gknb-pop";
    box.setAttribute("role", "status");
    text.split("；").forEach(function (part) {
      var line = document.createElement("p");
      line.textContent = part;
      box.appendChild(line);
    });
    var shut = document.createElement("button");
    shut.type = "button";
    shut.className = "gknb-pop-close";
    shut.textContent = "关闭";
    shut.addEventListener("click", function () { var c = owner; close(); if (c) c.focus(); });
    box.appendChild(shut);
    document.body.appendChild(box);
    var rect = cell.getBoundingClientRect();
    var width = Math.min(360, document.documentElement.clientWidth - 16);
    box.style.width = width + "px";
    var left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    box.style.left = left + "px";
    box.style.top = (rect.bottom + window.scrollY + 4) + "px";
    owner = cell;
    cell.setAttribute("aria-describedby", "gknb-pop");
  }

  function explained(target) {
    var cell = target && target.closest ? target.closest("table.gknb-table td[title], table.gknb-table td[data-explain]") : null;
    return cell;
  }

  document.addEventListener("click", function (event) {
    if (box && box.contains(event.target)) return;
    var cell = explained(event.target);
    if (cell && cell !== owner) { open(cell); return; }
    close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && box) { var c = owner; close(); if (c) c.focus(); return; }
    if (event.key !== "Enter" && event.key !== " ") return;
    var cell = explained(event.target);
    if (cell && event.target === cell) { event.preventDefault(); open(cell); }
  });

  function openFromHash() {
    if (location.hash.indexOf("#cell-") !== 0) return;
    var cell = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (cell && explained(cell)) { cell.focus(); open(cell); }
  }
  window.addEventListener("hashchange", openFromHash);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", openFromHash);
  else openFromHash();
})();
