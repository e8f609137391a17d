from doanvien.core.dates import INPUT_FORMATS

# Dates are written dd/mm/yyyy in Vietnam, whatever the interface language.
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
# Also as typed on a phone's number pad: 24.05.2027 and 24052027 (core/dates.py).
DATE_INPUT_FORMATS = INPUT_FORMATS
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
