import pytest

from caj.core import dates
from caj.core.display import display_date
from caj.core.edtf import bounds


@pytest.mark.parametrize("edtf, lo, hi, shown, precision", [
    ("2004", "2004-01-01", "2004-12-31", "2004", "year"),
    ("2024-08", "2024-08-01", "2024-08-31", "Aug 2024", "month"),
    ("1991-08-29", "1991-08-29", "1991-08-29", "29 Aug 1991", "day"),
    ("199X", "1990-01-01", "1999-12-31", "1990s", "decade"),
    ("2017~", "2017-01-01", "2017-12-31", "c. 2017", "year approximate"),
    ("2006/2009", "2006-01-01", "2009-12-31", "2006–2009", "interval"),
    ("2024-10/2025", "2024-10-01", "2025-12-31", "Oct 2024–2025", "interval"),
    ("../2022", "0001-01-01", "2022-12-31", "by 2022", "interval"),
])
def test_edtf_bounds_and_reading(edtf, lo, hi, shown, precision):
    assert bounds(edtf) == (lo, hi)
    assert display_date(edtf) == shown
    assert dates.precision(edtf) == precision


@pytest.mark.parametrize("bad", ["2021-13", "2024-02-30", "soon", "", "20O4"])
def test_not_edtf(bad):
    with pytest.raises(ValueError):
        bounds(bad)
