"""Maintenance windows: the registry, target resolution, creation and the cleanup."""

from nbzbx_dagster.maintenance.targets import MaintenanceError, MaintenanceTargets

__all__ = ["MaintenanceError", "MaintenanceTargets"]
