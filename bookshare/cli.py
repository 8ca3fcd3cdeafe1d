"""The `bookshare` command."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bookshare.services import SUBGRAPHS

app = typer.Typer(help="Bookshare: share physical books. Run it, serve one part of it, compose its supergraph.",
                  no_args_is_help=True, add_completion=False)

Host = Annotated[str, typer.Option(help="Address to listen on.")]


@app.command()
def dev(
    host: Host = "127.0.0.1",
    data_dir: Annotated[Path, typer.Option(envvar="BOOKSHARE_DATA_DIR", help="Where the SQLite files live.")] = Path(
        ".data"),
) -> None:
    """Everything in one process: the gateway on :4000 and every subgraph, on SQLite and the in-process bus."""
    from bookshare.runner import run_dev

    asyncio.run(run_dev(host, data_dir))


@app.command()
def serve(
    service: Annotated[str, typer.Argument(help=f"One of: {', '.join(SUBGRAPHS)}.")],
    host: Host = "0.0.0.0",
    port: Annotated[int | None, typer.Option(help="Port (default: the service's own).")] = None,
) -> None:
    """One subgraph in this process, on the database and broker its environment names (as compose.yaml runs it)."""
    from bookshare.runner import serve_one

    if service not in SUBGRAPHS:
        raise typer.BadParameter(f"choose one of {', '.join(SUBGRAPHS)}", param_hint="SERVICE")
    serve_one(service, host, port)


@app.command()
def compose(
    output: Annotated[Path, typer.Option(help="Where to write the supergraph.")] = Path("schema/supergraph.graphql"),
    host: Annotated[str, typer.Option(help="Where the subgraphs listen.")] = "127.0.0.1",
    offline: Annotated[bool, typer.Option(help="Ask the subgraph apps in this process instead of over HTTP.")] = False,
) -> None:
    """Fetch every running subgraph's SDL and write the composed supergraph."""
    from bookshare.runner import compose_running
    from bookshare.supergraph_file import compose_offline
    from bookshare_common.settings import load_settings

    if offline:
        sdl = asyncio.run(compose_offline())
    else:
        urls = {name: f"http://{host}:{load_settings(name).port}/graphql" for name in SUBGRAPHS}
        sdl = asyncio.run(compose_running(urls, load_settings("gateway")))
    output.write_text(sdl)
    typer.echo(f"wrote {output}")


@app.command()
def gateway(
    supergraph: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="A supergraph SDL file.")],
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 4000,
    host: Host = "127.0.0.1",
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    auth_url: Annotated[str | None, typer.Option(envvar="BOOKSHARE_AUTH_URL",
                                                 help="The auth service, whose JWKS checks bearer tokens.")] = None,
) -> None:
    """A gateway on a supergraph composed elsewhere (for example by Apollo's tools)."""
    from bookshare.runner import serve_gateway

    serve_gateway(supergraph, host, port, workers, auth_url)


@app.command()
def explain(
    query: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A file holding the operation.")],
    supergraph: Annotated[Path, typer.Option(exists=True, dir_okay=False)] = Path("schema/supergraph.graphql"),
    operation_name: Annotated[str | None, typer.Option(help="Which operation of the document.")] = None,
) -> None:
    """Print the query plan the gateway makes for an operation."""
    from supergraph.explain import explain_plan

    typer.echo(explain_plan(supergraph.read_text(), query.read_text(), operation_name))


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Argument(help="The admin's username (an existing user is promoted).")],
    email: Annotated[str, typer.Option(help="Email for a new account.")] = "",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          envvar="BOOKSHARE_ADMIN_PASSWORD",
                                          help="Password for a new account (asked for when not given).")] = "",
) -> None:
    """Make the first admin: give a user the admin role, signing them up first if needed."""
    from bookshare_auth.entrypoints.cli import create_admin as run
    from bookshare_common.errors import BadUserInput

    try:
        result = asyncio.run(run(username, email, password))
    except BadUserInput as exc:
        field = (exc.extensions or {}).get("field")
        raise typer.BadParameter(exc.message, param_hint=field) from None
    verb = "created" if result["created"] else "promoted"
    typer.echo(f"{verb} {result['username']} ({result['id']}), roles: {', '.join(result['roles'])}")


@app.command("rotate-keys")
def rotate_keys() -> None:
    """Make a new signing key for access tokens; the previous one stays published until its tokens expire."""
    from bookshare_auth.entrypoints.cli import rotate_keys as run

    result = asyncio.run(run())
    typer.echo(f"new signing key {result['kid']}; published: {', '.join(result['published'])}")


@app.command("import-catalogue")
def import_catalogue(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV, TSV or JSON Lines file.")],
) -> None:
    """Import books into the catalogue (idempotent; bad rows are skipped and reported)."""
    from bookshare_metadata.entrypoints.cli import import_catalogue as run

    asyncio.run(run(path))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
