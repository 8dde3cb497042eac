"""`synovia serve`: the web app."""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
) -> None:
    """Serve the web app and JSON API."""
    import uvicorn

    from synovia.web.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")
