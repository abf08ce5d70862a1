"""GridOps: the Dash app (pages, shell, routes). ``python app.py`` serves it; gunicorn uses ``server``."""

from __future__ import annotations

import dash
from dash import Dash, html

import api
import callbacks  # noqa: F401  (registers every callback)
from callbacks import routes
from settings import get_settings

settings = get_settings()
app = Dash(
    __name__,
    use_pages=True,
    pages_folder="pages",
    title="网格治理一张图",
    update_title=None,
    suppress_callback_exceptions=True,
)
server = app.server
app.layout = html.Div(dash.page_container, id="shell")
routes.register(server)
api.register(server)

if __name__ == "__main__":
    print(f"GridOps on http://{settings.host}:{settings.port}/", flush=True)
    app.run(host=settings.host, port=settings.port, debug=settings.debug, dev_tools_hot_reload=False)
