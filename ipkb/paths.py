"""Where the KB folder and its compiled database live."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ipkb.errors import KbNotFound

KB_SUBDIRS = ("entities", "relations", "facts")


def bundled_kb() -> Path | None:
    """The KB shipped with ipkb: inside the wheel, or beside the package in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "kb", here.parent / "kb"):
        if (candidate / "schema.yaml").is_file():
            return candidate
    return None


def resolve_kb(option: str | Path | None) -> Path:
    """`--kb`, then `$IPKB_KB`, then the bundled KB."""
    chosen = option or os.environ.get("IPKB_KB")
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_dir():
            raise KbNotFound(f"knowledge base folder not found: {path}", hint="pass --kb DIR or set IPKB_KB")
        if not (path / "schema.yaml").is_file():
            raise KbNotFound(
                f"{path} is not an ipkb knowledge base (no schema.yaml)",
                hint="a KB folder holds schema.yaml, entities/ and relations/",
            )
        return path.resolve()
    bundled = bundled_kb()
    if bundled is None:
        raise KbNotFound("no knowledge base given and none bundled", hint="pass --kb DIR or set IPKB_KB")
    return bundled


def yaml_files(kb: Path) -> list[Path]:
    """schema.yaml and every *.yaml under the KB's record folders, in a stable order."""
    files = [kb / "schema.yaml"]
    for sub in KB_SUBDIRS:
        folder = kb / sub
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*.yaml") if p.is_file())
    return files


def default_db(kb: Path) -> Path:
    """One database per KB folder in the user cache (honours XDG_CACHE_HOME)."""
    from platformdirs import user_cache_path

    digest = hashlib.sha256(str(kb).encode()).hexdigest()[:16]
    return user_cache_path("ipkb") / f"{kb.name}-{digest}.sqlite"


def resolve_db(option: str | Path | None, kb: Path) -> Path:
    chosen = option or os.environ.get("IPKB_DB")
    return Path(chosen).expanduser().resolve() if chosen else default_db(kb)
