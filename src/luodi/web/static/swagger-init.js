// Swagger UI set up from a file, not an inline script: the site's CSP allows no inline scripts.
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (req) {
      // Writes need the session's CSRF token; the API hands it out at /api/session.
      if (window.luodiCsrf && req.method !== "GET") { req.headers["X-CSRF-Token"] = window.luodiCsrf; }
      return req;
    }
  });
  fetch("/api/session", { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (s) { window.luodiCsrf = s.csrf_token; })
    .catch(function () {});
});
