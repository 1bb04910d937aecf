/* kb static site: the language switch, and offline search over static/search-index.js.
   No request leaves the site; the index is a script, so search works from file:// too. */
(function () {
  "use strict";
  var root = document.documentElement;
  function setUi(lang) {
    root.setAttribute("data-ui", lang);
    try { localStorage.setItem("kb-ui", lang); } catch (e) { /* private mode */ }
  }
  var saved = null;
  try { saved = localStorage.getItem("kb-ui"); } catch (e) { /* private mode */ }
  setUi(saved || ((navigator.language || "").toLowerCase().indexOf("zh") === 0 ? "zh" : "en"));
  var button = document.querySelector("[data-lang-switch]");
  if (button) {
    button.addEventListener("click", function () { setUi(root.getAttribute("data-ui") === "zh" ? "en" : "zh"); });
  }

  /* Tokens exactly as kb.publish.tokens cuts the pages: lower-cased words, Chinese character bigrams. */
  var HAN = /[\u3400-\u9fff]/;
  function tokens(text) {
    text = text.toLowerCase().replace(/[\u3400-\u9fff]+/g, function (run) {
      if (run.length === 1) { return " " + run + " "; }
      var grams = [];
      for (var i = 0; i < run.length - 1; i++) { grams.push(run.slice(i, i + 2)); }
      return " " + grams.join(" ") + " ";
    });
    var out = [];
    text.split(/\s+/).forEach(function (part) {
      if (!part) { return; }
      if (HAN.test(part)) { out.push(part); return; }
      (part.match(/[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z0-9]/g) || []).forEach(function (w) { out.push(w); });
    });
    return out.filter(function (t, i) { return out.indexOf(t) === i; });
  }

  function postings(index, token) {
    if (HAN.test(token) && token.length === 1) {  /* one character: every bigram holding it */
      var set = {};
      Object.keys(index).forEach(function (k) {
        if (k.indexOf(token) >= 0) { index[k].forEach(function (p) { set[p] = true; }); }
      });
      return Object.keys(set).map(Number);
    }
    return index[token] || [];
  }

  function search(query) {
    var data = window.KB_SEARCH;
    var toks = tokens(query);
    if (!data || !toks.length) { return []; }
    var hits = null;
    toks.forEach(function (t) {
      var p = postings(data.index, t);
      hits = hits === null ? p.slice() : hits.filter(function (x) { return p.indexOf(x) >= 0; });
    });
    return (hits || []).map(function (i) { return data.pages[i]; });
  }

  var form = document.getElementById("kb-search");
  if (form) {
    var q = document.getElementById("kb-q");
    var list = document.getElementById("kb-results");
    var count = document.getElementById("kb-count");
    var params = new URLSearchParams(window.location.search);
    function show(query) {
      list.textContent = "";
      var found = search(query);
      count.textContent = query ? found.length + " / " + query : "";
      found.slice(0, 200).forEach(function (page) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = page[0];
        a.textContent = page[1];
        li.appendChild(a);
        if (page[2]) {
          var span = document.createElement("span");
          span.className = "second";
          span.textContent = " " + page[2];
          li.appendChild(span);
        }
        list.appendChild(li);
      });
    }
    q.value = params.get("q") || "";
    show(q.value);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(q.value));
      show(q.value);
    });
  }
})();
