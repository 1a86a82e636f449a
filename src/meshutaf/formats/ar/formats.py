# Django's Arabic formats leave the short date-time out, which falls back to the US month-first
# order; day first, as in the short date.
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATETIME_FORMAT = "j F، Y، H:i"
