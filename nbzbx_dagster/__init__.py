"""Keeps NetBox and Zabbix consistent, as a Dagster project."""
