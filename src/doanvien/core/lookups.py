"""`field__any_of=[...]`: a text field equal to one of many values, sent as one parameter.

`field__in=[...]` writes `IN (%s, %s, …)`: with thousands of values (an import's lookups for
each chunk of rows) the statement is long, PostgreSQL's driver parses it again on every call
and Django prepares each value. On PostgreSQL `any_of` writes `= ANY(%s)` with the values as one
array, which the unique indexes answer as they answer IN. Elsewhere it writes IN. The values
are given as the database keeps them (text), and are not prepared again.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, Lookup


@CharField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)
