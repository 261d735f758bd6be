// Starts Swagger UI on this service's own document. A file, not an inline script: the page's
// Content-Security-Policy allows scripts from this origin only.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "openapi.json", // relative: works under an API Gateway stage prefix too
    dom_id: "#reference",
    deepLinking: true,
    validatorUrl: null, // no badge fetched from another host
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
  });
});
