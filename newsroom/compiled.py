"""Queries whose shape never changes, written by the ORM once per process and database.

Django writes a query's SQL anew each time it runs; for a small query on a page every
reader opens, writing it costs more than the database spends answering (README,
Performance). A CompiledQuery builds its queryset once, from marker values standing where
the values of each call go, keeps the SQL, and afterwards only puts each call's values in
the markers' places. The rules stay where they are (``published()``, the models); only
their SQL is kept.

A value that changes the query's shape (None, which becomes ``IS NULL``; a list, whose
length is part of the SQL) cannot be a marker: build such queries the usual way.
"""

import datetime
import threading

from django.db import connections, router


class CompiledQuery:
    """``build(**values)`` returns the queryset for the given values; ``types`` names each
    value's type (``int`` or ``datetime.datetime``), for which an unlikely marker is made.
    ``raw(**values)`` returns the model instances, the fields the queryset left out deferred
    (as ``Model.objects.raw()``: no ``select_related``); ``sql(alias, **values)``, the
    statement to run or to put in another."""

    def __init__(self, model, build, **types):
        self.model = model
        self.build = build
        self.markers = {name: _marker(kind, n) for n, (name, kind) in enumerate(types.items())}
        self._statements = {}  # {database alias: (sql, params, {marker: places})}
        self._lock = threading.Lock()

    def raw(self, **values):
        alias = router.db_for_read(self.model)
        sql, params = self.sql(alias, **values)
        return self.model._default_manager.db_manager(alias).raw(sql, params)

    def sql(self, alias, **values):
        """(SQL, parameters) for these values, to run on the database ``alias``."""
        if values.keys() != self.markers.keys():  # a marker left in place would be a wrong answer
            raise TypeError(f"Give exactly these values: {', '.join(self.markers)}.")
        sql, params, slots = self._statement(alias)
        params = list(params)
        for name, value in values.items():
            if value is None:  # the ORM would have written IS NULL: another query
                raise ValueError(f"{name!r} is None; build this query the usual way.")
            adapted = _adapted(connections[alias], value)
            for index in slots[name]:
                params[index] = adapted
        return sql, tuple(params)

    def _statement(self, alias):
        with self._lock:
            if (statement := self._statements.get(alias)) is None:
                sql, params = self.build(**self.markers).using(alias).query.sql_with_params()
                slots = {}
                for name, marker in self.markers.items():
                    adapted = _adapted(connections[alias], marker)
                    slots[name] = [i for i, value in enumerate(params) if value == adapted]
                    if not slots[name]:
                        raise ValueError(f"The marker of {name!r} is not in the query.")
                statement = self._statements[alias] = (sql, tuple(params), slots)
            return statement


def _marker(kind, n):
    """The ``n``-th marker of a query: a value no real call passes (a negative id, a time
    in 1901), different from its other markers."""
    if kind is int:
        return -918_273_645 - n
    if kind is datetime.datetime:
        return datetime.datetime(1901, 2, 3, 4, 5, 6, n + 1, tzinfo=datetime.UTC)
    raise TypeError(f"No marker for {kind.__name__}: an int or a datetime.datetime.")


def _adapted(connection, value):
    """A value as the ORM hands it to the database driver."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value
