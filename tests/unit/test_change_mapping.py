"""What NetBox change-log entries mean for the host configs (``sync.changes``), and the change
sensor's cursor."""

from collections.abc import Collection
from dataclasses import replace

from nbzbx_dagster.defs.host_sync.change_cursor import ChangeCursor, Pending
from nbzbx_dagster.netbox.changelog import ChangeBatch, ObjectChange
from nbzbx_dagster.sync.changes import affected, in_words

DEVICE = {"name": "sw-zürich-01", "site": 2, "custom_fields": {"zabbix_hostid": None}}


def change(
    kind: str, object_id: int, action: str = "update", name: str = "x", **data
) -> ObjectChange:
    before = data.get("before", {})
    after = data.get("after", {})
    return ObjectChange(
        1, "2026-12-02T21:00:00Z", "admin", action, kind, object_id, name, before, after
    )


def owners(ids: Collection[int]) -> dict[int, list[str]]:
    return {9: ["vm-1"], 10: ["device-3", "device-4"]}


def users_of(filter_name: str, object_id: int) -> list[str]:
    assert (filter_name, object_id) in {("site_id", 2), ("tag_id", 5)}, (filter_name, object_id)
    return [f"device-{n}" for n in range(100, 104)]


def test_a_device_edit_names_its_key_and_the_write_back_names_none() -> None:
    edited = change(
        "dcim.device", 7, name="sw-zürich-01", before=DEVICE, after={**DEVICE, "site": 3}
    )
    written_back = change(
        "dcim.device",
        8,
        before={**DEVICE, "last_updated": "a"},
        after={
            **DEVICE,
            "last_updated": "b",
            "custom_fields": {"zabbix_hostid": 10500, "zabbix_sync_status": "in_sync"},
        },
    )
    created = change("virtualization.virtualmachine", 2, "create", name="vm-new")
    found = affected([edited, written_back, created], owners, users_of)
    assert found.keys == {"device-7", "vm-2"}
    assert found.ignored == 1 and found.full is None
    assert found.seen == ["sw-zürich-01 (device updated)", "vm-new (vm created)"]


def test_an_address_names_the_host_configs_whose_primary_ip_it_is() -> None:
    moved = change("ipam.ipaddress", 10, name="192.0.2.10/24")
    deleted = change("ipam.ipaddress", 9, "delete", name="192.0.2.9/24")
    nobodys = change("ipam.ipaddress", 11, name="192.0.2.11/24")
    new = change("ipam.ipaddress", 12, "create", name="192.0.2.12/24")
    found = affected([moved, deleted, nobodys, new], owners, users_of)
    assert found.keys == {"vm-1", "device-3", "device-4"}
    assert "IP address 192.0.2.10/24 updated: 2 host configs" in found.seen
    assert "IP address 192.0.2.9/24 deleted: 1 host config" in found.seen
    assert found.ignored == 2


def test_a_renamed_site_names_its_users_and_a_description_names_none() -> None:
    renamed = change(
        "dcim.site",
        2,
        name="Lab B",
        before={"name": "Lab A", "slug": "lab-a"},
        after={"name": "Lab B", "slug": "lab-a"},
    )
    described = change(
        "extras.tag",
        5,
        before={"name": "Web", "description": ""},
        after={"name": "Web", "description": "web servers"},
    )
    found = affected([renamed, described], owners, users_of)
    assert found.keys == {f"device-{n}" for n in range(100, 104)}
    assert found.seen == ["site Lab B name changed: 4 host configs"]
    assert found.ignored == 1


