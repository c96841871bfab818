"""The soak test for 90 s (about 2 minutes with the final checks); `scripts/soak 15` is the
long one."""

import pytest
from soak import soak

pytestmark = [pytest.mark.integration, pytest.mark.own_lab]


def test_soak_ninety_seconds() -> None:
    report = soak(1.5)
    # three jobs every 10 s, each run a few seconds: a dozen cycles at least, faults and all
    assert sum(job["runs"] for job in report["jobs"].values()) >= 12
