"""The NetBox layer: the only place that talks to NetBox (through pynetbox)."""

from nbzbx_dagster.netbox.client import Ensured, NetBoxClient
from nbzbx_dagster.netbox.errors import NetBoxError

__all__ = ["Ensured", "NetBoxClient", "NetBoxError"]
