/**
 * The API's documentation beside the local API: `/openapi.json` (the adapters' document, read as
 * it is on every request) and an interactive reference at `/docs`, Swagger UI from the
 * swagger-ui-dist package, served from here: the page loads nothing from elsewhere, and its
 * "Try it out" calls this very stack.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { Site } from "./http-gateway.ts";

export const DOCS_PATH = "/docs";
export const OPENAPI_PATH = "/openapi.json";

const OPENAPI_FILE = fileURLToPath(import.meta.resolve("@movies/adapters-lambda/openapi.json"));
const SWAGGER_UI_DIR = path.dirname(
  fileURLToPath(import.meta.resolve("swagger-ui-dist/package.json")),
);

/** The renderer's files the page loads, by name under /docs/, with their media type. */
const ASSETS: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Movies API</title>
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script>
      // The document has no servers: "Try it out" calls the origin that serves it, this stack.
      window.ui = SwaggerUIBundle({
        url: "${OPENAPI_PATH}",
        dom_id: "#swagger-ui",
        deepLinking: true,
        presets: [SwaggerUIBundle.presets.apis],
        layout: "BaseLayout",
        validatorUrl: null,
      });
    </script>
  </body>
</html>
`;

const page = (contentType: string, body: Buffer | string): APIGatewayProxyResult => ({
  statusCode: 200,
  headers: { "Content-Type": contentType, "Cache-Control": "no-cache" },
  body: Buffer.from(body).toString("base64"),
  isBase64Encoded: true,
});

/** The documentation pages; every other request is left to the API. */
export const docsSite: Site = async (method, pathname) => {
  if (method !== "GET" && method !== "HEAD") return undefined;
  if (pathname === DOCS_PATH || pathname === `${DOCS_PATH}/`) {
    return page("text/html; charset=utf-8", PAGE);
  }
  if (pathname === OPENAPI_PATH) {
    return page("application/json", await readFile(OPENAPI_FILE));
  }
  const asset = pathname.startsWith(`${DOCS_PATH}/`)
    ? pathname.slice(DOCS_PATH.length + 1)
    : undefined;
  const contentType = asset === undefined ? undefined : ASSETS[asset];
  if (asset === undefined || contentType === undefined) return undefined;
  return page(contentType, await readFile(path.join(SWAGGER_UI_DIR, asset)));
};
