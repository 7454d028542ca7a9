// The query workbench: YASQE (editor) and YASR (results) from the bundled YASGUI, wired to
// this server. The page's address is the permalink: ?query=…&view=… (and lang) reproduce it.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("workbench-config").textContent);
  var Yasqe = window.Yasgui.Yasqe;
  var Yasr = window.Yasgui.Yasr;

  // IRIs this server describes open their local /doc/ page, as site.local_path maps them.
  var LOCAL = [[config.local.def, "/doc/def/"], [config.local.concept, "/doc/concept/"],
               [config.local.id, "/doc/"]];
  function localPath(iri) {
    for (var i = 0; i < LOCAL.length; i++) {
      var base = LOCAL[i][0];
      if (iri.indexOf(base) === 0 && iri.length > base.length) {
        var rest = iri.slice(base.length).split("/").map(encodeURIComponent).join("/");
        return LOCAL[i][1] + rest + (config.lang === "sv" ? "" : "?lang=" + config.lang);
      }
    }
    return null;
  }

  // Our prefixes, not prefix.cc's list: completion on PREFIX lines and auto-declaration of
  // dg:, dgc: … when they are typed. No persistence, so a changed vocabulary is never stale.
  var ours = Object.keys(config.prefixes).sort().map(function (p) {
    return p + ": <" + config.prefixes[p] + ">";
  });
  Yasqe.Autocompleters.prefixes.get = function () { return ours; };
  Yasqe.Autocompleters.prefixes.persistenceId = null;

  // Terms of our vocabulary and concept schemes, read from the store by /query/terms.json.
  // The IRI handling (prefixed name ↔ full IRI) is YASQE's own, borrowed from its class
  // completer, whose list comes from a remote service and so is not enabled here.
  var iriHandling = Yasqe.Autocompleters["class"];
  Yasqe.registerAutocompleter({
    name: "demograph",
    bulk: true,
    autoShow: true,
    persistenceId: null,
    get: function () {
      return fetch(config.terms).then(function (r) { return r.json(); })
        .then(function (doc) { return doc.terms.map(function (t) { return t.iri; }); });
    },
    isValidCompletionPosition: function (yasqe) {
      var token = yasqe.getCompleteToken();
      if (!token.string || token.string[0] === "?" || token.string[0] === "$") return false;
      var cursor = yasqe.getDoc().getCursor();
      if (/^\s*PREFIX/i.test(yasqe.getDoc().getLine(cursor.line))) return false;
      return /^(dgc?:|<https:\/\/w3id\.org\/demograph\/(def|concept)\/)/.test(token.string);
    },
    preProcessToken: iriHandling.preProcessToken,
    postProcessSuggestion: iriHandling.postProcessSuggestion,
  }, false);

  Yasr.plugins.table.defaults.openIriInNewWindow = false;

  var workbench = document.getElementById("workbench");
  document.getElementById("plain-query").hidden = true;
  workbench.hidden = false;

  var yasqe = new Yasqe(document.getElementById("yasqe"), {
    value: config.query,
    persistenceId: null,
    consumeShareLink: null,
    createShareableLink: null,
    editorHeight: "320px",
    autocompleters: ["prefixes", "variables", "demograph"],
    requestConfig: { endpoint: config.endpoint, method: "POST" },
  });
  var yasr = new Yasr(document.getElementById("yasr"), {
    persistenceId: null,
    prefixes: config.prefixes,
    defaultPlugin: config.view,
    pluginOrder: ["table", "response"],
  });

  function endpointUrl(format) {
    return config.endpoint + "?" + new URLSearchParams({ query: yasqe.getValue(), format: format });
  }

  function permalink() {
    var params = new URLSearchParams({ query: yasqe.getValue(), view: yasr.getSelectedPluginName() });
    if (config.lang !== "sv") params.set("lang", config.lang);
    return location.pathname + "?" + params;
  }

  function updateLinks() {
    document.getElementById("download-csv").href = endpointUrl("csv");
    document.getElementById("download-json").href = endpointUrl("json");
    document.getElementById("permalink").href = permalink();
  }

  // Each run is a step in history (Back returns to the previous query); a change of view
  // only rewrites the current address.
  var firstRun = true;
  yasqe.on("query", function () {
    var method = firstRun ? "replaceState" : "pushState";
    firstRun = false;
    history[method](null, "", permalink());
    updateLinks();
  });
  // The server's reason for refusing a query goes under the editor, and the line it names
  // ("error at 3:14") is marked, so the error shows where it occurs.
  var errorBox = document.getElementById("query-error");
  var markedLine = null;
  function showServerError(response) {
    if (markedLine !== null) yasqe.removeLineClass(markedLine, "background", "query-error-line");
    markedLine = null;
    // YASQE hands a refused query over as an Error whose message is the response body.
    if (!(response instanceof Error)) {
      errorBox.hidden = true;
      return;
    }
    var message = response.message;
    try { message = JSON.parse(message).error.message; } catch (e) { /* a plain-text body */ }
    errorBox.textContent = message;
    errorBox.hidden = false;
    var at = /error at (\d+):(\d+)/.exec(message);
    if (at) {
      markedLine = Math.max(0, parseInt(at[1], 10) - 1);
      yasqe.addLineClass(markedLine, "background", "query-error-line");
    }
  }
  yasqe.on("queryResponse", function (_yasqe, response, duration) {
    showServerError(response);
    yasr.setResponse(response, duration);
  });
  yasqe.on("change", updateLinks);
  yasr.on("change", function () {
    history.replaceState(null, "", permalink());
    updateLinks();
  });
  window.addEventListener("popstate", function () {
    var params = new URLSearchParams(location.search);
    if (params.has("query")) {
      yasqe.setValue(params.get("query"));
      yasqe.query().catch(function () {});
    }
  });

  // The table is redrawn on sorting and paging, so links are rewritten as they appear.
  new MutationObserver(function () {
    yasr.rootEl.querySelectorAll("a[href]").forEach(function (a) {
      var local = localPath(a.getAttribute("href"));
      if (local !== null) {
        a.setAttribute("href", local);
        a.removeAttribute("target");
      }
    });
  }).observe(yasr.rootEl, { childList: true, subtree: true });

  updateLinks();
  window.demographWorkbench = { yasqe: yasqe, yasr: yasr };
  if (config.run) yasqe.query().catch(function () {});
})();
