"""The site's own date formats, where they differ from Django's for a language
(FORMAT_MODULE_PATH). Templates name a format ("DATE_FORMAT"), never spell one out, so
every language writes dates in its own order."""
