"""Random bytes and random mutations of real files at every reader: always a record or a clear error."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.extract import extract_path
from tests.conftest import CORPUS

REAL = sorted(p for p in (CORPUS / "dev").iterdir() if not p.name.endswith(".gold.json"))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(path) -> None:
    for outcome in extract_path(path):  # must not raise
        assert (outcome.record is None) != (outcome.error is None)
        if outcome.error:
            assert not outcome.error.startswith("extraction failed"), outcome.error


@SETTINGS
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".txt", ".xml", ".nbib", ".ris", ".gz"]))
def test_random_bytes(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    _check(path)


@SETTINGS
@given(index=st.integers(0, len(REAL) - 1), cuts=st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=20)),
                                                           max_size=4))
def test_mutated_real_files(tmp_path, index, cuts):
    data = bytearray(REAL[index].read_bytes())
    for where, junk in cuts:
        at = int(where * len(data))
        data[at:at + len(junk)] = junk
    path = tmp_path / f"mutated{REAL[index].suffix}"
    path.write_bytes(bytes(data))
    _check(path)
