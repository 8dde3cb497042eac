"""`synovia serve`: the web app."""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes. Above 1, set "
                                "SYNOVIA_REDIS_URL so rate limits hold across them (state "
                                "is otherwise shared through the database)."),
) -> None:
    """Serve the web app and JSON API."""
    import uvicorn

    from synovia.cli.common import err_console

    if workers > 1:
        from synovia.config import get_settings

        if not get_settings().redis_url:
            err_console.print("note: without SYNOVIA_REDIS_URL each worker keeps its own rate "
                              "limits")
        uvicorn.run("synovia.web.app:create_app", factory=True, host=host, port=port,
                    workers=workers, log_level="info")
        return
    from synovia.web.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")
