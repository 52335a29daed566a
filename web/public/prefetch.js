// Starts the first requests while the UI's bundle is still loading (index.html runs this before it): the release and
// model lists and, when the address names a model (#model=ID), its graph in the UI view. main.ts takes the responses
// over (takePrefetched and friends); the URLs are those of api.releases(), api.models() and api.graph().
(function () {
  var id = new URLSearchParams(location.hash.slice(1)).get("model");
  var started = { releases: fetch("/api/releases"), models: fetch("/api/models") };
  if (id && /^[0-9]+$/.test(id)) {
    started.id = id;
    started.graph = fetch("/api/models/" + id + "/graph?view=ui");
  }
  window.__trtlensPrefetch = started;
})();
