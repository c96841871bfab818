"""The soak test for 5 minutes (about 8 with the final checks); `scripts/soak 15` is the long
one."""

import pytest
from soak import soak

pytestmark = pytest.mark.integration


def test_soak_five_minutes() -> None:
    report = soak(5)
    assert sum(job["runs"] for job in report["jobs"].values()) >= 6
