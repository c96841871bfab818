"""Where the state store is: ``NBZBX_DATABASE_URL``, else a SQLite file; and how to show it."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url

HOME_ENV = "NBZBX_HOME"
DATABASE_ENV = "NBZBX_DATABASE_URL"


def mask_url(url: str) -> str:
    """A database URL with its password replaced by ***, safe for logs and errors."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", url)


def default_database_url(env: Mapping[str, str] = os.environ) -> str:
    """A SQLite file under ``NBZBX_HOME`` (default ~/.nbzbx)."""
    home = Path(env.get(HOME_ENV) or Path("~/.nbzbx")).expanduser().resolve()
    return f"sqlite:///{home / 'state.db'}"


def state_store_url(env: Mapping[str, str] = os.environ) -> str:
    """``NBZBX_DATABASE_URL``, else the default SQLite file; needs no NetBox or Zabbix variable."""
    return env.get(DATABASE_ENV, "").strip() or default_database_url(env)
