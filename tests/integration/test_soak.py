"""The soak test for 2 minutes (about 3 with the final checks); `scripts/soak 15` is the long
one."""

import pytest
from soak import soak

pytestmark = pytest.mark.integration


def test_soak_two_minutes() -> None:
    report = soak(2)
    # three jobs every 10 s, each run a few seconds: a dozen cycles at least, faults and all
    assert sum(job["runs"] for job in report["jobs"].values()) >= 12