def test_what_cannot_be_mapped_asks_for_a_full_refresh_saying_why() -> None:
    field = change(
        "extras.customfield",
        4,
        "update",
        name="Owner",
        before={"name": "owner"},
        after={"name": "owner_team"},
    )
    assert affected([field], owners, users_of).full == "custom field owner_team updated"
    # the import's own field: its entry is named by its label
    own = change(
        "extras.customfield",
        5,
        "create",
        name="Zabbix templates",
        after={"name": "zabbix_templates"},
    )
    choices = change("extras.customfieldchoiceset", 6, name="zabbix_templates")
    assert affected([own, choices], owners, users_of).full is None
    gone = change("dcim.platform", 3, "delete", name="Cisco IOS")
    found = affected([gone], owners, users_of)
    assert found.full == "platform Cisco IOS deleted: its host configs are not known"
    emptied = change("dcim.site", 6, "delete", name="Lab Z")  # NetBox protects a used one
    assert affected([emptied], owners, users_of).full is None
    batch = ChangeBatch([gone], False, False)
    assert in_words(batch, found) == (
        "NetBox: 1 change → full refresh: platform Cisco IOS deleted:"
        " its host configs are not known"
    )


def test_interfaces_and_journal_entries_name_nothing() -> None:
    found = affected(
        [change("dcim.interface", 1), change("extras.journalentry", 2, "create")], owners, users_of
    )
    assert (found.keys, found.full, found.ignored) == (set(), None, 2)
    assert in_words(ChangeBatch([], False, False), found).endswith(
        "nothing to check (none touches a host config)"
    )


def test_the_cursor_round_trips_and_an_unreadable_one_starts_afresh() -> None:
    audit = {"zbx70": {"clock": 1796276266, "ids": ["c1", "c2"]}}
    settings = {"digests": {"inventory": "3fa2c1d0e9b8"}, "turn": 2}
    pending = Pending(1012, ["netbox 1010-1012#1"], 1, audit, settings)
    cursor = ChangeCursor(1009, pending, audit, settings)
    assert ChangeCursor.parse(cursor.dump()) == cursor
    assert ChangeCursor.parse('{"seen": 5}') == ChangeCursor(5)  # a cursor from before settings
    assert ChangeCursor.parse('{"seen": 5, "settings": {"turn": 1}}') == ChangeCursor()
    assert cursor.audit("zbx70").ids == ("c1", "c2") and cursor.audit("zbx60") is None
    assert ChangeCursor.parse("not json") == ChangeCursor()
    assert ChangeCursor.parse('{"seen": 5, "pending": {"nope": 1}}') == ChangeCursor()
    assert ChangeCursor.parse('{"seen": 5, "zabbix": {"zbx70": {"clock": "x"}}}') == ChangeCursor()


def test_an_edit_a_concurrent_write_back_undid_is_named_as_lost() -> None:
    """NetBox saves the whole device a PATCH read: a write-back that read it before a person's
    edit saves the old platform back. Its entry starts from the old data."""
    old = {**DEVICE, "platform": None}
    edit = change("dcim.device", 7, name="sw-zürich-01", before=old, after={**old, "platform": 4})
    written = {**old, "custom_fields": {"zabbix_hostid": 10500, "zabbix_sync_status": "missing"}}
    undoing = change("dcim.device", 7, name="sw-zürich-01", before=old, after=written)
    edit = replace(edit, id=90)
    found = affected([edit, undoing], owners, users_of)
    assert found.keys == {"device-7"} and found.lost == ["sw-zürich-01 platform (entry 90)"]
    line = in_words(ChangeBatch([edit, undoing], False, False), found)
    assert line.endswith(
        "→ refresh of 1 host config; NetBox undid 1 edit saving the refresh's write-back at the "
        "same time: sw-zürich-01 platform (entry 90); make it again"
    ), line
    # a write-back after the edit, from the edited data, undoes nothing
    after_edit = change(
        "dcim.device",
        7,
        before=edit.after,
        after={**edit.after, "custom_fields": written["custom_fields"]},
    )
    assert affected([edit, after_edit], owners, users_of).lost == []


def test_an_update_names_the_fields_it_changed_custom_fields_by_name() -> None:
    edit = change(
        "dcim.device",
        7,
        before={**DEVICE, "last_updated": "a", "platform": None},
        after={
            **DEVICE,
            "last_updated": "b",
            "platform": 4,
            "custom_fields": {"zabbix_hostid": None, "zabbix_templates": ["Linux"]},
        },
    )
    assert edit.changed_fields() == ["platform", "custom_fields.zabbix_templates"]
