// Starts GraphiQL (vendored in ./graphiql) on the page of one endpoint: the explorer plugin,
// a headers editor whose headers (the bearer token) persist, and storage of its own per
// endpoint, so the staff and the portal pages never share a token or tabs.
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var endpoint = new URL(root.dataset.endpoint, window.location.href);
  var socket = new URL(endpoint.href);
  socket.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  var welcome = [
    "# Switchboard " + root.dataset.title + " (" + endpoint.pathname + ")",
    "#",
    "# 1. Run the login mutation below with your e-mail and password (and totpCode when you",
    "#    have an authenticator).",
    "# 2. Put its token in Headers (below the editor), then query away:",
    '#      { "Authorization": "Bearer sb_…" }',
    "#    The headers are kept in this browser for this endpoint until you clear them.",
    "# Ctrl-Enter runs the operation; the explorer (compass icon) builds one by clicking.",
    "",
    "mutation {",
    '  login(email: "you@example.com", password: "") {',
    "    token",
    "    expiresAt",
    "    errors { code field message }",
    "  }",
    "}",
    "",
  ].join("\n");

  var fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: socket.href, // the editor's headers go along as the connection's parameters
    headers: { Accept: "application/graphql-response+json, application/json;q=0.9" },
  });

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      storage: GraphiQL.createLocalStorage({ namespace: root.dataset.storage }),
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultQuery: welcome,
      defaultHeaders: "{}",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: "headers",
    }),
  );
})();
