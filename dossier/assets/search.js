/* The header's search box (theme/partials/dossier-search.html) over the Pagefind index that dossier/search.py
 * writes into the site's pagefind/ folder. Material's markup and look, Material's keyboard shortcuts (f, s or /
 * to search, arrows to move through the results, Enter to open the first, Escape to close).
 *
 * Nothing is fetched before the reader starts a search. Then: the index's state (pagefind/dossier-search.json),
 * Pagefind's script and WebAssembly, the chunks of the index holding the words typed, the fragments of the
 * results shown. Text in another language than the site's (a quote's English original, an English source) is
 * indexed in a bundle of its own (pagefind/en/), loaded as a second Pagefind: a Pagefind stems a query with the
 * WebAssembly of one language, so each language needs its own.
 *
 * A page of a list (the timeline, quotes, claims) is one Pagefind page whose headings are its records: each
 * result shows the record whose heading the best match is under, and links to it; the other matching records of
 * that page are under "n more on this page". On a source's page a match inside a cited passage links to the
 * passage. Results can be narrowed to one kind of record. */
(() => {
  "use strict";

  const root = document.querySelector("[data-dossier-search]");
  if (!root) return;
  const input = root.querySelector(".md-search__input");
  const form = root.querySelector("form");
  const meta = root.querySelector(".md-search-result__meta");
  const list = root.querySelector(".md-search-result__list");
  const bar = root.querySelector(".dossier-search-kinds");
  const toggle = document.getElementById("__search");
  // The site's words and kinds (assets/dossier/search-words.js, written for each site by dossier/search.py).
  const given = window.dossierSearch || { words: {}, kinds: ["page"], lists: [] };
  const strings = { ...JSON.parse(root.dataset.material || "{}"), ...given.words };
  const bundle = new URL(root.dataset.pagefind || "pagefind/", location.href);
  const site = new URL("../", bundle);
  const KINDS = given.kinds; // the filter's order
  const LISTS = new Set(given.lists); // pages whose headings are records
  const PAGE = 5; // results shown at a time (each needs its page's fragment of the index)
  const PASSAGE = /^p-\d+$/;

  const say = (key, n) => (strings[key] || key).replace("#", n).replace("{n}", n).replace("{lang}", n);

  class State extends Error {} // a reason not to search: "file", "missing", "indexing"

  // -- the engines: the site's Pagefind, and one per other language --------------------------------------------
  // Pagefind's script is fetched once and run as a separate module for each language (a Pagefind holds the
  // WebAssembly of one language); another language's is loaded only for a query with a word that its records
  // have (the manifest lists the first four letters of their words: dossier/search.py, _keys).
  let manifest = null;
  let script = null;
  const engines = new Map(); // language ("" for the site's) -> promise of a Pagefind

  async function ready() {
    if (location.protocol === "file:") throw new State("file");
    if (!manifest) {
      manifest = (async () => {
        const response = await fetch(new URL("dossier-search.json", bundle), { cache: "no-cache" });
        if (!response.ok) throw new State("missing");
        const found = await response.json();
        if (found.state !== "ready") throw new State("indexing");
        return found;
      })();
      manifest.catch(() => (manifest = null)); // asked again at the next search
    }
    return manifest;
  }

  function engine(lang) {
    if (!engines.has(lang)) {
      const loading = load(lang);
      loading.catch(() => engines.delete(lang));
      engines.set(lang, loading);
    }
    return engines.get(lang);
  }

  // Pagefind's script comes compressed (pagefind.js.gzip: 13 kB instead of 45, on a site served as is; see
  // dossier/search.py, SCRIPT_GZIP), as Pagefind's own WebAssembly and index do; as is where the browser cannot
  // decompress it, or the compressed copy is missing.
  async function fetchScript() {
    if (typeof DecompressionStream === "function") {
      try {
        const r = await fetch(new URL("pagefind.js.gzip", bundle));
        if (r.ok) return await new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).text();
      } catch (error) {
        console.debug("dossier search: pagefind.js.gzip:", error);
      }
    }
    const r = await fetch(new URL("pagefind.js", bundle));
    if (!r.ok) throw new Error(`pagefind.js: HTTP ${r.status}`);
    return r.text();
  }

  async function load(lang) {
    if (!script) {
      script = fetchScript();
      script.catch(() => (script = null)); // fetched again at the next search
    }
    const code = await script;
    const module = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    const pagefind = await import(module);
    URL.revokeObjectURL(module);
    const base = lang ? new URL(`${lang}/`, bundle) : bundle;
    // A word the index does not have is searched by its longest prefix that the index has ("conspiring" by the
    // Italian "con"): such matches, far from the word typed, rank well below the words themselves. And a record in
    // another language has the title of the record it belongs to, in the site's language: not to match there.
    const ranking = lang ? { termSimilarity: 5, metaWeights: { title: 0 } } : { termSimilarity: 5 };
    const options = { basePath: base.pathname, baseUrl: site.pathname, noWorker: true, excerptLength: 24, ranking };
    await pagefind.options(options);
    await pagefind.filters(); // loaded once, so that every search counts its results by kind
    return { lang, pagefind };
  }

  const words = (text) =>
    (text || "")
      .toLowerCase()
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 1);

  // -- searching ------------------------------------------------------------------------------------------------
  let generation = 0;
  let kind = ""; // the kind the results are narrowed to, or all
  let pending = []; // page results not shown yet
  let seen = new Set(); // addresses shown (a record may be found in two languages)

  async function run(query) {
    const mine = ++generation;
    delete root.dataset.shown;
    query = query.trim();
    pending = [];
    seen = new Set();
    if (!query) {
      bar.hidden = true;
      list.replaceChildren();
      meta.textContent = say("placeholder");
      root.dataset.shown = "";
      return;
    }
    const filters = kind ? { kind } : {};
    const terms = words(query);
    let responses;
    try {
      responses = await searchAll(query, terms, filters);
    } catch (error) {
      if (mine !== generation) return;
      const state = error instanceof State ? error.message : "error";
      if (!(error instanceof State)) console.warn("dossier search:", error);
      list.replaceChildren();
      bar.hidden = true;
      meta.textContent = say(state);
      root.dataset.shown = `${state}:${query}`;
      if (state === "indexing") setTimeout(() => mine === generation && run(input.value), 3000);
      return;
    }
    if (mine !== generation) return;
    const results = [];
    const totals = {};
    for (const { lang, response, covered } of responses) {
      for (const result of response.results) results.push({ result, lang, covered });
      for (const [value, count] of Object.entries(response.totalFilters?.kind || {}))
        totals[value] = (totals[value] || 0) + count;
    }
    results.sort((a, b) => b.covered - a.covered || b.result.score - a.result.score);
    kinds(totals);
    meta.textContent =
      results.length === 0 ? say("none") : results.length === 1 ? say("one") : say("other", results.length);
    list.replaceChildren();
    pending = results;
    await more(mine);
    if (mine === generation) root.dataset.shown = query; // what the results on screen answer (for tests)
  }

  // Pagefind ranks pages, and a page of the timeline holds a few hundred events: a page found by the title of one
  // of its records goes before pages that only mention the words (a match's weight is the heading level's).
  async function more(mine) {
    const batch = pending.splice(0, PAGE);
    const items = (await Promise.all(batch.map(({ result, lang, covered }) => item(result, lang, covered)))).filter(
      Boolean,
    );
    if (mine !== generation) return;
    items.sort((a, b) => b.covered - a.covered || b.score - a.score);
    list.querySelector(".dossier-search-more")?.remove();
    for (const { li } of items) list.append(li);
    if (pending.length) {
      const li = element("li", "md-search-result__item dossier-search-more");
      const button = element("button", "md-button", say("more"));
      button.type = "button";
      button.addEventListener("click", () => more(generation));
      li.append(button);
      list.append(li);
    }
  }

  // The site's index is searched for the query, and each word alone (its chunk is loaded already). Another
  // language's index is searched too when words the site's index does not know (no result, or only by a short
  // prefix: "conspiring" by the Italian "con", which term similarity keeps far below KNOWN) may be its words: the
  // language with the most of them (each index is 70 kB of WebAssembly). Pagefind leaves out of a query the words
  // its index does not have, and two indexes' scores are not comparable: the results of the index that knows more
  // of the query's words come first.
  const KNOWN = 1;

  async function searchAll(query, terms, filters) {
    const known = await ready();
    const main = await engine("");
    const [response, best] = await Promise.all([main.pagefind.search(query, { filters }), scores(main, terms)]);
    const unknown = terms.filter((term, i) => best[i] < KNOWN).map((term) => term.slice(0, 4));
    const hits = Object.entries(known.languages || {}).map(([lang, keys]) => {
      const listed = new Set(keys.split(" ")); // (one string per language: dossier/search.py, _keys)
      return [lang, unknown.filter((k) => listed.has(k)).length];
    });
    const most = Math.max(0, ...hits.map(([, n]) => n)); // the language(s) most of those words may belong to
    const langs = hits.filter(([, n]) => n > 0 && n === most).map(([lang]) => lang);
    const others = await Promise.all(
      langs.map(async (lang) => {
        const other = await engine(lang);
        const [found, top] = await Promise.all([other.pagefind.search(query, { filters }), scores(other, terms)]);
        return { lang, response: found, covered: share(top.map((score) => score > 0)) };
      }),
    );
    return [{ lang: "", response, covered: share(best.map((score) => score >= KNOWN)) }, ...others];
  }

  const scores = ({ pagefind }, terms) =>
    Promise.all(terms.map((term) => pagefind.search(term).then((r) => r.results[0]?.score ?? 0)));
  const share = (hits) => (hits.length ? hits.filter(Boolean).length / hits.length : 1);

  // The filter by kind: one button per kind among the results (Pagefind counts pages, not records: no counts).
  function kinds(totals) {
    const present = KINDS.filter((k) => totals[k]);
    if (present.length < 2 && !kind) {
      bar.hidden = true;
      return;
    }
    bar.replaceChildren(element("span", "dossier-search-kinds__label", say("kinds")));
    for (const value of ["", ...present]) {
      const button = element("button", "dossier-search-kind-filter", say(value ? `kinds.${value}` : "kinds.all"));
      button.type = "button";
      button.dataset.kind = value;
      button.setAttribute("aria-pressed", String(value === kind));
      button.addEventListener("click", () => {
        kind = value;
        run(input.value);
        input.focus();
      });
      bar.append(button);
    }
    bar.setAttribute("aria-label", say("kinds"));
    bar.hidden = false;
  }

  // -- one page's result: the records (or the page) it was found in -----------------------------------------------
  async function item(result, lang, covered) {
    const data = await result.data();
    const pageKind = data.filters?.kind?.[0] || "page";
    const marks = (data.anchors || [])
      .filter((a) => a.element === "mark" && PASSAGE.test(a.id))
      .map((a) => ({ id: a.id, start: a.location, end: a.location + count(a.text) }));
    const subs = data.sub_results?.length ? data.sub_results : [data];
    let entries = subs.map((sub) => entry(sub, data, marks));
    if (LISTS.has(pageKind)) {
      const records = entries.filter((e) => e.record);
      if (records.length) entries = records;
    }
    entries.sort((a, b) => b.score - a.score);
    entries = entries.filter((e) => !seen.has(e.url));
    if (!entries.length) return null;
    for (const e of entries) seen.add(e.url);
    const [first, ...rest] = entries;
    const li = element("li", "md-search-result__item");
    li.append(link(first, pageKind, data, lang, true));
    if (rest.length) {
      const details = element("details", "md-search-result__more");
      const summary = element("summary");
      summary.tabIndex = -1;
      summary.append(element("div", "", rest.length === 1 ? say("more.one") : say("more.other", rest.length)));
      details.append(summary, ...rest.map((e) => link(e, pageKind, data, lang, false)));
      li.append(details);
    }
    return { li, covered, score: result.score * Math.max(1, first.weight) };
  }

  function entry(sub, data, marks) {
    const located = sub.weighted_locations || [];
    const score = located.reduce((sum, l) => sum + (l.balanced_score || 0), 0);
    const weight = located.reduce((most, l) => Math.max(most, l.weight || 0), 0);
    const anchor = sub.anchor;
    const record = !!anchor && anchor.element !== "h1" && !anchor.id.startsWith("_");
    let url = anchor?.element === "h1" ? data.url : sub.url || data.url; // the page's own title: the page
    let passage = null;
    if (marks.length && located.length) {
      const best = located.reduce((a, b) => ((b.balanced_score || 0) > (a.balanced_score || 0) ? b : a));
      passage = marks.find((m) => m.start <= best.location && best.location < m.end) || null;
      if (passage) url = url.replace(/#.*$/, "") + `#${passage.id}`;
    }
    const title = clean(record ? sub.title : data.meta?.title || sub.title || url);
    return { url, title, excerpt: sub.excerpt || data.excerpt || "", score, weight, record, passage };
  }

  function link(e, pageKind, data, lang, main) {
    const a = element("a", "md-search-result__link");
    a.href = e.url;
    a.tabIndex = -1;
    const article = element(
      "article",
      `md-search-result__article md-typeset${main ? " md-search-result__article--document" : ""}`,
    );
    if (main) article.append(element("div", "md-search-result__icon md-icon"));
    const label = [say(`kind.${pageKind}`)];
    if (e.record && data.meta?.title) label.push(clean(data.meta.title));
    if (e.passage) label.push(say("passage", e.passage.id.slice(2)));
    if (lang) label.push(say("in", lang.toUpperCase()));
    const context = element("p", "dossier-search-context");
    context.append(element("span", "dossier-search-kind", label[0]));
    if (label.length > 1) context.append(` · ${label.slice(1).join(" · ")}`);
    const heading = element(main ? "h1" : "h2", "", e.title);
    const excerpt = element("p", "dossier-search-excerpt");
    excerpt.innerHTML = e.excerpt; // Pagefind's excerpt: the page's text, escaped, with <mark>s
    if (lang) excerpt.lang = lang;
    article.append(context, heading, excerpt);
    a.append(article);
    return a;
  }

  const count = (text) => (text || "").split(/\s+/).filter(Boolean).length;
  const clean = (text) => (text || "").replace(/\s*¶\s*$/, "").trim();

  function element(tag, className = "", text = "") {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // -- the box: opening, typing, keys ------------------------------------------------------------------------------
  const open = (state) => {
    if (toggle && toggle.checked !== state) toggle.click();
  };
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 120);
  });
  input.addEventListener("focus", () => {
    open(true);
    ready()
      .then(() => engine(""))
      .catch(() => {}); // the site's index starts loading while the reader types
  });
  toggle?.addEventListener("change", () => (toggle.checked ? input.focus() : input.blur()));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    list.querySelector(".md-search-result__link")?.click();
  });
  form.addEventListener("reset", () => {
    setTimeout(() => {
      kind = "";
      run("");
      input.focus();
    });
  });
  root.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("a.md-search-result__link")) open(false);
  });

  const editable = (node) =>
    node instanceof HTMLElement && (node.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(node.tagName));

  document.addEventListener("keydown", (event) => {
    if (event.metaKey || event.ctrlKey || event.altKey || event.isComposing) return;
    const active = document.activeElement;
    if (toggle?.checked) {
      if (event.key === "Enter" && active === input) {
        event.preventDefault();
        list.querySelector(".md-search-result__link")?.click();
      } else if (event.key === "Escape") {
        open(false);
        input.blur();
      } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
        const links = [input, ...list.querySelectorAll(":not(details) > a[href], summary, details[open] a[href]")];
        const at = Math.max(0, links.indexOf(active));
        links[(at + links.length + (event.key === "ArrowUp" ? -1 : 1)) % links.length].focus();
        event.preventDefault();
      } else if (event.key.length === 1 && active !== input && !editable(active) && !bar.contains(active)) {
        input.focus(); // typing goes to the box
      }
      return;
    }
    if (["f", "s", "/"].includes(event.key) && !editable(active)) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });
})();
