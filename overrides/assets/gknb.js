// gknb: sortable, filterable report tables, and the Pagefind search page. No outside requests.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var value = cell.getAttribute("data-sort-value");
    return value !== null ? value : cell.textContent.trim();
  }

  // Pages write numbers with thousands separators (2,650).
  function number(text) { return parseFloat(String(text).replace(/,/g, "")); }

  function sortBy(table, index, numeric, th) {
    var body = table.tBodies[0];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      // A figure the report does not give (empty sort value, shown —) goes last either way.
      if (numeric && (x === "" || y === "")) return (x === "") - (y === "");
      var order = numeric ? (number(x) || 0) - (number(y) || 0) : x.localeCompare(y, "zh-Hans-CN");
      return ascending ? order : -order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        sortBy(table, index, th.getAttribute("data-sort") === "number", th);
      });
    });
  }

  function makeFilterable(table) {
    var wrap = table.closest(".gknb-scroll") || table;
    var box = document.createElement("div");
    box.className = "gknb-filter";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "筛选本表（机关、地区、年度、状态）";
    input.setAttribute("aria-label", "筛选本表");
    box.appendChild(input);
    wrap.parentNode.insertBefore(box, wrap);
    input.addEventListener("input", function () {
      var words = input.value.trim().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent;
        row.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
  }

  document.querySelectorAll("table[data-gknb-sortable]").forEach(function (table) {
    makeSortable(table);
    if (table.tBodies.length && table.tBodies[0].rows.length > 1) makeFilterable(table);
  });

  // ---- the cite box: the permalink as the reader's address bar has it, and today as the date of citing
  var permalink = document.querySelector("a[data-gknb-permalink]");
  if (permalink) {
    var address = permalink.href;
    try { address = decodeURI(address); } catch (error) { /* an address that does not decode stays encoded */ }
    permalink.textContent = address;
    document.querySelectorAll("[data-gknb-address]").forEach(function (node) { node.textContent = address; });
    var today = new Date();
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    document.querySelectorAll("[data-gknb-today]").forEach(function (node) {
      node.textContent = today.getFullYear() + "-" + two(today.getMonth() + 1) + "-" + two(today.getDate());
    });
  }

  // ---- search page -----------------------------------------------------------------------
  var root = document.getElementById("gknb-search");
  if (!root) return;

  var FACETS = [["province", "省份"], ["type", "机关类型"], ["year", "年度"], ["status", "校验结论"]];
  var STATUS = { pass: "通过", warn: "警告", fail: "错误" };
  var siteRoot = new URL(document.querySelector("meta[name=gknb-root]").content, location.href);
  var params = new URLSearchParams(location.search);
  var pagefind = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var form = el("form", { "class": "gknb-search__form", role: "search" });
  var input = el("input", { type: "search", name: "q", id: "gknb-q", placeholder: "机关名称、地区或正文关键词",
                            "aria-label": "检索词" });
  input.value = params.get("q") || "";
  form.appendChild(input);
  form.appendChild(el("button", { type: "submit", "class": "md-button md-button--primary" }, "检索"));
  var filters = el("div", { "class": "gknb-search__filters" });
  var status = el("p", { "class": "gknb-search__status", role: "status", "aria-live": "polite" });
  var results = el("ol", { "class": "gknb-results" });
  root.appendChild(form); root.appendChild(filters); root.appendChild(status); root.appendChild(results);
  var selects = {};

  function buildFilters(available) {
    FACETS.forEach(function (facet) {
      var label = el("label", {}, facet[1]);
      var select = el("select", { name: facet[0], "data-facet": facet[0] });
      select.appendChild(el("option", { value: "" }, "全部"));
      Object.keys(available[facet[0]] || {}).sort(function (a, b) { return a.localeCompare(b, "zh-Hans-CN"); })
        .forEach(function (value) {
          select.appendChild(el("option", { value: value }, value + "（" + available[facet[0]][value] + "）"));
        });
      select.value = params.get(facet[0]) || "";
      select.addEventListener("change", run);
      selects[facet[0]] = select;
      label.appendChild(select);
      filters.appendChild(label);
    });
  }

  function chosenFilters() {
    var chosen = {};
    Object.keys(selects).forEach(function (k) { if (selects[k].value) chosen[k] = selects[k].value; });
    return chosen;
  }

  function showResult(data) {
    var item = el("li", { "class": "gknb-result" });
    var title = el("a", { href: data.url, "class": "gknb-result__title" }, data.meta.title || data.url);
    item.appendChild(el("h3", {})).appendChild(title);
    var meta = el("div", { "class": "gknb-result__meta" });
    meta.appendChild(el("span", { "class": "gknb-result__body" }, data.meta.body || ""));
    meta.appendChild(el("span", { "class": "gknb-result__year" }, data.meta.year ? data.meta.year + " 年度" : ""));
    var st = data.meta.status || "";
    meta.appendChild(el("span", { "class": "gknb-badge gknb-badge--" + (STATUS[st] ? st : "info") }, STATUS[st] || st));
    item.appendChild(meta);
    var excerpt = el("p", { "class": "gknb-result__excerpt" });
    excerpt.innerHTML = compact(data.excerpt);   // Pagefind's excerpt: escaped page text, <mark> around hits
    item.appendChild(excerpt);
    results.appendChild(item);
  }

  // The index holds every Chinese character as a word (search.py explains why): each term of the
  // query becomes an exact phrase of its characters, and the reports must match every term.
  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
  var BETWEEN_HAN = new RegExp("(?<=[" + HAN + "])(?=[" + HAN + "])", "g");
  var SPACED_HAN = new RegExp("([" + HAN + "](?:</mark>)?)\\s+(?=(?:<mark>)?[" + HAN + "])", "g");

  function phrase(term) { return "\"" + term.replace(BETWEEN_HAN, " ") + "\""; }

  function compact(excerpt) {
    return excerpt.replace(/\s+<\/mark>/g, "</mark> ").replace(SPACED_HAN, "$1").replace(/<\/mark><mark>/g, "");
  }

  async function searchAll(query, chosen) {
    var terms = query.split(/\s+/).filter(Boolean);
    if (!terms.length) return (await pagefind.search(null, { filters: chosen })).results;
    var lists = await Promise.all(terms.map(function (t) {
      return pagefind.search(phrase(t), { filters: chosen }).then(function (s) { return s.results; });
    }));
    return lists[0].filter(function (r) {
      return lists.every(function (list) { return list.some(function (o) { return o.id === r.id; }); });
    });
  }

  var generation = 0;
  async function run(event) {
    if (event) event.preventDefault();
    var query = input.value.trim();
    var chosen = chosenFilters();
    var url = new URL(location.href);
    url.search = "";
    if (query) url.searchParams.set("q", query);
    Object.keys(chosen).forEach(function (k) { url.searchParams.set(k, chosen[k]); });
    history.replaceState(null, "", url);
    var mine = ++generation;
    results.textContent = "";
    document.querySelectorAll(".gknb-more").forEach(function (b) { b.remove(); });
    if (!query && !Object.keys(chosen).length) { status.textContent = "输入检索词或选择筛选条件。"; return; }
    status.textContent = "检索中……";
    var hits = await searchAll(query, chosen);
    if (mine !== generation) return;
    await showPage(hits, 0, mine);
    if (mine !== generation) return;
    status.textContent = "找到 " + hits.length + " 份报告。";  // after the first results are on the page
  }

  // Each result's excerpt and meta is a fragment fetched on demand: a page of results at a time
  // keeps one search under a few hundred KB however many reports match.
  var PAGE = 20;
  async function showPage(hits, start, mine) {
    var found = await Promise.all(hits.slice(start, start + PAGE).map(function (r) { return r.data(); }));
    if (mine !== generation) return;
    found.forEach(showResult);
    if (start + PAGE < hits.length) {
      var more = el("button", { type: "button", "class": "md-button gknb-more" },
                    "再显示 " + Math.min(PAGE, hits.length - start - PAGE) + " 份（共 " + hits.length + " 份）");
      more.addEventListener("click", function () { more.remove(); showPage(hits, start + PAGE, mine); });
      results.parentNode.insertBefore(more, results.nextSibling);
    }
  }

  // The Pagefind bundles to search: the site's own, or (top-level site of a split build, gknb
  // build --shard) each shard's, which the build lists in the config (extra.gknb_search_bundles,
  // printed as a meta tag). The first is loaded, the others are merged into it (Pagefind's
  // mergeIndex); each bundle's results link into its own folder.
  var listed = document.querySelector('meta[name="gknb-search-bundles"]');
  var bundles = ((listed && listed.getAttribute("content")) || "pagefind/").split(/\s+/).filter(Boolean)
    .map(function (path) {
      var url = new URL(path, siteRoot);
      return { path: url.pathname, base: new URL("..", url).pathname };
    });

  (async function () {
    try {
      pagefind = await import(new URL(bundles[0].path + "pagefind.js", siteRoot).href);
      await pagefind.options({ baseUrl: bundles[0].base });
      for (var i = 1; i < bundles.length; i++) {
        await pagefind.mergeIndex(bundles[i].path, { baseUrl: bundles[i].base });
      }
      buildFilters(await pagefind.filters());
    } catch (error) {
      status.textContent = "检索索引不可用（构建时未运行 Pagefind？）";
      return;
    }
    form.addEventListener("submit", run);
    root.setAttribute("data-ready", "true");
    run();
  })();
})();
