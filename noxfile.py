"""The project's entry points: ``nox -s tests lint typecheck codegen docs bench demo``."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "typecheck", "codegen", "tests"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHON = "3.11"


def _group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (pass pytest arguments after ``--``)."""
    session.install("-e", ".[cli]", *_group("test"), *_group("codegen"))
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install(*_group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package, the generator, the typing tests and the examples."""
    session.install("-e", ".[cli]", *_group("typecheck"), *_group("codegen"))
    targets = ["src", "codegen", "tests/typing"]
    if __import__("pathlib").Path("examples").exists():
        targets.append("examples")
    session.run("mypy", *targets)


@nox.session(python=PYTHON)
def codegen(session: nox.Session) -> None:
    """Regenerate models and schemas (``-- --check`` fails on any difference)."""
    session.install("-e", ".", *_group("codegen"))
    session.run("python", "-m", "codegen", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run the benchmarks and publish them: docs/benchmarks.md and the README's table.

    ``nox -s bench -- bench_client bench_waiter`` re-runs only those scripts and merges
    their figures into the published ones.
    """
    session.install("-e", ".[cli]", *_group("bench"), *_group("test"), *_group("codegen"))
    session.run("python", "benchmarks/publish.py", "run", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site (mkdocs build --strict)."""
    session.install("-e", ".[cli]", *_group("docs"))
    session.run("mkdocs", "build", "--strict", *session.posargs)


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Run ``ic-sdk demo`` against the embedded LocalSageMaker."""
    session.install("-e", ".[cli]")
    session.run("ic-sdk", "demo", *session.posargs)
