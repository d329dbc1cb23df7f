# Month names written out: "May 31, 2024", "May 31, 2024 09:30", "9:30 a.m.".
DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y H:i"
TIME_FORMAT = "g:i a"
