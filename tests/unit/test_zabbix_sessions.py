"""The change sensor's Zabbix sessions: kept between ticks, opened again once when Zabbix ended
one, and never kept for another connection."""

from dataclasses import dataclass, field

import pytest

from nbzbx_dagster.defs.host_sync import zabbix_sessions
from nbzbx_dagster.zabbix.errors import ZabbixError


@dataclass
class Client:
    number: int
    closed: bool = False

    def close(self) -> None:
        self.closed = True


@dataclass(frozen=True)
class Connection:
    url: str
    opened: list = field(default_factory=list, compare=False, hash=False)

    def open(self) -> Client:
        self.opened.append(Client(len(self.opened) + 1))
        return self.opened[-1]


@pytest.fixture(autouse=True)
def no_sessions():
    yield
    zabbix_sessions._OPEN.clear()


def test_a_session_is_kept_between_ticks_and_opened_again_once_zabbix_ended_it() -> None:
    connection = Connection("http://zbx70")
    assert zabbix_sessions.with_session("zbx70", connection, lambda c: c.number) == 1
    assert zabbix_sessions.with_session("zbx70", connection, lambda c: c.number) == 1

    def ended(client: Client) -> int:
        if client.number == 1:
            raise ZabbixError("http://zbx70", "Session terminated, re-login, please.", kind="auth")
        return client.number

    assert zabbix_sessions.with_session("zbx70", connection, ended) == 2
    assert connection.opened[0].closed and len(connection.opened) == 2


def test_another_error_is_raised_and_the_next_tick_opens_a_new_session() -> None:
    connection = Connection("http://zbx70")

    def down(client: Client) -> int:
        raise ZabbixError("http://zbx70", "connection refused", kind="transport")

    with pytest.raises(ZabbixError, match="connection refused"):
        zabbix_sessions.with_session("zbx70", connection, down)
    assert len(connection.opened) == 1 and connection.opened[0].closed
    assert zabbix_sessions.with_session("zbx70", connection, lambda c: c.number) == 2


def test_a_changed_connection_gets_its_own_session() -> None:
    first, second = Connection("http://zbx70"), Connection("http://zbx70-new")
    zabbix_sessions.with_session("zbx70", first, lambda c: c)
    zabbix_sessions.with_session("zbx70", second, lambda c: c)
    assert first.opened[0].closed and len(second.opened) == 1
