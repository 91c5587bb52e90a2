// Keeps what a member types in a form marked data-draft in this browser (localStorage) until
// the form has been sent, so that a failed send (an ended session, an old page, a lost
// connection) loses nothing. Loaded as a file: the pages allow no inline script.
(function () {
  "use strict";
  var PREFIX = "tabadul-draft:";
  var store;
  try {
    store = window.localStorage;
    store.setItem(PREFIX + "probe", "1");
    store.removeItem(PREFIX + "probe");
  } catch (error) {
    return; // private browsing, or storage turned off: the server still keeps drafts
  }

  function read(key) {
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  // A post's address (#post-N) is where the forum lands after a post was sent: what was
  // sent from this browser a moment ago has arrived, so its copies go. (A send that failed
  // and was followed much later by some post's address keeps its copy.)
  var ARRIVED_WITHIN = 2 * 60 * 1000;
  if (/^#post-\d+$/.test(window.location.hash)) {
    for (var index = store.length - 1; index >= 0; index -= 1) {
      var name = store.key(index);
      var saved = name && name.indexOf(PREFIX) === 0 ? read(name) : null;
      if (saved && saved.sent && Date.now() - saved.at < ARRIVED_WITHIN) {
        store.removeItem(name);
      }
    }
  }

  var forms = document.querySelectorAll("form[data-draft]");
  Array.prototype.forEach.call(forms, function (form) {
    var key = PREFIX + form.getAttribute("data-draft");
    var fields = form.querySelectorAll("textarea[name], input[type=text][name]");
    var saved = read(key);

    // Put the kept text back, but never over text the page already shows (the server's own
    // copy after a refused send, or a preview).
    var empty = Array.prototype.every.call(fields, function (field) {
      return !field.value.trim();
    });
    if (saved && saved.values && empty) {
      Array.prototype.forEach.call(fields, function (field) {
        if (typeof saved.values[field.name] === "string") {
          field.value = saved.values[field.name];
        }
      });
    }

    function keep(sent) {
      var values = {};
      var typed = false;
      Array.prototype.forEach.call(fields, function (field) {
        values[field.name] = field.value;
        typed = typed || field.value.trim() !== "";
      });
      if (!typed) {
        store.removeItem(key);
        return;
      }
      try {
        store.setItem(key, JSON.stringify({ values: values, sent: sent, at: Date.now() }));
      } catch (error) {
        // storage full: the server's copy remains
      }
    }

    form.addEventListener("input", function () {
      keep(false);
    });
    form.addEventListener("submit", function () {
      keep(true);
    });
  });
})();
