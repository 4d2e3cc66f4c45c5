/* The compare page: reports chosen by ?r=ID,ID (replaces the choice), ?add=ID (adds one), the form, or
   the list kept in this browser; each report's published record (gzip-compressed JSON) read and laid out
   row by row. Values are set as textContent. */
(function () {
  "use strict";
  var root = document.getElementById("gknb-compare");
  if (!root) return;
  var ROWS = JSON.parse(root.getAttribute("data-rows"));
  var MARKS = JSON.parse(root.getAttribute("data-marks"));
  var JSON_BASE = root.getAttribute("data-json"), JSON_SUFFIX = root.getAttribute("data-json-suffix");
  var PAGE_BASE = root.getAttribute("data-pages");
  var MAX = 4, KEY = "gknb-compare";
  var status = root.querySelector(".gknb-compare__status");
  var table = root.querySelector("table"), onlyDiff = document.getElementById("gknb-compare-diff");
  var grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });

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

  function cell(record, key) {
    var parts = key.split("."), table = (record.tables || {})[parts[0]] || {};
    var row = table[parts.slice(1, -1).join(".")];
    return row ? row[parts[parts.length - 1]] : undefined;
  }

  function shown(c) {
    if (!c) return "—";
    var number = typeof c.value === "number" ? grouped.format(c.value) : "";
    var mark = c.state === "ok" ? "" : (MARKS[c.state] || [""])[0];
    if (c.state === "na" || c.state === "garbled") return (c.raw || "") + mark;
    return (number || "—") + mark;
  }

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
      var a = el("a", (r.agency.name || "（未识别机关）") + " " + (r.year || "") + " 年度", { href: PAGE_BASE + encodeURI(ids[i]) + "/" });
      var drop = el("button", "移除", { type: "button", "data-remove": ids[i], "class": "gknb-compare__remove" });
      th.appendChild(a); th.appendChild(el("br")); th.appendChild(drop);
      tr.appendChild(th);
    });
    head.appendChild(tr);
    addRow(body, "机关类型", records.map(function (r) { return r.agency.type || "—"; }), "meta");
    addRow(body, "发布日期", records.map(function (r) { return r.published || "—"; }), "meta");
    addRow(body, "表格模板", records.map(function (r) { return r.template || "—"; }), "meta");
    ROWS.forEach(function (row) {
      var cells = records.map(function (r) { return cell(r, row[0]); });
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

  // A record file is its report's gzip member of reports.jsonl.gz. GitHub Pages, nginx and MkDocs' server
  // send those bytes as they are; a server that adds Content-Encoding: gzip for .gz (Apache's AddEncoding)
  // has the browser decode them already. So only what still starts with gzip's magic bytes is decompressed.
  var NO_GUNZIP = new Error("DecompressionStream");

  function record(response) {
    return response.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return JSON.parse(new TextDecoder().decode(bytes));
      if (typeof DecompressionStream !== "function") throw NO_GUNZIP;
      return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).json();
    });
  }

  function clear(text) { status.textContent = text; table.tHead.textContent = ""; table.tBodies[0].textContent = ""; }

  async function show(ids) {
    if (!ids.length) { clear("尚未选择报告。"); return; }
    var found = [], kept = [], missing = [], unreadable = false;
    await Promise.all(ids.map(function (id, i) {
      return fetch(JSON_BASE + encodeURI(id) + JSON_SUFFIX).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return record(response);
      }).then(function (data) { found[i] = data; }, function (e) { if (e === NO_GUNZIP) unreadable = true; else missing.push(id); });
    }));
    if (unreadable) {  // the choice is kept for a browser that can read it
      clear("这个浏览器不能解压报告的 JSON 记录（gzip 压缩，需要 DecompressionStream），无法对比。" +
            "请换用较新的浏览器（Chrome 或 Edge 80、Firefox 113、Safari 16.4 及以上）。");
      return;
    }
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
