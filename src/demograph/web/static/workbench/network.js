// Draw the partnership network the page embeds (the same rows as its table) with Cytoscape.
// A click on a node opens the page of that actor or partner.
(function () {
  "use strict";
  var graph = JSON.parse(document.getElementById("network-data").textContent);
  var container = document.getElementById("network");
  if (!graph.nodes.length) {
    container.hidden = true;
    return;
  }
  var COLOURS = { kommun: "#0b5cad", region: "#1d8a5a", lansstyrelse: "#b5541c",
                  myndighet: "#7a3fb0", civilsamhalle: "#b0306a", universitet: "#2b7f8c" };
  var cy = window.cytoscape({
    container: container,
    elements: graph.nodes.map(function (n) {
      return { data: { id: n.id, label: n.label, type: n.type, href: n.href } };
    }).concat(graph.edges.map(function (e, i) {
      return { data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight } };
    })),
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 120,
          "background-color": function (n) { return COLOURS[n.data("type")] || "#777"; },
          "width": 18, "height": 18, "text-valign": "bottom", "text-margin-y": 4 } },
      { selector: "edge", style: {
          "width": function (e) { return 1 + Math.min(e.data("weight"), 8); },
          "line-color": "#9fb3c8", "target-arrow-color": "#9fb3c8",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "opacity": 0.8 } },
    ],
    // A small network would otherwise be zoomed until its labels fill the screen.
    maxZoom: 1.4,
    minZoom: 0.2,
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 400000,
              idealEdgeLength: 160, padding: 40 },
  });
  cy.on("tap", "node", function (event) {
    var href = event.target.data("href");
    if (href) window.location.href = href;
  });
  window.demographNetwork = cy;
})();
