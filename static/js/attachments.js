// Uploads a post form's files as soon as they are chosen, each with its progress bar, so that
// the form sends only their ids; each can be removed before posting. Without this script the
// file input goes with the form and the server uploads the files then.
(function () {
  "use strict";

  function token(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function upload(fieldset, input, file) {
    var form = input.form;
    var list = fieldset.querySelector(".staged-files");
    var item = element("li", "uploading");
    var name = element("bdi", "", file.name);
    var bar = element("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    item.append(name, " ", bar);
    list.append(item);

    var body = new FormData();
    body.append("file", file);
    body.append("csrf_token", token(form));
    var request = new XMLHttpRequest();
    request.open("POST", fieldset.dataset.uploadUrl);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", token(form));
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
    });
    request.addEventListener("load", function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (error) { answer = {}; }
      bar.remove();
      if (request.status !== 201) {
        item.className = "upload-failed";
        item.append(element("span", "field-error", " " + input.dataset.labelFailed + ": " +
                            (answer.error || request.status)));
        return;
      }
      staged(item, input, answer, form);
    });
    request.addEventListener("error", function () {
      bar.remove();
      item.className = "upload-failed";
      item.append(element("span", "field-error", " " + input.dataset.labelFailed));
    });
    request.send(body);
  }

  function staged(item, input, answer, form) {
    item.className = "uploaded";
    var hidden = element("input");
    hidden.type = "hidden";
    hidden.name = "upload_ids";
    hidden.value = answer.id;
    item.prepend(hidden);
    if (answer.thumbnail) {
      var picture = element("img", "upload-thumbnail");
      picture.src = answer.thumbnail;
      picture.alt = "";
      item.prepend(picture);
    }
    item.append(element("span", "file-meta", " " + answer.size + " · " + answer.type + " "));
    var place = element("button", "link-button", input.dataset.labelInsert);
    place.type = "button";
    place.addEventListener("click", function () {
      var text = form.querySelector("textarea[name=body]");
      if (!text) return;
      var at = text.selectionStart || text.value.length;
      text.value = text.value.slice(0, at) + answer.markdown + text.value.slice(at);
      text.focus();
    });
    var remove = element("button", "link-button", input.dataset.labelRemove);
    remove.type = "button";
    remove.addEventListener("click", function () {
      item.remove();
      var request = new XMLHttpRequest();
      request.open("POST", answer.discard);
      request.setRequestHeader("X-CSRFToken", token(form));
      request.send(new FormData());
    });
    item.append(place, " ", remove);
  }

  document.querySelectorAll("fieldset[data-upload-url]").forEach(function (fieldset) {
    var input = fieldset.querySelector("input[type=file]");
    if (!input || !window.FormData) return;
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, function (file) { upload(fieldset, input, file); });
      input.value = ""; // sent already: the form must not send them again
    });
  });
})();
