"""Zabbix technical host names from NetBox names, and the tag that marks the project's hosts.

Zabbix allows only letters, digits, spaces, dots, dashes and underscores in a technical host name
(at most 128 characters); the visible name keeps the NetBox name as it is. Accents are folded
("Zürich" -> "Zurich"); any other character becomes "_", so the result is stable for a name.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 128
_NOT_ALLOWED = re.compile(r"[^0-9A-Za-z _.\-]")


def technical_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    cleaned = _NOT_ALLOWED.sub("_", folded).strip()
    return cleaned[:MAX_LENGTH] or "_"


def marker_tag(tag_prefix: str) -> str:
    """The tag whose value names the host config (``device-12``) of a Zabbix host the project
    manages: it created or adopted the host. Only marked hosts are ever disabled or deleted."""
    return f"{tag_prefix}.host_config"
