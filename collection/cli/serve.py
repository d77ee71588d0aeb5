"""``rasid serve``: the HTTP API on Flask's development server."""
from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Reload on code changes and show debugger pages.")
@click.pass_obj
def serve(ctx, host: str, port: int, debug: bool) -> None:
    """Serve the HTTP API for development. In production run:
    gunicorn -w 4 -b 0.0.0.0:8000 'collection.api:create_app()'"""
    from collection.api import create_app

    create_app({"DATABASE_URL": ctx.url}).run(host=host, port=port, debug=debug)
