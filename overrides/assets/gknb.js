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

  // A phone shows a list's rows as cards, each value after its column's heading (CSS: td::before,
  // attr(data-label)): the headings are taken from the table's head here, not written into every cell.
  function labelCells(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, index) {
        if (heads[index] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[index]);
      });
    });
  }

  document.querySelectorAll("table.gknb-list").forEach(labelCells);

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

  var FACETS = [["province", "省份"], ["city", "地市"], ["county", "县区"], ["type", "机关类型"], ["year", "年度"],
                ["status", "校验结论"]];
  var REGION_LEVELS = ["province", "city", "county"];
  var STATUS = { pass: "通过", warn: "警告", fail: "错误" };
  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
  // A year in the query (扬中市财政局 2023, 2023年度, 财政局2023年) becomes the year filter.
  var YEAR = new RegExp("(?:^|(?<=[" + HAN + "]))((?:19|20)\\d\\d)(?:年度|年)?(?=$|[" + HAN + "])");
  var MIN_TERM = 2;        // a retry never shortens a term below two characters
  var MAX_RETRIES = 12;    // searches a zero-result query may spend on shorter terms
  var SUGGESTIONS = 5;
  var siteRoot = new URL(document.querySelector("meta[name=gknb-root]").content, location.href);
  var params = new URLSearchParams(location.search);
  var pagefind = null;
  // From each bundle's site: search/terms.json (region codes, name suffixes), search/bodies.json
  // (the body names, fetched only when a query finds nothing). portal/search_terms.py writes both.
  var terms = { regions: { province: {}, city: {}, county: {} }, suffixes: [] };
  var bodies = null;
  var autoYear = "";       // the year filter set from the query (cleared when the query drops it)

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var form = el("form", { "class": "gknb-search__form", role: "search" });
  var input = el("input", { type: "search", name: "q", id: "gknb-q", placeholder: "机关名称、地区、年度或正文关键词",
                            "aria-label": "检索词" });
  input.value = params.get("q") || "";
  form.appendChild(input);
  form.appendChild(el("button", { type: "submit", "class": "md-button md-button--primary" }, "检索"));
  var filters = el("div", { "class": "gknb-search__filters" });
  var status = el("p", { "class": "gknb-search__status", role: "status", "aria-live": "polite" });
  var note = el("p", { "class": "gknb-search__note", hidden: "" });
  var suggestions = el("div", { "class": "gknb-suggest", hidden: "" });
  var results = el("ol", { "class": "gknb-results" });
  [form, filters, status, note, suggestions, results].forEach(function (n) { root.appendChild(n); });
  var selects = {};

  function regionCode(level, value) { return terms.regions[level] && terms.regions[level][value]; }

  // Provinces, cities and counties in division-code order (not pinyin), years newest first.
  function facetOrder(facet) {
    return function (a, b) {
      if (REGION_LEVELS.indexOf(facet) !== -1) {
        var x = regionCode(facet, a) || "~", y = regionCode(facet, b) || "~";
        if (x !== y) return x < y ? -1 : 1;
      }
      if (facet === "year") return b.localeCompare(a);
      return a.localeCompare(b, "zh-Hans-CN");
    };
  }

  // A city list shows the chosen province's cities, a county list the chosen city's (or province's).
  function narrowRegions() {
    var prefix = "";
    REGION_LEVELS.forEach(function (level) {
      var select = selects[level];
      if (!select) return;
      Array.prototype.forEach.call(select.options, function (option) {
        var code = option.getAttribute("data-code") || "";
        option.hidden = option.value !== "" && prefix !== "" && code.indexOf(prefix) !== 0;
      });
      if (select.selectedOptions.length && select.selectedOptions[0].hidden) select.value = "";
      var chosen = select.value && regionCode(level, select.value);
      if (chosen) prefix = chosen;
    });
  }

  function buildFilters(available) {
    FACETS.forEach(function (facet) {
      var values = available[facet[0]] || {};
      var label = el("label", {}, facet[1]);
      var select = el("select", { name: facet[0], "data-facet": facet[0] });
      select.appendChild(el("option", { value: "" }, "全部"));
      Object.keys(values).sort(facetOrder(facet[0])).forEach(function (value) {
        var option = el("option", { value: value }, value + "（" + values[value] + "）");
        var code = regionCode(facet[0], value);
        if (code) option.setAttribute("data-code", code);
        select.appendChild(option);
      });
      select.value = params.get(facet[0]) || "";
      select.addEventListener("change", function (event) {
        if (facet[0] === "year") autoYear = "";   // chosen by hand: the query no longer owns it
        narrowRegions();
        run(event);
      });
      selects[facet[0]] = select;
      label.appendChild(select);
      filters.appendChild(label);
    });
    narrowRegions();
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
  var BETWEEN_HAN = new RegExp("(?<=[" + HAN + "])(?=[" + HAN + "])", "g");
  var SPACED_HAN = new RegExp("([" + HAN + "](?:</mark>)?)\\s+(?=(?:<mark>)?[" + HAN + "])", "g");

  function phrase(term) { return "\"" + term.replace(BETWEEN_HAN, " ") + "\""; }

  function compact(excerpt) {
    return excerpt.replace(/\s+<\/mark>/g, "</mark> ").replace(SPACED_HAN, "$1").replace(/<\/mark><mark>/g, "");
  }

  // The query's words, and the year it names (once): 扬中市财政局 2023 → [扬中市财政局], 2023.
  function readQuery(query) {
    var year = "", words = [];
    query.split(/\s+/).filter(Boolean).forEach(function (word) {
      var found = year ? null : YEAR.exec(word);
      if (found && selects.year && selects.year.querySelector('option[value="' + found[1] + '"]')) {
        year = found[1];
        word = word.slice(0, found.index) + word.slice(found.index + found[0].length);
      }
      if (word) words.push(word);
    });
    return { words: words, year: year };
  }

  async function searchAll(words, chosen) {
    if (!words.length) return (await pagefind.search(null, { filters: chosen })).results;
    var lists = await Promise.all(words.map(function (t) {
      return pagefind.search(phrase(t), { filters: chosen }).then(function (s) { return s.results; });
    }));
    return lists[0].filter(function (r) {
      return lists.every(function (list) { return list.some(function (o) { return o.id === r.id; }); });
    });
  }

  function stripSuffix(word) {
    for (var i = 0; i < terms.suffixes.length; i++) {
      var suffix = terms.suffixes[i];
      if (word.length > suffix.length + 1 && word.slice(-suffix.length) === suffix) return word.slice(0, -suffix.length);
    }
    return word;
  }

  // Shorter queries for one that found nothing: name suffixes dropped (柱濮镇人民政府 → 柱濮镇), then
  // the longest word cut by a character at its end or its start, down to two characters.
  function shorterQueries(words) {
    var out = [], seen = {};
    function add(list) {
      var key = list.join(" ");
      if (!seen[key] && key !== words.join(" ")) { seen[key] = true; out.push(list); }
    }
    var current = words.map(stripSuffix);
    add(current);
    var frontier = [current];
    while (frontier.length && out.length < MAX_RETRIES) {
      var next = [];
      frontier.forEach(function (list) {
        var longest = list.reduce(function (best, w, i) { return w.length > list[best].length ? i : best; }, 0);
        var word = list[longest];
        if (word.length <= MIN_TERM) return;
        [word.slice(0, -1), word.slice(1)].forEach(function (cut) {
          var shorter = list.slice();
          shorter[longest] = cut;
          add(shorter);
          next.push(shorter);
        });
      });
      frontier = next;
    }
    return out.slice(0, MAX_RETRIES);
  }

  async function retryShorter(words, chosen, mine) {
    var tries = shorterQueries(words);
    for (var i = 0; i < tries.length; i++) {
      var hits = await searchAll(tries[i], chosen);
      if (mine !== generation) return null;
      if (hits.length) return { words: tries[i], hits: hits };
    }
    return null;
  }

  // ---- close body names for a query that found nothing (柱璞镇 → 柱濮镇) ----
  function distance(a, b) {
    var previous = [], i, j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (i = 1; i <= a.length; i++) {
      var row = [i];
      for (j = 1; j <= b.length; j++) {
        row.push(Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
      }
      previous = row;
    }
    return previous[b.length];
  }

  function overlap(a, b) {   // shared characters ÷ the longer name's length
    var pool = b.split(""), shared = 0;
    a.split("").forEach(function (c) { var at = pool.indexOf(c); if (at !== -1) { shared++; pool.splice(at, 1); } });
    return shared / Math.max(a.length, b.length);
  }

  function closeBodies(word) {
    var wanted = stripSuffix(word);
    var allowed = wanted.length <= 3 ? 1 : 2;
    return bodies.map(function (body) {
      var stem = stripSuffix(body[0]);
      var d = Math.min(distance(wanted, stem), distance(word, body[0]));
      // A longer name holding the word with one character wrong also counts (海阳市柱璞镇 for 柱濮镇).
      var within = d;
      for (var k = 0; k + wanted.length <= stem.length; k++) {
        within = Math.min(within, distance(wanted, stem.substr(k, wanted.length)));
      }
      return { name: body[0], region: body[1], d: d, within: within, share: overlap(wanted, stem) };
    }).filter(function (c) {
      return c.d <= allowed || (c.within <= 1 && wanted.length >= 3) || c.share >= 0.75;
    }).sort(function (x, y) {
      return x.d - y.d || y.share - x.share || x.name.localeCompare(y.name, "zh-Hans-CN");
    }).slice(0, SUGGESTIONS);
  }

  async function loadBodies() {
    if (bodies) return bodies;
    var lists = await Promise.all(bundles.map(function (b) {
      return fetch(new URL("search/bodies.json", new URL(b.base, location.href)))
        .then(function (r) { return r.ok ? r.json() : { bodies: [] }; })
        .catch(function () { return { bodies: [] }; });
    }));
    bodies = [].concat.apply([], lists.map(function (l) { return l.bodies || []; }));
    return bodies;
  }

  async function suggest(words, mine) {
    await loadBodies();
    if (mine !== generation) return;
    var found = [], seen = {};
    [words.join("")].concat(words.length > 1 ? words : []).forEach(function (word) {
      closeBodies(word).forEach(function (c) { if (!seen[c.name]) { seen[c.name] = true; found.push(c); } });
    });
    suggestions.textContent = "";
    if (!found.length) { suggestions.hidden = true; return; }
    suggestions.appendChild(el("p", {}, "您是不是要找："));
    var list = el("ul", {});
    found.slice(0, SUGGESTIONS).forEach(function (c) {
      var item = el("li", {});
      var url = new URL(location.href);
      url.search = "";
      url.searchParams.set("q", c.name);
      item.appendChild(el("a", { href: url.pathname + url.search, "class": "gknb-suggest__name" }, c.name));
      if (c.region) item.appendChild(el("small", {}, " " + c.region));
      list.appendChild(item);
    });
    suggestions.appendChild(list);
    suggestions.hidden = false;
  }

  var generation = 0;
  async function run(event) {
    if (event) event.preventDefault();
    var query = input.value.trim();
    var asked = readQuery(query);
    if (asked.year && selects.year) {
      selects.year.value = asked.year;
      autoYear = asked.year;
    } else if (autoYear && selects.year && selects.year.value === autoYear) {
      selects.year.value = "";
      autoYear = "";
    }
    var chosen = chosenFilters();
    var url = new URL(location.href);
    url.search = "";
    if (query) url.searchParams.set("q", query);
    Object.keys(chosen).forEach(function (k) { if (!(k === "year" && chosen[k] === autoYear)) url.searchParams.set(k, chosen[k]); });
    if (params.get("scope")) url.searchParams.set("scope", params.get("scope"));
    history.replaceState(null, "", url);
    var mine = ++generation;
    results.textContent = "";
    note.hidden = true;
    suggestions.hidden = true;
    document.querySelectorAll(".gknb-more").forEach(function (b) { b.remove(); });
    if (!query && !Object.keys(chosen).length) { status.textContent = "输入检索词或选择筛选条件。"; return; }
    status.textContent = "检索中……";
    var hits = await searchAll(asked.words, chosen);
    if (mine !== generation) return;
    var notes = [];
    if (asked.year) notes.push("检索词中的年度 " + asked.year + " 已作为年度筛选条件。");
    if (!hits.length && asked.words.length) {
      suggest(asked.words, mine);
      var retry = await retryShorter(asked.words, chosen, mine);
      if (mine !== generation) return;
      if (retry) {
        hits = retry.hits;
        notes.push("没有找到“" + asked.words.join(" ") + "”，以下是“" + retry.words.join(" ") + "”的结果。");
      }
    }
    if (notes.length) { note.textContent = notes.join(" "); note.hidden = false; }
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
  var named = document.querySelector('meta[name="gknb-search-names"]');
  var names = named ? named.getAttribute("content").split("|") : [];
  var allBundles = ((listed && listed.getAttribute("content")) || "pagefind/").split(/\s+/).filter(Boolean)
    .map(function (path, i) {
      var url = new URL(path, siteRoot);
      return { path: url.pathname, base: new URL("..", url).pathname, key: path.split("/").slice(-3)[0],
               name: names[i] || path };
    });
  // Several shards (a split build): each merged index costs its own downloads on every query, so one
  // province is searched unless the reader asks for all (the site may make all the default:
  // gknb_national_search). The choice is the address's `scope` (a shard's key, or "all").
  var NATIONAL = "all";
  var national = document.querySelector('meta[name="gknb-search-national"]');
  var scope = params.get("scope") || (national ? NATIONAL : "");
  var bundles = allBundles.length < 2 || scope === NATIONAL ? allBundles
    : allBundles.filter(function (b) { return b.key === scope; });
  if (!bundles.length) bundles = allBundles.slice(0, 1);
  if (allBundles.length > 1) {
    var scopeSelect = el("select", { "aria-label": "检索范围", "data-scope": "" });
    allBundles.forEach(function (b) {
      var option = el("option", { value: b.key }, b.name);
      if (bundles.length === 1 && bundles[0].key === b.key) option.selected = true;
      scopeSelect.appendChild(option);
    });
    var all = el("option", { value: NATIONAL }, "全部 " + allBundles.length + " 个分片（每次检索下载的数据约多 " +
                 allBundles.length + " 倍）");
    if (bundles.length > 1) all.selected = true;
    scopeSelect.appendChild(all);
    scopeSelect.addEventListener("change", function () {
      var url = new URL(location.href);
      url.searchParams.set("scope", scopeSelect.value);
      location.assign(url);  // an index once merged cannot be left out again: load the page anew
    });
    var scopeLabel = el("label", { "class": "gknb-search__scope" }, "检索范围：");
    scopeLabel.appendChild(scopeSelect);
    root.insertBefore(scopeLabel, form);
  }

  async function loadTerms() {
    var lists = await Promise.all(bundles.map(function (b) {
      return fetch(new URL("search/terms.json", new URL(b.base, location.href)))
        .then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
    }));
    lists.forEach(function (t) {
      if (!t) return;
      REGION_LEVELS.forEach(function (level) { Object.assign(terms.regions[level], (t.regions || {})[level] || {}); });
      if (!terms.suffixes.length) terms.suffixes = t.suffixes || [];
    });
  }

  (async function () {
    try {
      pagefind = await import(new URL(bundles[0].path + "pagefind.js", siteRoot).href);
      await pagefind.options({ baseUrl: bundles[0].base });
      for (var i = 1; i < bundles.length; i++) {
        await pagefind.mergeIndex(bundles[i].path, { baseUrl: bundles[i].base });
      }
      var available = await Promise.all([pagefind.filters(), loadTerms()]);
      buildFilters(available[0]);
    } catch (error) {
      status.textContent = "检索索引不可用（构建时未运行 Pagefind？）";
      return;
    }
    form.addEventListener("submit", run);
    root.setAttribute("data-ready", "true");
    run();
  })();
})();
