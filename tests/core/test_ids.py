"""Time-ordered ids: ``app.uuid_v7()`` and the portable form used before PostgreSQL 18."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from switchboard.core.migrations.versions.core_0003_time_ordered_ids import PORTABLE_EXPRESSION


@pytest.mark.parametrize("expression", ["app.uuid_v7()", PORTABLE_EXPRESSION])
def test_ids_are_version_7_and_start_with_the_time(owner, expression):
    before = int(datetime.now(UTC).timestamp() * 1000)
    first = uuid.UUID(str(owner.execute(text(f"SELECT {expression}")).scalar_one()))
    time.sleep(0.005)
    second = uuid.UUID(str(owner.execute(text(f"SELECT {expression}")).scalar_one()))
    after = int(datetime.now(UTC).timestamp() * 1000)
    for value in (first, second):
        assert value.version == 7 and value.variant == uuid.RFC_4122
        assert before - 5 <= value.int >> 80 <= after + 5
    assert first < second  # later ids sort after earlier ones
