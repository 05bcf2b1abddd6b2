"""`backlogsmith app`: the review UI, on 127.0.0.1 unless sharing is asked for and login is configured."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from assistant.cli import common

SCRIPT = Path(__file__).resolve().parents[1] / "ui" / "main.py"


def streamlit_command(host: str, port: int, shared: bool = False) -> list[str]:
    """The Streamlit invocation; flags on the command line win over any config.toml (which may not be found when
    the command runs outside the checkout). Shared, a crash shows visitors its type only (no server paths); the
    traceback goes to the server's console."""
    return [sys.executable, "-m", "streamlit", "run", str(SCRIPT), "--server.address", host, "--server.port",
            str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--global.developmentMode", "false",
            "--client.showErrorDetails", "type" if shared else "full"]


def register(app: typer.Typer) -> None:
    @app.command("app")
    def app_(
        ctx: typer.Context,
        host: Optional[str] = typer.Option(None, "--host", help="Address to listen on (or BACKLOGSMITH_UI_HOST; "
                                           "default 127.0.0.1). Anything but loopback needs login: the auth and "
                                           "roles tables in .streamlit/secrets.toml."),
        port: int = typer.Option(8501, "--port", min=1, max=65535, help="Port to listen on."),
    ) -> None:
        """Open the review UI (private: 127.0.0.1 only unless --host, which needs OIDC login configured)."""
        from assistant.access import (
            auth_configured,
            check_host,
            is_loopback,
            read_secrets,
            secrets_paths,
        )

        settings = common.options(ctx).settings()
        host = settings.ui_host if host is None else host
        secrets = read_secrets(secrets_paths(Path.cwd()))
        check_host(host, secrets)
        shared = not is_loopback(host) or auth_configured(secrets)
        env = dict(os.environ, BACKLOGSMITH_WORKSPACE=str(settings.workspace.expanduser().resolve()))
        for name, value in (("BACKLOGSMITH_LLM", settings.llm), ("BACKLOGSMITH_MODEL", settings.model)):
            if value:
                env[name] = value
        common.console.print(common.text(f"backlogsmith UI on http://{host}:{port} (Ctrl-C stops it)"))
        sys.stdout.flush()
        # Become Streamlit (exec, not a child): a stop signal then reaches the server itself, never leaving an
        # orphan listening on the port.
        command = streamlit_command(host, port, shared)
        os.execve(command[0], command, env)
