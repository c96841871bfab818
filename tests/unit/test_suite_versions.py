"""The integration suite runs on 6.0, 7.0 and the 8.0 contract endpoint, not on 7.2 and 7.4
(lab/services.py, SUITE_ZABBIX_VERSIONS). That is sound only while 7.2 and 7.4 take 8.0's code
paths and 8.0's contract refuses everything theirs refuse; these tests fail when either changes,
and then 7.2 or 7.4 belongs back in the suite."""

import pytest

from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_contract as contract
from nbzbx_dagster.zabbix.capabilities import ZabbixVersion

LEFT_OUT = [v for v in services.ZABBIX_VERSIONS if v not in services.SUITE_ZABBIX_VERSIONS]
NEWEST = services.SUITE_ZABBIX_VERSIONS[-1]


def flags(version: str) -> dict[str, object]:
    """Every decision ZabbixVersion makes for a version, by property name."""
    zv = ZabbixVersion.from_string(contract.VERSIONS[version])
    names = [n for n, v in vars(ZabbixVersion).items() if isinstance(v, property)]
    return {n: getattr(zv, n) for n in names if n != "release"}


def test_the_suite_leaves_out_only_contract_versions_older_than_its_newest() -> None:
    assert LEFT_OUT == ["7.2", "7.4"]
    assert NEWEST == services.CONTRACT_VERSIONS[-1] == "8.0"
    assert set(services.REAL_ZABBIX_VERSIONS) <= set(services.SUITE_ZABBIX_VERSIONS)


@pytest.mark.parametrize("version", LEFT_OUT)
def test_a_left_out_version_takes_the_newest_versions_code_paths(version: str) -> None:
    assert len(flags(version)) >= 8
    assert flags(version) == flags(NEWEST)


@pytest.mark.parametrize("version", LEFT_OUT)
def test_the_newest_contract_refuses_or_strips_all_a_left_out_version_does(version: str) -> None:
    at, newest = contract.version_key(version), contract.version_key(NEWEST)
    active = [rule for rule in contract.RULES if rule.since <= at]
    assert active, "a contract version with no rule of its own proves nothing"
    for rule in active:
        for method in rule.methods:
            params = {name: 1 for name in rule.params}
            request = {"jsonrpc": "2.0", "method": method, "params": params, "id": 1}
            if rule.ignored:  # stripped instead, by the newest contract too
                assert contract.lenient(version, request)[1], rule
                assert contract.lenient(NEWEST, request)[1], rule
                continue
            assert contract.violation(version, request) is not None, rule
            assert contract.violation(NEWEST, request) is not None, rule
    assert newest >= at
    assert newest >= contract.AUTH_REMOVED
