"""Zabbix technical host names from NetBox names.

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
