// Live progress of an import job: poll its status JSON every 2 seconds until it is done.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.done === "1") { return; }
  var url = box.dataset.statusUrl;

  function show(state) {
    box.querySelectorAll("[data-field]").forEach(function (el) {
      var name = el.dataset.field;
      if (name === "progress") {
        el.max = state.total || Math.max(state.read, 1);
        el.value = state.read;
      } else if (state[name] !== undefined && state[name] !== null) {
        el.textContent = state[name];
      }
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        show(state);
        if (state.done) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();
