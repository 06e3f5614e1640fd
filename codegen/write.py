"""Stage 5: format, write (or compare), and delete what generation no longer produces."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["GENERATED_ROOTS", "check", "format_tree", "write"]

#: Directories (relative to the output root) that hold only generated files.
GENERATED_ROOTS = ("src/ic_sdk/models", "src/ic_sdk/schemas")


def format_tree(root: Path, pyproject: Path | None) -> None:
    """Run ruff's formatter over every Python file under ``root``."""
    cmd = [sys.executable, "-m", "ruff", "format", "--quiet"]
    if pyproject is not None:
        cmd += ["--config", str(pyproject)]
    subprocess.run([*cmd, str(root)], check=True)


def _materialize(files: Mapping[str, str], root: Path, pyproject: Path | None) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    format_tree(root, pyproject)


def _existing(root: Path) -> set[str]:
    out: set[str] = set()
    for top in GENERATED_ROOTS:
        base = root / top
        if base.exists():
            out.update(
                str(p.relative_to(root))
                for p in base.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts
            )
    return out


def write(files: Mapping[str, str], root: Path, pyproject: Path | None) -> tuple[int, int]:
    """Write ``files`` under ``root``; remove stale generated files. Returns (written, removed)."""
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        _materialize(files, staging, pyproject)
        written = 0
        for rel in files:
            new = (staging / rel).read_bytes()
            dest = root / rel
            if not dest.exists() or dest.read_bytes() != new:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(new)
                written += 1
    removed = 0
    for rel in sorted(_existing(root) - set(files)):
        (root / rel).unlink()
        removed += 1
    for top in GENERATED_ROOTS:
        for d in sorted((root / top).rglob("__pycache__"), reverse=True):
            shutil.rmtree(d, ignore_errors=True)
    return written, removed


def check(files: Mapping[str, str], root: Path, pyproject: Path | None) -> list[str]:
    """Differences between a fresh generation and ``root`` (empty when identical)."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        _materialize(files, staging, pyproject)
        for rel in sorted(files):
            new = (staging / rel).read_text(encoding="utf-8")
            dest = root / rel
            if not dest.exists():
                problems.append(f"missing: {rel}")
                continue
            old = dest.read_text(encoding="utf-8")
            if old != new:
                diff = difflib.unified_diff(
                    old.splitlines(), new.splitlines(), f"a/{rel}", f"b/{rel}", lineterm="", n=1
                )
                problems.append("\n".join(list(diff)[:40]))
        problems.extend(f"stale: {rel}" for rel in sorted(_existing(root) - set(files)))
    return problems
