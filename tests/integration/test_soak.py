"""The soak test for 3 minutes (about 6 with the final checks); `scripts/soak 15` is the long
one."""

import pytest
from soak import soak

pytestmark = pytest.mark.integration


def test_soak_three_minutes() -> None:
    report = soak(3)
    assert sum(job["runs"] for job in report["jobs"].values()) >= 6
