/* A search form (method GET) whose fields hold an 18-digit ID number or a mobile number is sent by POST
   instead, so the number never appears in a URL, the browser history or an access log. The server keeps
   the search in the session and shows the list as ?_s=<token> (yuncheng/personal_numbers.py). */
(function () {
  "use strict";
  var ID_NUMBER = /(^|[^0-9])[1-9][0-9]{16}[0-9Xx]($|[^0-9A-Za-z])/;
  var MOBILE = /(^|[^0-9])1[3-9][0-9]{9}($|[^0-9])/;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function hidden(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "get").toLowerCase() !== "get") {
      return;
    }
    var personal = Array.prototype.some.call(form.elements, function (field) {
      return typeof field.value === "string" && (ID_NUMBER.test(field.value) || MOBILE.test(field.value));
    });
    if (!personal) { return; }
    form.method = "post";
    hidden(form, "_personal_search", "1");
    hidden(form, "csrfmiddlewaretoken", csrfToken());
  }, true);
})();
