"""The `bookshare` command's operator tasks, run as a person would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BOOKSHARE = str(Path(sys.executable).parent / "bookshare")


def run(*args: str, data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BOOKSHARE_DATA_DIR": str(data_dir), "NO_COLOR": "1", "COLUMNS": "200"}
    for key in [k for k in env if k.endswith("_DATABASE_URL")]:
        del env[key]
    return subprocess.run([BOOKSHARE, *args], capture_output=True, text=True, env=env, input=stdin, timeout=120,
                          cwd=data_dir)


def test_the_first_admin_comes_from_the_command_line(tmp_path: Path) -> None:
    created = run("create-admin", "root", "--email", "root@example.org", "--password",
                  "correct horse battery staple 9", data_dir=tmp_path)
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("created root")
    again = run("create-admin", "root", "--password", "irrelevant", data_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("promoted root")


def test_a_refused_admin_account_says_which_field_is_wrong(tmp_path: Path) -> None:
    refused = run("create-admin", "bob", "--email", "not-an-email", "--password", "correct horse battery staple 9",
                  data_dir=tmp_path)
    assert refused.returncode != 0
    assert "email" in refused.stderr.lower()


def test_rotating_keys_keeps_the_previous_key_published(tmp_path: Path) -> None:
    first = run("rotate-keys", data_dir=tmp_path)
    second = run("rotate-keys", data_dir=tmp_path)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    first_kid = first.stdout.split("new signing key ")[1].split(";")[0]
    assert first_kid in second.stdout.split("published: ")[1]


def test_importing_a_catalogue_skips_bad_rows_and_is_idempotent(tmp_path: Path) -> None:
    books = tmp_path / "books.csv"
    books.write_text("isbn,title,authors\n9780141439518,Pride and Prejudice,Jane Austen\n123,Bad,Nobody\n")
    first = run("import-catalogue", str(books), data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "1 added" in first.stderr and "1 skipped" in first.stderr and "line 3" in first.stderr
    second = run("import-catalogue", str(books), data_dir=tmp_path)
    assert "0 added" in second.stderr and "1 unchanged" in second.stderr


def test_every_command_has_help(tmp_path: Path) -> None:
    for command in ("dev", "serve", "compose", "gateway", "explain", "create-admin", "rotate-keys",
                    "import-catalogue"):
        result = run(command, "--help", data_dir=tmp_path)
        assert result.returncode == 0 and "Usage" in result.stdout, command
