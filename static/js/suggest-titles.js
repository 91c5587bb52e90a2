// The new-thread form: while the title is typed, list existing threads with a similar title
// (from /search/titles), so that a question asked before is found before it is asked again.
// Optional: without this script the form works the same, without the list.
(function () {
  "use strict";
  var box = document.getElementById("title-suggestions");
  var input = document.getElementById("title");
  if (!box || !input || !window.fetch) { return; }
  var timer = null;
  var asked = "";

  function show(threads) {
    box.textContent = "";
    if (!threads.length) { box.hidden = true; return; }
    var heading = document.createElement("p");
    heading.textContent = box.dataset.heading;
    var list = document.createElement("ul");
    threads.forEach(function (thread) {
      var link = document.createElement("a");
      link.href = thread.url;
      link.textContent = thread.title;  // text, never HTML
      link.dir = "auto";
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(heading);
    box.appendChild(list);
    box.hidden = false;
  }

  function ask() {
    var text = input.value.trim();
    if (text === asked) { return; }
    asked = text;
    if (text.length < 3) { show([]); return; }
    fetch(box.dataset.source + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {threads: []}; })
      .then(function (data) { if (input.value.trim() === text) { show(data.threads || []); } })
      .catch(function () { show([]); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 300);
  });
})();
