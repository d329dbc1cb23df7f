# Django's Arabic formats have no date with time: "31 مايو، 2024، 09:30".
DATETIME_FORMAT = "j F، Y، H:i"
