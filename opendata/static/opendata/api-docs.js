// Swagger UI for /api/docs/, started from a file so the site's CSP (script-src 'self') holds.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    supportedSubmitMethods: ["get", "head"],
  });
})();
