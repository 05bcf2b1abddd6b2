"""`backlogsmith app`: the review UI, on 127.0.0.1 unless sharing is asked for and login is configured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from assistant.cli import common

SCRIPT = Path(__file__).resolve().parents[1] / "ui" / "main.py"


def streamlit_command(host: str, port: int) -> list[str]:
    """The Streamlit invocation; flags on the command line win over any config.toml (which may not be found when
    the command runs outside the checkout)."""
    return [sys.executable, "-m", "streamlit", "run", str(SCRIPT), "--server.address", host, "--server.port",
            str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--global.developmentMode", "false"]


def register(app: typer.Typer) -> None:
    @app.command("app")
    def app_(
        ctx: typer.Context,
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. Anything but loopback needs "
                                 "login: the auth and roles tables in .streamlit/secrets.toml."),
        port: int = typer.Option(8501, "--port", min=1, max=65535, help="Port to listen on."),
    ) -> None:
        """Open the review UI (private: 127.0.0.1 only unless --host, which needs OIDC login configured)."""
        from assistant.access import check_host, read_secrets, secrets_paths

        check_host(host, read_secrets(secrets_paths(Path.cwd())))
        settings = common.options(ctx).settings()
        env = dict(os.environ, BACKLOGSMITH_WORKSPACE=str(settings.workspace.expanduser().resolve()))
        for name, value in (("BACKLOGSMITH_LLM", settings.llm), ("BACKLOGSMITH_MODEL", settings.model)):
            if value:
                env[name] = value
        common.console.print(common.text(f"backlogsmith UI on http://{host}:{port} (Ctrl-C stops it)"))
        raise typer.Exit(subprocess.call(streamlit_command(host, port), env=env))
