// Starts Swagger UI on the API documentation page (/api/docs/). A file, not an inline script,
// because the Content-Security-Policy refuses inline scripts; the page passes the schema's
// address and the CSRF token in data attributes.
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  const csrfHeader = root.dataset.csrfHeader;
  const csrfToken = root.dataset.csrfToken;

  // "Try it out" is sent with the page's session cookie, so writes need the CSRF token as the
  // pages' own requests do.
  function requestInterceptor(request) {
    if (request.method && request.method !== "GET") {
      request.headers[csrfHeader] = csrfToken;
    }
    return request;
  }

  window.ui = window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // The public validator badge would call validator.swagger.io, outside the network.
    validatorUrl: null,
    requestInterceptor: requestInterceptor,
  });
})();
