"""GET /docs: Swagger UI served from the service itself, so it works on a campus network with no internet.

FastAPI's own /docs page loads Swagger UI's scripts from a CDN and is blank offline. The `swagger-ui-bundle-v2`
package ships Swagger UI's distribution files (5.x, which reads the OpenAPI 3.1 document FastAPI writes); they are
served under /docs/assets. ReDoc has no such package, so /redoc is off rather than blank.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"


def serve_docs(app: FastAPI) -> None:
    """Add /docs and its assets to an app built with docs_url=None and redoc_url=None."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount(ASSETS_PATH, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get(DOCS_PATH, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} - API",
                                   swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS_PATH}/favicon-32x32.png")
