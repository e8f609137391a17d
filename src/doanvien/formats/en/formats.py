# The same dates as in Vietnamese (dd/mm/yyyy); English number separators.
from doanvien.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
