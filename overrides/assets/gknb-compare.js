/* The compare page: reports chosen by ?r=ID,ID (replaces the choice), ?add=ID (adds one), the form, or
   the list kept in this browser; each report's own page read (its card and its tables, each cell keyed
   by window.gknbCellKeys, the rule of the report pages) and laid out row by row, so a cell shows here
   what its report page shows. Values are set as textContent (report text is untrusted). */
(function () {
  "use strict";
  var root = document.getElementById("gknb-compare");
  if (!root) return;
  var ROWS = JSON.parse(root.getAttribute("data-rows"));
  var PAGE_BASE = root.getAttribute("data-pages");
  var MAX = 4, KEY = "gknb-compare";
  var status = root.querySelector(".gknb-compare__status");
  var table = root.querySelector("table"), onlyDiff = document.getElementById("gknb-compare-diff");

  function stored() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function store(ids) { try { localStorage.setItem(KEY, JSON.stringify(ids)); } catch (e) { /* private mode */ } }
  function unique(ids) { return ids.filter(function (id, i) { return id && ids.indexOf(id) === i; }).slice(-MAX); }

  function chosen() {
    var params = new URLSearchParams(location.search), ids = stored();
    if (params.get("r")) ids = params.get("r").split(",");
    if (params.get("add")) ids = ids.concat([params.get("add")]);
    ids = unique(ids.map(function (id) { return id.trim(); }));
    store(ids);
    return ids;
  }

  function idOf(text) {
    var match = decodeURIComponent(text.trim()).match(/reports\/(.+?)\/?(?:index\.html)?(?:[?#].*)?$/);
    return match ? match[1] : text.trim().replace(/^\/+|\/+$/g, "");
  }

  function textOf(node) { return node ? node.textContent.trim() : ""; }

  // What compare needs of one report page: its card's rows (dt → dd text) and its cells' texts by key.
  function reportOf(html) {
    var page = new DOMParser().parseFromString(html, "text/html"), card = {}, cells = {};
    // A page that is not a report (a redirect page, a server's own 404 page sent as 200) is not found.
    if (!page.querySelector("dl.gknb-card")) throw new Error("not a report page");
    page.querySelectorAll("dl.gknb-card > dt").forEach(function (dt) {
      var dd = dt.nextElementSibling;
      if (dd && dd.tagName === "DD") card[textOf(dt)] = textOf(dd);
    });
    var keyed = window.gknbCellKeys ? window.gknbCellKeys(page) : {};
    Object.keys(keyed).forEach(function (key) { cells[key] = textOf(keyed[key]); });
    return { card: card, cells: cells };
  }

  function shown(value) { return value === undefined ? "—" : value; }  // a cell the page lacks

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function addRow(body, label, texts, kind) {
    var tr = el("tr"), differs = texts.some(function (t) { return t !== texts[0]; });
    tr.appendChild(el("th", label, { scope: "row" }));
    texts.forEach(function (t) { tr.appendChild(el("td", t)); });
    if (differs && texts.length > 1) tr.className = "gknb-diff";
    if (kind) tr.setAttribute("data-kind", kind);
    body.appendChild(tr);
  }

  function draw(ids, records) {
    var head = table.tHead, body = table.tBodies[0];
    head.textContent = ""; body.textContent = "";
    var tr = el("tr");
    tr.appendChild(el("th", "项目", { scope: "col" }));
    records.forEach(function (r, i) {
      var th = el("th", "", { scope: "col" });
      var a = el("a", (r.card["发布机关"] || "（未识别机关）") + " " + (r.card["报告年度"] || "") + " 年度",
                 { href: PAGE_BASE + encodeURI(ids[i]) + "/" });
      var drop = el("button", "移除", { type: "button", "data-remove": ids[i], "class": "gknb-compare__remove" });
      th.appendChild(a); th.appendChild(el("br")); th.appendChild(drop);
      tr.appendChild(th);
    });
    head.appendChild(tr);
    ["机关类型", "发布日期", "表格模板"].forEach(function (label) {
      addRow(body, label, records.map(function (r) { return shown(r.card[label]); }), "meta");
    });
    ROWS.forEach(function (row) {
      var cells = records.map(function (r) { return r.cells[row[0]]; });
      if (cells.every(function (c) { return c === undefined; })) return;  // no report has this row (template)
      addRow(body, row[1], cells.map(shown));
    });
    var differing = body.querySelectorAll("tr.gknb-diff").length;
    status.textContent = "对比 " + records.length + " 份报告，" + differing + " 行数字不同（标为黄色）。" +
      (records.length < 2 ? "再加入一份报告即可对比。" : "");
    filter();
  }

  function filter() {
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
      tr.hidden = onlyDiff.checked && !tr.classList.contains("gknb-diff") && tr.getAttribute("data-kind") !== "meta";
    });
  }

  function clear(text) { status.textContent = text; table.tHead.textContent = ""; table.tBodies[0].textContent = ""; }

  async function show(ids) {
    if (!ids.length) { clear("尚未选择报告。"); return; }
    var found = [], kept = [], missing = [];
    await Promise.all(ids.map(function (id, i) {
      return fetch(PAGE_BASE + encodeURI(id) + "/").then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      }).then(function (html) { found[i] = reportOf(html); }, function () { missing.push(id); });
    }));
    ids.forEach(function (id, i) { if (found[i]) kept.push(id); });
    store(kept);
    draw(kept, found.filter(Boolean));
    if (missing.length) status.textContent += " 找不到：" + missing.join("、");
  }

  root.addEventListener("click", function (event) {
    var id = event.target.getAttribute && event.target.getAttribute("data-remove");
    if (!id) return;
    var ids = stored().filter(function (x) { return x !== id; });
    store(ids); history.replaceState(null, "", location.pathname); show(ids);
  });
  root.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("gknb-compare-add");
    var ids = unique(stored().concat([idOf(input.value)]));
    input.value = ""; store(ids); history.replaceState(null, "", location.pathname); show(ids);
  });
  onlyDiff.addEventListener("change", filter);
  show(chosen());
})();
